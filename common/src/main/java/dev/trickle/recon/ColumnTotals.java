package dev.trickle.recon;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.util.HyperLogLogPlusPlusHelper;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * One column's profile metrics as a task adds them up, in Spark's internal values: nulls, min
 * and max (in Spark's order: NaN above every number, strings by their UTF-8 bytes), an exact sum
 * that turns NULL only when the total leaves the type's range (what {@code try_sum} reports),
 * the sum of absolute values of a floating column, and the HyperLogLog++ registers Spark's
 * {@code approx_count_distinct} keeps (its own helper, so the estimates are the ones Spark gives).
 */
final class ColumnTotals implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The relative error of Spark's {@code approx_count_distinct} by default. */
  private static final double DISTINCT_RSD = 0.05;

  private enum Kind { LONG, INT, BOOLEAN, DOUBLE, SMALL_DECIMAL, DECIMAL, STRING, OTHER }

  private final DataType type;
  private final Kind kind;
  private final boolean extremes;
  private final boolean sums;
  private final HyperLogLogPlusPlusHelper distinct;

  private long nulls;
  private boolean seen;
  private long minLong = Long.MAX_VALUE;
  private long maxLong = Long.MIN_VALUE;
  private double minDouble = Double.NaN; // NaN is the largest double in Spark's order
  private double maxDouble = Double.NEGATIVE_INFINITY;
  private Object minObject;
  private Object maxObject;
  private long sumLong;
  private BigInteger sumBig; // the sum (sumLong then 0) once the long sum overflowed, or for wide decimals
  private double sumDouble;
  private double sumAbs;
  private final long[] registers;
  private transient UnsafeRow registerRow;

  ColumnTotals(DataType type, List<String> metrics) {
    this.type = type;
    this.kind = kindOf(type);
    this.extremes = metrics.contains(ColumnProfiles.MIN);
    this.sums = metrics.contains(ColumnProfiles.SUM);
    this.distinct = metrics.contains(ColumnProfiles.APPROX_DISTINCT) ? new HyperLogLogPlusPlusHelper(DISTINCT_RSD) : null;
    this.registers = distinct == null ? null : new long[distinct.numWords()];
  }

  private static Kind kindOf(DataType t) {
    if (t instanceof LongType || t instanceof TimestampType) {
      return Kind.LONG;
    }
    if (t instanceof DateType) {
      return Kind.INT;
    }
    if (t instanceof BooleanType) {
      return Kind.BOOLEAN;
    }
    if (t instanceof DoubleType) {
      return Kind.DOUBLE;
    }
    if (t instanceof DecimalType d) {
      return d.precision() <= Decimal.MAX_LONG_DIGITS() ? Kind.SMALL_DECIMAL : Kind.DECIMAL;
    }
    if (t instanceof StringType) {
      return Kind.STRING;
    }
    return Kind.OTHER; // binary, arrays, maps, structs: nulls (and distinct for binary) only
  }

  /** Adds field {@code i} of {@code row}. */
  void add(InternalRow row, int i) {
    if (row.isNullAt(i)) {
      nulls++;
      return;
    }
    seen = true;
    Object value = switch (kind) {
      case LONG -> addLong(row.getLong(i));
      case INT -> (int) addLong(row.getInt(i));
      case BOOLEAN -> addLong(row.getBoolean(i) ? 1 : 0) == 1;
      case DOUBLE -> addDouble(row.getDouble(i));
      case SMALL_DECIMAL, DECIMAL -> addDecimal(row.getDecimal(i, precision(), scale()));
      case STRING -> addString(row.getUTF8String(i));
      case OTHER -> distinct == null ? null : row.get(i, type);
    };
    if (distinct != null) {
      distinct.update(registers(), 0, value, type);
    }
  }

  private long addLong(long v) {
    if (extremes) {
      minLong = Math.min(minLong, v);
      maxLong = Math.max(maxLong, v);
    }
    if (sums) {
      addToSum(v);
    }
    return v;
  }

  private void addToSum(long v) {
    if (sumBig != null) {
      sumBig = sumBig.add(BigInteger.valueOf(v));
      return;
    }
    long total = sumLong + v;
    if (((sumLong ^ total) & (v ^ total)) < 0) { // overflowed: go on exactly
      sumBig = BigInteger.valueOf(sumLong).add(BigInteger.valueOf(v));
      sumLong = 0;
    } else {
      sumLong = total;
    }
  }

  private double addDouble(double v) {
    if (extremes) {
      minDouble = compare(v, minDouble) < 0 ? v : minDouble;
      maxDouble = compare(v, maxDouble) > 0 ? v : maxDouble;
    }
    sumDouble += v;
    sumAbs += Math.abs(v);
    return v;
  }

  private Decimal addDecimal(Decimal v) {
    if (kind == Kind.SMALL_DECIMAL) { // one scale: the unscaled longs order and add like the values
      addLong(v.toUnscaledLong());
      return v;
    }
    if (extremes) {
      minObject = minObject == null || v.compare((Decimal) minObject) < 0 ? v : minObject;
      maxObject = maxObject == null || v.compare((Decimal) maxObject) > 0 ? v : maxObject;
    }
    if (sums) {
      BigInteger unscaled = v.toJavaBigDecimal().unscaledValue();
      sumBig = sumBig == null ? unscaled : sumBig.add(unscaled);
    }
    return v;
  }

  private UTF8String addString(UTF8String v) {
    if (extremes) {
      if (minObject == null) {
        minObject = v.clone(); // the row's bytes are reused for the next row
        maxObject = minObject;
      } else if (v.compareTo((UTF8String) minObject) < 0) {
        minObject = v.clone();
      } else if (v.compareTo((UTF8String) maxObject) > 0) {
        maxObject = v.clone();
      }
    }
    return v;
  }

  /** Adds another task's totals of the same column. */
  ColumnTotals merge(ColumnTotals other) {
    nulls += other.nulls;
    if (!other.seen) {
      return this;
    }
    seen = true;
    minLong = Math.min(minLong, other.minLong);
    maxLong = Math.max(maxLong, other.maxLong);
    minDouble = compare(other.minDouble, minDouble) < 0 ? other.minDouble : minDouble;
    maxDouble = compare(other.maxDouble, maxDouble) > 0 ? other.maxDouble : maxDouble;
    minObject = least(minObject, other.minObject);
    maxObject = greatest(maxObject, other.maxObject);
    if (other.sumBig != null) {
      sumBig = other.sumBig.add(sumBig != null ? sumBig : BigInteger.valueOf(sumLong));
      sumLong = 0;
    } else {
      addToSum(other.sumLong);
    }
    sumDouble += other.sumDouble;
    sumAbs += other.sumAbs;
    if (distinct != null) {
      distinct.merge(registers(), other.registers(), 0, 0);
    }
    return this;
  }

  /** The metric's value as Spark would return it in a {@code Row} (NULL where no value was seen). */
  Object metric(String metric) {
    return switch (metric) {
      case ColumnProfiles.NULLS -> nulls;
      case ColumnProfiles.MIN -> seen ? external(kind == Kind.DOUBLE ? (Object) minDouble : minLong, minObject) : null;
      case ColumnProfiles.MAX -> seen ? external(kind == Kind.DOUBLE ? (Object) maxDouble : maxLong, maxObject) : null;
      case ColumnProfiles.SUM -> seen ? sum() : null;
      case ColumnProfiles.SUM_ABS -> seen ? sumAbs : null;
      case ColumnProfiles.APPROX_DISTINCT -> distinct.query(registers(), 0);
      default -> throw new IllegalArgumentException(metric);
    };
  }

  private Object external(Object number, Object object) {
    return switch (kind) {
      case LONG, DOUBLE -> CatalystTypeConverters.convertToScala(number, type);
      case INT -> CatalystTypeConverters.convertToScala((int) (long) (Long) number, type);
      case BOOLEAN -> (Long) number == 1;
      case SMALL_DECIMAL -> BigDecimal.valueOf((Long) number, scale());
      case DECIMAL, STRING -> CatalystTypeConverters.convertToScala(object, type);
      case OTHER -> null;
    };
  }

  /** {@code try_sum}: NULL beyond the sum's type (bigint; decimal(p + 10, s), at most 38 digits). */
  private Object sum() {
    if (kind == Kind.DOUBLE) {
      return sumDouble;
    }
    BigInteger total = sumBig != null ? sumBig : BigInteger.valueOf(sumLong);
    if (kind == Kind.LONG) {
      return total.bitLength() < Long.SIZE ? total.longValue() : null;
    }
    BigDecimal value = new BigDecimal(total, scale());
    int precision = Math.min(DecimalType.MAX_PRECISION(), precision() + 10);
    return value.precision() - value.scale() <= precision - scale() ? value : null;
  }

  private static int compare(double a, double b) {
    return a == b ? 0 : Double.compare(a, b); // -0.0 equals 0.0; NaN above everything
  }

  @SuppressWarnings("unchecked")
  private static Object least(Object a, Object b) {
    return a == null ? b : b == null ? a : ((Comparable<Object>) a).compareTo(b) <= 0 ? a : b;
  }

  @SuppressWarnings("unchecked")
  private static Object greatest(Object a, Object b) {
    return a == null ? b : b == null ? a : ((Comparable<Object>) a).compareTo(b) >= 0 ? a : b;
  }

  private int precision() {
    return ((DecimalType) type).precision();
  }

  private int scale() {
    return ((DecimalType) type).scale();
  }

  /** The registers as the row Spark's helper updates in place (rebuilt after deserialisation). */
  private UnsafeRow registers() {
    if (registerRow == null) {
      int words = registers.length;
      registerRow = new UnsafeRow(words);
      int bitSet = UnsafeRow.calculateBitSetWidthInBytes(words);
      byte[] bytes = new byte[bitSet + 8 * words];
      registerRow.pointTo(bytes, bytes.length);
      for (int w = 0; w < words; w++) {
        registerRow.setLong(w, registers[w]);
      }
    }
    return registerRow;
  }

  private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
    if (registerRow != null) {
      for (int w = 0; w < registers.length; w++) {
        registers[w] = registerRow.getLong(w);
      }
    }
    out.defaultWriteObject();
  }
}
