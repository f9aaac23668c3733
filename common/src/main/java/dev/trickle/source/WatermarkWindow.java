package dev.trickle.source;

import dev.trickle.TrickleException;
import dev.trickle.plan.SqlDialect;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.IntegralType;

/**
 * The rows a watermark batch reads: those whose watermark column is at or past the last high-water
 * mark minus the lookback. Marks are stored as the load's snapshot renders them (ISO-8601 instant
 * for a column with a time zone, ISO local date-time without one, ISO date, plain number); this
 * turns one into the SQL predicate of the read, and picks the later of two marks. Numbers have no
 * time to look back by: a numeric watermark re-reads from the mark itself (inclusive).
 */
public final class WatermarkWindow {
  private static final DateTimeFormatter SQL_TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  /** What kind of value the watermark column holds. */
  public enum Kind { INSTANT, LOCAL_TIMESTAMP, DATE, NUMBER }

  private WatermarkWindow() {}

  /** The kind of a watermark column of Spark type {@code type}; empty for a type that cannot serve. */
  public static Optional<Kind> kindOf(DataType type) {
    if (type.equals(DataTypes.TimestampType)) {
      return Optional.of(Kind.INSTANT);
    }
    if (type.equals(DataTypes.TimestampNTZType)) {
      return Optional.of(Kind.LOCAL_TIMESTAMP);
    }
    if (type.equals(DataTypes.DateType)) {
      return Optional.of(Kind.DATE);
    }
    if (type instanceof IntegralType || type instanceof DecimalType) {
      return Optional.of(Kind.NUMBER);
    }
    return Optional.empty();
  }

  /**
   * The predicate (source SQL) of rows at or past {@code mark - lookback}; {@code column} is
   * already quoted.
   */
  public static String predicate(SqlDialect dialect, String column, Kind kind, String mark, Duration lookback) {
    return column + " >= " + literal(dialect, kind, lowerBound(kind, mark, lookback));
  }

  /**
   * The predicate (source SQL) of rows past {@code mark}: those that changed after a position
   * whose watermark was {@code mark}. A NULL watermark is not past it.
   */
  public static String after(SqlDialect dialect, String column, Kind kind, String mark) {
    return column + " > " + literal(dialect, kind, lowerBound(kind, mark, Duration.ZERO));
  }

  /** {@code mark - lookback} in the mark's own rendering (a number is left as it is). */
  static String lowerBound(Kind kind, String mark, Duration lookback) {
    try {
      return switch (kind) {
        case INSTANT -> Instant.parse(mark).minus(lookback).toString();
        case LOCAL_TIMESTAMP -> LocalDateTime.parse(mark).minus(lookback).toString();
        case DATE -> LocalDate.parse(mark).minusDays((lookback.toSeconds() + 86_399) / 86_400).toString();
        case NUMBER -> new BigDecimal(mark).toPlainString();
      };
    } catch (DateTimeParseException | NumberFormatException e) {
      throw TrickleException.badInput("Cannot read from watermark '" + mark + "': it is not a " + kind.name().toLowerCase(java.util.Locale.ROOT)
          + ", the type of sync.watermark-column now. The column's type changed since the last batch: reload the table with trickle load.");
    }
  }

  /** The later of two marks of one kind (either may be absent). */
  public static Optional<String> later(Kind kind, Optional<String> a, Optional<String> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return a.isPresent() ? a : b;
    }
    return Optional.of(compare(kind, a.get(), b.get()) >= 0 ? a.get() : b.get());
  }

  private static int compare(Kind kind, String a, String b) {
    return switch (kind) {
      case INSTANT -> Instant.parse(a).compareTo(Instant.parse(b));
      case LOCAL_TIMESTAMP -> LocalDateTime.parse(a).compareTo(LocalDateTime.parse(b));
      case DATE -> LocalDate.parse(a).compareTo(LocalDate.parse(b));
      case NUMBER -> new BigDecimal(a).compareTo(new BigDecimal(b));
    };
  }

  /**
   * A typed SQL literal. PostgreSQL reads ISO-8601 text (with its zone) into the column's type;
   * other databases get ANSI literals, an instant in UTC.
   */
  static String literal(SqlDialect dialect, Kind kind, String value) {
    return switch (kind) {
      case NUMBER -> value;
      case DATE -> "DATE " + dialect.stringLiteral(value);
      case INSTANT -> dialect == SqlDialect.POSTGRES
          ? dialect.stringLiteral(value) + "::timestamptz"
          : "TIMESTAMP " + dialect.stringLiteral(SQL_TIMESTAMP.format(Instant.parse(value).atOffset(ZoneOffset.UTC)));
      case LOCAL_TIMESTAMP -> dialect == SqlDialect.POSTGRES
          ? dialect.stringLiteral(value) + "::timestamp"
          : "TIMESTAMP " + dialect.stringLiteral(SQL_TIMESTAMP.format(LocalDateTime.parse(value)));
    };
  }
}
