package dev.trickle.plan;

import java.sql.Types;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/**
 * The kinds of column a table can be cut on by key ranges. Each orders the same way at the source
 * and in Spark, so a range predicate selects the same rows on both sides.
 */
public enum SplitType {
  INTEGER,
  DECIMAL,
  DATE,
  /** An instant (PostgreSQL timestamptz, Spark timestamp). */
  TIMESTAMP,
  /** A local date-time (timestamp without time zone, Spark timestamp_ntz). */
  TIMESTAMP_NTZ,
  /** Text, compared in byte order (code point order for UTF-8) on both sides. */
  STRING,
  /** A UUID; its lower-case text orders like its bytes. */
  UUID;

  /** What the split column may be, for messages. */
  public static final String SUPPORTED =
      "integer, bigint, smallint, decimal/numeric with precision, date, timestamp, timestamptz, text/varchar or uuid";

  /** The split type of a column Spark reads as {@code type}, if it can be cut into ranges. */
  public static Optional<SplitType> ofSpark(DataType type) {
    if (type.equals(DataTypes.ByteType) || type.equals(DataTypes.ShortType)
        || type.equals(DataTypes.IntegerType) || type.equals(DataTypes.LongType)) {
      return Optional.of(INTEGER);
    }
    if (type instanceof DecimalType) {
      return Optional.of(DECIMAL);
    }
    if (type.equals(DataTypes.DateType)) {
      return Optional.of(DATE);
    }
    if (type.equals(DataTypes.TimestampType)) {
      return Optional.of(TIMESTAMP);
    }
    if (type.equals(DataTypes.TimestampNTZType)) {
      return Optional.of(TIMESTAMP_NTZ);
    }
    if (type.equals(DataTypes.StringType)) {
      return Optional.of(STRING);
    }
    return Optional.empty();
  }

  /**
   * The split type of a JDBC column from its result set metadata. Decimals need a precision of at
   * most 38 (unbounded ones are read as text, which would not order like numbers); blank-padded
   * char(n) is left out because the database ignores trailing blanks when comparing and Spark does not.
   */
  public static Optional<SplitType> ofJdbc(int jdbcType, String typeName, int precision) {
    String name = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
    if (name.equals("uuid")) {
      return Optional.of(UUID);
    }
    if (name.equals("timestamptz")) {
      return Optional.of(TIMESTAMP);
    }
    return switch (jdbcType) {
      case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> Optional.of(INTEGER);
      case Types.NUMERIC, Types.DECIMAL -> precision > 0 && precision <= 38 ? Optional.of(DECIMAL) : Optional.empty();
      case Types.DATE -> Optional.of(DATE);
      case Types.TIMESTAMP -> Optional.of(TIMESTAMP_NTZ);
      case Types.TIMESTAMP_WITH_TIMEZONE -> Optional.of(TIMESTAMP);
      case Types.VARCHAR, Types.NVARCHAR, Types.LONGVARCHAR, Types.LONGNVARCHAR -> Optional.of(STRING);
      default -> Optional.empty();
    };
  }
}
