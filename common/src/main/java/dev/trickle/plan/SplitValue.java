package dev.trickle.plan;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;

/**
 * One boundary value of a key range, held as a plain Java value per {@link SplitType}: Long,
 * BigDecimal, LocalDate, Instant, LocalDateTime or String. It renders itself as a literal for the
 * source's SQL dialect and for Spark SQL.
 */
public record SplitValue(SplitType type, Object value) {
  private static final DateTimeFormatter SQL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT);

  public SplitValue {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
    value = normalise(type, value);
  }

  /** Reads column {@code index} of the current row; null when the value is SQL NULL. */
  public static SplitValue read(ResultSet rs, int index, SplitType type) throws SQLException {
    Object value = switch (type) {
      case INTEGER -> {
        long v = rs.getLong(index);
        yield rs.wasNull() ? null : v;
      }
      case DECIMAL -> rs.getBigDecimal(index);
      case DATE -> rs.getObject(index, LocalDate.class);
      case TIMESTAMP -> {
        Timestamp t = rs.getTimestamp(index);
        yield t == null ? null : t.toInstant();
      }
      case TIMESTAMP_NTZ -> rs.getObject(index, LocalDateTime.class);
      case STRING, UUID -> rs.getString(index);
    };
    return value == null ? null : new SplitValue(type, value);
  }

  /** Wraps a value as Spark returns it in a Row (java.sql.Date, Timestamp, ...); null for null. */
  public static SplitValue ofSpark(SplitType type, Object value) {
    return value == null ? null : new SplitValue(type, value);
  }

  /** The value as a literal of the source's SQL dialect. */
  public String sql(SqlDialect dialect) {
    return switch (type) {
      case INTEGER -> value.toString();
      case DECIMAL -> ((BigDecimal) value).toPlainString();
      case DATE -> "DATE '" + value + "'";
      case TIMESTAMP_NTZ -> "TIMESTAMP '" + SQL_TIME.format((LocalDateTime) value) + "'";
      case TIMESTAMP -> "TIMESTAMP WITH TIME ZONE '"
          + SQL_TIME.format(LocalDateTime.ofInstant((Instant) value, ZoneOffset.UTC)) + "+00:00'";
      case STRING, UUID -> dialect.stringLiteral((String) value);
    };
  }

  /** The value as a Spark SQL literal, rendered by Spark itself so it parses back exactly. */
  public String spark() {
    return switch (type) {
      case TIMESTAMP_NTZ -> "TIMESTAMP_NTZ '" + SQL_TIME.format((LocalDateTime) value) + "'";
      // With an explicit UTC offset, so the literal does not depend on the session time zone.
      case TIMESTAMP -> "TIMESTAMP '" + SQL_TIME.format(LocalDateTime.ofInstant((Instant) value, ZoneOffset.UTC)) + "Z'";
      default -> SparkSql.literal(value);
    };
  }

  @Override
  public String toString() {
    return value.toString();
  }

  private static Object normalise(SplitType type, Object value) {
    return switch (type) {
      case INTEGER -> ((Number) value).longValue();
      case DECIMAL -> value instanceof BigDecimal d ? d : new BigDecimal(value.toString());
      case DATE -> value instanceof java.sql.Date d ? d.toLocalDate() : (LocalDate) value;
      case TIMESTAMP -> value instanceof Timestamp t ? t.toInstant()
          : value instanceof OffsetDateTime o ? o.toInstant() : (Instant) value;
      case TIMESTAMP_NTZ -> value instanceof Timestamp t ? t.toLocalDateTime() : (LocalDateTime) value;
      case STRING -> value.toString();
      case UUID -> value.toString().toLowerCase(Locale.ROOT);
    };
  }
}
