package dev.trickle.source.pgcopy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteOrder;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.spark.sql.catalyst.util.DateTimeUtils;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.TimestampNTZType;

/**
 * PostgreSQL's binary COPY format, one value kind per constant, decoded straight into Spark's
 * column vectors (no Java object per value). Each kind writes exactly what Spark's JDBC reader
 * would give for the same column, including its clamping of PostgreSQL's infinite dates and
 * timestamps; {@code PgCopyReadTest} compares the two value by value.
 */
public enum PgBinary {
  BOOL {
    @Override
    ValueWriter writer(DataType type, String column) {
      return (b, off, len, v, row) -> v.putBoolean(row, b[off] != 0);
    }
  },
  INT2 {
    @Override
    ValueWriter writer(DataType type, String column) {
      return (b, off, len, v, row) -> v.putShort(row, (short) SHORT.get(b, off));
    }
  },
  INT4 {
    @Override
    ValueWriter writer(DataType type, String column) {
      return (b, off, len, v, row) -> v.putInt(row, (int) INT.get(b, off));
    }
  },
  INT8 {
    @Override
    ValueWriter writer(DataType type, String column) {
      return (b, off, len, v, row) -> v.putLong(row, (long) LONG.get(b, off));
    }
  },
  FLOAT4 {
    @Override
    ValueWriter writer(DataType type, String column) {
      return (b, off, len, v, row) -> v.putFloat(row, Float.intBitsToFloat((int) INT.get(b, off)));
    }
  },
  FLOAT8 {
    @Override
    ValueWriter writer(DataType type, String column) {
      return (b, off, len, v, row) -> v.putDouble(row, Double.longBitsToDouble((long) LONG.get(b, off)));
    }
  },
  /** text, varchar, bpchar, name, json and anything selected as {@code ::text} (UTF-8), and bytea. */
  BYTES {
    @Override
    ValueWriter writer(DataType type, String column) {
      return (b, off, len, v, row) -> v.putByteArray(row, b, off, len);
    }
  },
  /** Days since 2000-01-01; infinity clamped to 9999-12-31 and 0001-01-01 as Spark's PostgreSQL dialect does. */
  DATE {
    @Override
    ValueWriter writer(DataType type, String column) {
      return (b, off, len, v, row) -> {
        int days = (int) INT.get(b, off);
        v.putInt(row, days == Integer.MAX_VALUE ? Infinity.DATE_MAX : days == Integer.MIN_VALUE ? Infinity.DATE_MIN
            : days + DAYS_1970_TO_2000);
      };
    }
  },
  /**
   * Microseconds since 2000-01-01: UTC for timestamptz (Spark timestamp), the wall clock for
   * timestamp (Spark timestamp_ntz). Infinity is clamped: for timestamptz where Spark's dialect
   * puts it, for timestamp (which Spark's JDBC reader fails on) to the same wall-clock bounds.
   */
  TIMESTAMP {
    @Override
    ValueWriter writer(DataType type, String column) {
      boolean wallClock = type instanceof TimestampNTZType;
      long max = wallClock ? Infinity.WALL_CLOCK_MAX : Infinity.TIMESTAMP_MAX;
      long min = wallClock ? Infinity.WALL_CLOCK_MIN : Infinity.TIMESTAMP_MIN;
      return (b, off, len, v, row) -> {
        long micros = (long) LONG.get(b, off);
        v.putLong(row, micros == Long.MAX_VALUE ? max : micros == Long.MIN_VALUE ? min : micros + MICROS_1970_TO_2000);
      };
    }
  },
  /** numeric into a decimal(precision, scale): see {@link #numeric}. */
  NUMERIC {
    @Override
    ValueWriter writer(DataType type, String column) {
      DecimalType decimal = (DecimalType) type;
      return (b, off, len, v, row) -> numeric(b, off, v, row, decimal.precision(), decimal.scale(), column);
    }
  };

  static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  static final int DAYS_1970_TO_2000 = 10_957;
  static final long MICROS_1970_TO_2000 = 946_684_800_000_000L;

  private static final int NUMERIC_NEG = 0x4000;
  private static final long[] POW10 = new long[19];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  /** How a column of Spark type {@code type} (named {@code column} in errors) takes its values. */
  abstract ValueWriter writer(DataType type, String column);

  /** Writes one non-NULL value of {@code len} bytes at {@code off} into row {@code row} of {@code v}. */
  @FunctionalInterface
  interface ValueWriter {
    void write(byte[] b, int off, int len, WritableColumnVector v, int row);
  }

