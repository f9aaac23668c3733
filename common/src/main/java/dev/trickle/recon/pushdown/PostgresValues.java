package dev.trickle.recon.pushdown;

import dev.trickle.recon.ColumnProfiles;
import dev.trickle.recon.ComparisonPlan.Canon;
import dev.trickle.recon.ComparisonPlan.PlannedColumn;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import org.apache.spark.sql.catalyst.util.DateTimeUtils;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.TimestampType;

/** Canonical values read back from PostgreSQL as the Java values Spark uses for the same types. */
final class PostgresValues {
  private PostgresValues() {}

  /** A profile metric's value. */
  static Object read(ResultSet rs, int i, PlannedColumn c, String metric) throws SQLException {
    return switch (metric) {
      case ColumnProfiles.NULLS -> rs.getLong(i);
      case ColumnProfiles.SUM, ColumnProfiles.SUM_ABS -> c.floating() ? nullable(rs, rs.getDouble(i)) : rs.getBigDecimal(i);
      default -> value(rs, i, c);
    };
  }

  /** The values of consecutive columns (canonical keys) from {@code start}. */
  static Object[] readAll(ResultSet rs, int start, List<PlannedColumn> columns) throws SQLException {
    Object[] out = new Object[columns.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = value(rs, start + i, columns.get(i));
    }
    return out;
  }

  /** One canonical value as Spark's external type for it. */
  static Object value(ResultSet rs, int i, PlannedColumn c) throws SQLException {
    DataType t = c.canonicalType();
    if (c.canon() != Canon.VALUE) {
      return rs.getString(i);
    }
    if (t.equals(DataTypes.LongType)) {
      return nullable(rs, rs.getLong(i));
    }
    if (t instanceof DecimalType) {
      return rs.getBigDecimal(i);
    }
    if (t.equals(DataTypes.DoubleType)) {
      return nullable(rs, rs.getDouble(i));
    }
    if (t instanceof DateType) {
      LocalDate d = rs.getObject(i, LocalDate.class);
      return d == null ? null : java.sql.Date.valueOf(d);
    }
    if (t instanceof TimestampType) {
      // As Spark converts its own: through the Julian calendar before 1582, as java.sql.Timestamp counts.
      OffsetDateTime ts = rs.getObject(i, OffsetDateTime.class);
      return ts == null ? null : DateTimeUtils.toJavaTimestamp(DateTimeUtils.instantToMicros(ts.toInstant()));
    }
    if (t instanceof BooleanType) {
      return nullable(rs, rs.getBoolean(i));
    }
    if (t instanceof BinaryType) {
      return rs.getBytes(i);
    }
    return rs.getString(i);
  }

  private static <T> T nullable(ResultSet rs, T value) throws SQLException {
    return rs.wasNull() ? null : value;
  }
}
