package dev.trickle.plan;

import static org.apache.spark.sql.functions.col;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Key ranges cut from the data itself: quantiles of the split column, so a skewed key (a dense
 * block and a sparse far block) still gives ranges of similar row counts, which min/max cuts do not.
 */
public final class KeyRanges {
  /** Above this many rows a PostgreSQL table's quantiles come from a page sample, not a full sort. */
  public static final long SAMPLE_ABOVE_ROWS = 5_000_000;
  /** Rows a sample aims for; quantile ranks are then within about 1% (far inside the 2x goal). */
  static final long SAMPLE_ROWS = 200_000;
  private static final int SEED = 7;

  private KeyRanges() {}

  /** A boundary value and the fraction of rows (0..1) below it. */
  public record Cut(SplitValue value, double fraction) {}

  /**
   * Cuts computed in the database, for {@code n} ranges of about equal row counts.
   *
   * @param relation the FROM text: a quoted table name or a parenthesised, aliased query
   * @param isTable whether relation is a plain table (PostgreSQL may then sample its pages)
   * @param estimatedRows the table's estimated size; large tables are sampled
   */
  public static List<Cut> inDatabase(Connection connection, SqlDialect dialect, String relation, boolean isTable,
      String column, SplitType type, int n, long estimatedRows) throws SQLException {
    return inDatabase(connection, dialect, relation, isTable, column, type, n, estimatedRows, SAMPLE_ABOVE_ROWS);
  }

  /** As above, sampling PostgreSQL tables above {@code sampleAboveRows} rows. */
  public static List<Cut> inDatabase(Connection connection, SqlDialect dialect, String relation, boolean isTable,
      String column, SplitType type, int n, long estimatedRows, long sampleAboveRows) throws SQLException {
    if (n <= 1) {
      return List.of();
    }
    String compared = dialect.comparable(dialect.quoteName(column), type);
    String sql;
    if (dialect == SqlDialect.POSTGRES) {
      String sample = isTable && estimatedRows > sampleAboveRows
          ? " TABLESAMPLE SYSTEM (" + String.format(Locale.ROOT, "%.6f", 100.0 * SAMPLE_ROWS / estimatedRows)
              + ") REPEATABLE (" + SEED + ")"
          : "";
      sql = "SELECT unnest(percentile_disc(ARRAY[" + fractions(n) + "]::float8[]) WITHIN GROUP (ORDER BY "
          + compared + ")) FROM " + relation + sample;
    } else {
      // Window functions are the portable way (MySQL 8, SQL Server, Oracle, DB2...).
      String quoted = dialect.quoteName(column);
      sql = "SELECT min(k) FROM (SELECT " + quoted + " AS k, NTILE(" + n + ") OVER (ORDER BY " + quoted
          + ") AS b FROM " + relation + " WHERE " + quoted + " IS NOT NULL) tiles GROUP BY b ORDER BY b";
    }
    List<SplitValue> values = new ArrayList<>();
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(SplitValue.read(rs, 1, type));
      }
    }
    if (dialect != SqlDialect.POSTGRES && !values.isEmpty()) {
      values.remove(0); // the first tile's minimum is where the first range starts anyway
    }
    return cuts(values, n);
  }

  /**
   * Cuts from a sample of a Dataset's split column, ordered by Spark (so strings compare the way
   * the target does). Reads the one column; brings at most about 200,000 sampled values to the driver.
   */
  public static List<Cut> inSpark(Dataset<Row> rows, String column, SplitType type, int n, long estimatedRows) {
    if (n <= 1 || estimatedRows <= 0) {
      return List.of();
    }
    double fraction = Math.min(1.0, (double) SAMPLE_ROWS / estimatedRows);
    Dataset<Row> keys = rows.select(col(SparkSql.quote(column))).where(col(SparkSql.quote(column)).isNotNull());
    if (fraction < 1.0) {
      keys = keys.sample(false, fraction, SEED);
    }
    List<Row> sorted = keys.orderBy(col(SparkSql.quote(column))).collectAsList();
    List<SplitValue> values = new ArrayList<>();
    for (int i = 1; i < n && !sorted.isEmpty(); i++) {
      values.add(SplitValue.ofSpark(type, sorted.get((int) ((long) i * sorted.size() / n)).get(0)));
    }
    return cuts(values, n);
  }

  /** The n-1 quantile values at i/n, duplicates (one value holding many rows) merged. */
  private static List<Cut> cuts(List<SplitValue> values, int n) {
    List<Cut> out = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      SplitValue v = values.get(i);
      if (v != null && (out.isEmpty() || !out.get(out.size() - 1).value().equals(v))) {
        out.add(new Cut(v, (double) (i + 1) / n));
      }
    }
    return out;
  }

  /** The ranges between cuts: below the first (with NULLs), between each pair, from the last on. */
  public static List<KeyRange> covering(List<Cut> cuts) {
    List<KeyRange> out = new ArrayList<>();
    Optional<SplitValue> from = Optional.empty();
    for (Cut cut : cuts) {
      out.add(new KeyRange(from, Optional.of(cut.value()), from.isEmpty()));
      from = Optional.of(cut.value());
    }
    out.add(new KeyRange(from, Optional.empty(), from.isEmpty()));
    return out;
  }

  /**
   * Chunks for the ranges between cuts, numbered from {@code firstId}, each estimated from the
   * share of rows its cuts span.
   */
  public static List<Chunk> chunks(List<Cut> cuts, long rows, int firstId,
      Function<KeyRange, String> predicate, Function<KeyRange, Optional<String>> targetPredicate) {
    List<KeyRange> ranges = covering(cuts);
    List<Chunk> out = new ArrayList<>();
    double previous = 0;
    for (int i = 0; i < ranges.size(); i++) {
      double upto = i < cuts.size() ? cuts.get(i).fraction() : 1.0;
      KeyRange range = ranges.get(i);
      out.add(new Chunk(firstId + i, predicate.apply(range), targetPredicate.apply(range), Math.round(rows * (upto - previous))));
      previous = upto;
    }
    return out;
  }

  private static String fractions(int n) {
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < n; i++) {
      out.append(i == 1 ? "" : ",").append(String.format(Locale.ROOT, "%.9f", (double) i / n));
    }
    return out.toString();
  }
}