  /**
   * A numeric into a Spark decimal(precision, scale), rounded half up to the scale and failing
   * beyond the precision, as Spark's JDBC reader does. Values whose digits fit a long take a path
   * without BigDecimal. NaN and infinity have no decimal: they fail naming the column.
   */
  static void numeric(byte[] b, int off, WritableColumnVector v, int row, int precision, int scale, String column) {
    int ndigits = (short) SHORT.get(b, off);
    int weight = (short) SHORT.get(b, off + 2);
    int sign = (short) SHORT.get(b, off + 4) & 0xFFFF;
    if (sign != 0 && sign != NUMERIC_NEG) {
      throw new IllegalArgumentException("column " + column + " holds " + special(sign) + ", which no decimal("
          + precision + "," + scale + ") can hold. Add " + column + " to the table's columns.exclude, or read the table through a"
          + " source query that selects " + column + "::float8 (or ::text)");
    }
    if (precision <= 18) {
      long unscaled = unscaledLong(b, off + 8, ndigits, weight, scale);
      if (unscaled >= 0 && unscaled < POW10[precision]) {
        long signed = sign == NUMERIC_NEG ? -unscaled : unscaled;
        if (precision <= Decimal.MAX_INT_DIGITS()) {
          v.putInt(row, (int) signed);
        } else {
          v.putLong(row, signed);
        }
        return;
      }
    }
    BigDecimal value = bigDecimal(b, off + 8, ndigits, weight, sign).setScale(scale, RoundingMode.HALF_UP);
    if (value.precision() > precision) {
      throw new IllegalArgumentException("column " + column + " holds " + value.toPlainString() + ", which does not fit decimal("
          + precision + "," + scale + "). Add " + column + " to the table's columns.exclude, or read the table through a"
          + " source query that selects " + column + "::text");
    }
    v.putDecimal(row, Decimal.apply(value), precision);
  }

  /** The digits times 10^scale when that is exact and fits a long; -1 otherwise (the slow path decides). */
  private static long unscaledLong(byte[] b, int digitsAt, int ndigits, int weight, int scale) {
    long out = 0;
    for (int i = 0; i < ndigits; i++) {
      int digit = (short) SHORT.get(b, digitsAt + 2 * i);
      int exponent = 4 * (weight - i) + scale;
      if (exponent >= 0) {
        if (exponent > 18 || digit > Long.MAX_VALUE / POW10[exponent]) {
          return -1;
        }
        long term = digit * POW10[exponent];
        if (out > Long.MAX_VALUE - term) {
          return -1;
        }
        out += term;
      } else if (exponent > -4) {
        long divisor = POW10[-exponent];
        if (digit % divisor != 0) {
          return -1; // more digits than the scale: rounding, on the slow path
        }
        out += digit / divisor;
      } else if (digit != 0) {
        return -1;
      }
    }
    return out;
  }

  private static BigDecimal bigDecimal(byte[] b, int digitsAt, int ndigits, int weight, int sign) {
    BigDecimal out = BigDecimal.ZERO;
    for (int i = 0; i < ndigits; i++) {
      int digit = (short) SHORT.get(b, digitsAt + 2 * i);
      out = out.add(BigDecimal.valueOf(digit).scaleByPowerOfTen(4 * (weight - i)));
    }
    return sign == NUMERIC_NEG ? out.negate() : out;
  }

  private static String special(int sign) {
    return switch (sign) {
      case 0xC000 -> "NaN";
      case 0xD000 -> "Infinity";
      case 0xF000 -> "-Infinity";
      default -> "with sign 0x" + Integer.toHexString(sign);
    };
  }

  /**
   * Where Spark's PostgreSQL dialect puts PostgreSQL's infinite dates and timestamps (9999-12-31
   * 23:59:59.999 and 0001-01-01), computed the way its JDBC reader computes them (the minimums
   * through Julian dates, so they depend on the JVM's time zone). Public for reconcile's pushdown,
   * which renders the same values in SQL.
   */
  public static final class Infinity {
    /** timestamptz, as microseconds since 1970-01-01 UTC. */
    public static final long TIMESTAMP_MAX = DateTimeUtils.fromJavaTimestamp(
        new Timestamp(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_999).toInstant(ZoneOffset.UTC).toEpochMilli()));
    public static final long TIMESTAMP_MIN = DateTimeUtils.fromJavaTimestamp(
        new Timestamp(LocalDateTime.of(1, 1, 1, 0, 0, 0).toInstant(ZoneOffset.UTC).toEpochMilli()));
    /** timestamp (without time zone), as wall-clock microseconds since 1970-01-01. */
    public static final long WALL_CLOCK_MAX = DateTimeUtils.localDateTimeToMicros(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_000_000));
    public static final long WALL_CLOCK_MIN = DateTimeUtils.localDateTimeToMicros(LocalDateTime.of(1, 1, 1, 0, 0, 0));
    /** date, as days since 1970-01-01. */
    public static final int DATE_MAX = DateTimeUtils.fromJavaDate(
        new java.sql.Date(LocalDateTime.of(9999, 12, 31, 0, 0, 0).toInstant(ZoneOffset.UTC).toEpochMilli()));
    public static final int DATE_MIN = DateTimeUtils.fromJavaDate(
        new java.sql.Date(LocalDateTime.of(1, 1, 1, 0, 0, 0).toInstant(ZoneOffset.UTC).toEpochMilli()));

    private Infinity() {}
  }
}
