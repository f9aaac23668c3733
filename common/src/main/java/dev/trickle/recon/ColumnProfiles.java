package dev.trickle.recon;


import dev.trickle.recon.ComparisonPlan.Canon;
import dev.trickle.recon.ComparisonPlan.PlannedColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/**
 * Column profiles of one side, on canonical values (so int against bigint profiles alike): per
 * column {@code nulls}, {@code min}, {@code max}, {@code sum} (numbers) and
 * {@code approx_distinct} (HyperLogLog: identical values give identical estimates). One
 * pass over the side ({@link ProfileTotals}), one small result per task back to the driver.
 */
public final class ColumnProfiles {
  public static final String NULLS = "nulls";
  public static final String MIN = "min";
  public static final String MAX = "max";
  public static final String SUM = "sum";
  public static final String APPROX_DISTINCT = "approx_distinct";
  /** Sum of absolute values of a floating column: bounds the rounding error of its sum. */
  public static final String SUM_ABS = "sum_abs";
  /** Rows of the side, kept with each column's metrics (not a metric of its own). */
  public static final String ROWS = "rows";

  private ColumnProfiles() {}

  /** The metrics computed for a column of this canonical type. */
  public static List<String> metrics(PlannedColumn c, boolean withDistinct) {
    List<String> out = new ArrayList<>(List.of(NULLS));
    DataType t = c.storageType();
    boolean atomic = CanonicalTypes.isAtomic(t);
    if (c.canon() == Canon.VALUE && atomic && !(t instanceof BinaryType)) {
      out.add(MIN);
      out.add(MAX);
    }
    if (c.canon() == Canon.VALUE && (t.equals(DataTypes.LongType) || t instanceof DecimalType || t.equals(DataTypes.DoubleType))) {
      out.add(SUM);
    }
    if (withDistinct && atomic) {
      out.add(APPROX_DISTINCT);
    }
    return out;
  }

  /** What is computed for a column: its {@link #metrics}, and {@link #SUM_ABS} of a floating one. */
  public static List<String> computed(PlannedColumn c, boolean withDistinct) {
    List<String> out = metrics(c, withDistinct);
    if (c.floating()) {
      out.add(SUM_ABS);
    }
    return out;
  }

  /** Profiles of canonical rows ({@link RowHashes#canonical}): column -> metric -> value. */
  public static Map<String, Map<String, Object>> compute(Dataset<Row> canonical, List<PlannedColumn> columns) {
    return ProfileTotals.of(canonical, columns);
  }

  /**
   * Source against target, one metric per row. Counts and exact values must be equal; floating
   * min and max within the float tolerance; a floating sum within the tolerance times the rows
   * plus the largest rounding error summing can make (n * 2^-52 * sum of |x|); approx_distinct of
   * a floating column under a tolerance within 15% (nearby values may count apart).
   */
  public static List<Metric> compare(List<PlannedColumn> columns, Map<String, Map<String, Object>> source,
      Map<String, Map<String, Object>> target, CompareRules rules) {
    List<Metric> out = new ArrayList<>();
    for (PlannedColumn c : columns) {
      Map<String, Object> s = source.getOrDefault(c.name(), Map.of());
      Map<String, Object> t = target.getOrDefault(c.name(), Map.of());
      for (String metric : metrics(c, true)) {
        if (!s.containsKey(metric) || !t.containsKey(metric)) {
          continue; // not computed on one side (approx_distinct is not pushed down)
        }
        Object a = s.get(metric);
        Object b = t.get(metric);
        out.add(new Metric(c.name(), metric, display(metric, a), display(metric, b),
            Verdict.of(agree(c, metric, a, b, s, t, rules)), null));
      }
    }
    return out;
  }

  private static String display(String metric, Object v) {
    return v == null && metric.equals(SUM) ? null : Values.display(v);
  }

  static boolean agree(PlannedColumn c, String metric, Object a, Object b, Map<String, Object> s, Map<String, Object> t,
      CompareRules rules) {
    if (a == null || b == null) {
      return a == null && b == null;
    }
    if (!c.floating()) {
      return Values.same(a, b);
    }
    double x = Values.asDouble(a);
    double y = Values.asDouble(b);
    if (Double.compare(x, y) == 0 || x == y) {
      return true;
    }
    if (!Double.isFinite(x) || !Double.isFinite(y)) {
      // An infinity makes any relative bound infinite: only an equal figure agrees with it.
      return false;
    }
    return switch (metric) {
      case MIN, MAX -> within(x, y, rules.floatAbsolute(), rules.floatRelative());
      case SUM -> {
        double n = Math.max(rows(s), rows(t));
        double sumAbs = Math.max(Values.asDouble(s.getOrDefault(SUM_ABS, 0.0)), Values.asDouble(t.getOrDefault(SUM_ABS, 0.0)));
        yield Math.abs(x - y) <= n * rules.floatAbsolute() + rules.floatRelative() * Math.max(Math.abs(x), Math.abs(y))
            + n * Math.ulp(1.0) * sumAbs;
      }
      case APPROX_DISTINCT -> rules.floatTolerance() && Math.abs(x - y) <= 0.15 * Math.max(x, y);
      default -> false;
    };
  }

  private static double rows(Map<String, Object> profile) {
    Object nulls = profile.get(NULLS);
    Object rows = profile.get(ROWS);
    return rows == null ? 0 : Values.asDouble(rows) - (nulls == null ? 0 : Values.asDouble(nulls));
  }

  static boolean within(double x, double y, double absolute, double relative) {
    double delta = Math.abs(x - y);
    return delta <= absolute || delta <= relative * Math.max(Math.abs(x), Math.abs(y));
  }
}
