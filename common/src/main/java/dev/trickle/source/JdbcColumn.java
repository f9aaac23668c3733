package dev.trickle.source;

import dev.trickle.plan.SplitType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A column of a JDBC relation as the database describes it.
 *
 * @param name the column's name at the source
 * @param jdbcType {@link java.sql.Types}
 * @param typeName the database's own type name ("numeric", "timestamptz", "_numeric")
 * @param precision the declared precision (0 when unbounded)
 * @param scale the declared scale
 */
public record JdbcColumn(String name, int jdbcType, String typeName, int precision, int scale) {

  /** The columns of {@code relation}, from a query that returns no rows. */
  static List<JdbcColumn> describe(Connection connection, String relation) throws SQLException {
    List<JdbcColumn> out = new ArrayList<>();
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + relation + " WHERE 1 = 0")) {
      ResultSetMetaData md = rs.getMetaData();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        out.add(new JdbcColumn(md.getColumnName(i), md.getColumnType(i), md.getColumnTypeName(i), md.getPrecision(i), md.getScale(i)));
      }
    }
    return out;
  }

  public Optional<SplitType> splitType() {
    return SplitType.ofJdbc(jdbcType, typeName, precision);
  }

  /**
   * The Spark type this column must be read as instead of Spark's default, if any. A decimal that
   * does not fit Spark's decimal(38, s) (PostgreSQL's unbounded {@code numeric}, precision above
   * 38, scale outside 0..precision) is read as its exact text: Spark would otherwise round it to
   * decimal(38,18), or to scale 0 above precision 38, or fail. Arrays of such numbers likewise.
   */
  public Optional<String> sparkTypeOverride() {
    boolean unfitDecimal = precision <= 0 || precision > 38 || scale < 0 || scale > precision;
    if ((jdbcType == Types.NUMERIC || jdbcType == Types.DECIMAL) && unfitDecimal) {
      return Optional.of("STRING");
    }
    if (jdbcType == Types.ARRAY && typeName != null && typeName.toLowerCase(Locale.ROOT).equals("_numeric") && unfitDecimal) {
      return Optional.of("ARRAY<STRING>");
    }
    return Optional.empty();
  }
}
