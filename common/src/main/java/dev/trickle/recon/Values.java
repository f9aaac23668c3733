package dev.trickle.recon;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.apache.spark.sql.catalyst.util.DateTimeUtils;

/**
 * Aggregate values as they come back from Spark or from a database driver, made comparable and
 * printable the same way: exact numbers as BigDecimal, floating numbers as double, dates as
 * LocalDate, timestamps as Instant (a timestamp without zone is UTC).
 */
final class Values {
  private Values() {}

  static Object normalise(Object v) {
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof Double) {
      return v;
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    if (v instanceof BigDecimal d) {
      return d;
    }
    if (v instanceof Number n) {
      return BigDecimal.valueOf(n.longValue());
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate();
    }
    if (v instanceof java.sql.Timestamp t) {
      // Spark's Timestamps count days before 1582 as Julian ones: undone, so the instant is the value's own.
      return DateTimeUtils.microsToInstant(DateTimeUtils.fromJavaTimestamp(t));
    }
    if (v instanceof LocalDateTime t) {
      return t.toInstant(ZoneOffset.UTC);
    }
    if (v instanceof OffsetDateTime t) {
      return t.toInstant();
    }
    if (v instanceof Instant || v instanceof LocalDate) {
      return v;
    }
    if (v instanceof byte[] b) {
      return HexFormat.of().formatHex(b);
    }
    return v.toString();
  }

  /** Exact equality after normalising (decimals by value, whatever their scale). */
  static boolean same(Object a, Object b) {
    Object x = normalise(a);
    Object y = normalise(b);
    if (x instanceof BigDecimal p && y instanceof BigDecimal q) {
      return p.compareTo(q) == 0;
    }
    return java.util.Objects.equals(x, y);
  }

  static String display(Object v) {
    Object n = normalise(v);
    if (n == null) {
      return null;
    }
    if (n instanceof BigDecimal d) {
      return d.stripTrailingZeros().toPlainString();
    }
    return n.toString();
  }

  static double asDouble(Object v) {
    Object n = normalise(v);
    return n instanceof BigDecimal d ? d.doubleValue() : (Double) n;
  }
}
