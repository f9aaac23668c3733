package dev.trickle.recon.pushdown;

import dev.trickle.config.ColumnsConfig;
import dev.trickle.config.SourceConfig;
import dev.trickle.config.TableConfig;
import dev.trickle.recon.ComparisonPlan;
import dev.trickle.recon.ComparisonPlan.PlannedColumn;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;

/** Whether a table's source can compute its aggregates in PostgreSQL, and its columns if so. */
public final class PostgresSources {
  private PostgresSources() {}

  /**
   * The relation's columns by target name (renames applied, excluded columns left out), typed as
   * PostgreSQL describes them, with the masks of the table's mapping.
   */
  public static Map<String, PgColumn> describe(Connection connection, String relation, ColumnsConfig columns)
      throws SQLException {
    Map<String, PgColumn> out = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + relation + " WHERE false")) {
      ResultSetMetaData md = rs.getMetaData();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        String name = md.getColumnName(i);
        if (columns.exclude().contains(name)) {
          continue;
        }
        String target = columns.targetName(name);
        out.put(target, new PgColumn(name, md.getColumnTypeName(i), Optional.ofNullable(columns.mask().get(target))));
      }
    }
    return out;
  }

  /**
   * Why the source's aggregates cannot be computed in PostgreSQL, or empty when they can. The
   * reconciliation then reads the source through Spark and says why in {@code recon_runs}.
   */
  public static Optional<String> refusal(SourceConfig source, TableConfig table, ComparisonPlan plan,
      Map<String, PgColumn> columns, Connection connection) throws SQLException {
    if (!table.reconcile().pushdown()) {
      return Optional.of("reconcile.pushdown is false");
    }
    if (!source.isPostgres()) {
      return Optional.of("the source is not PostgreSQL");
    }
    if (!table.columns().cast().isEmpty()) {
      return Optional.of("columns.cast is set, and PostgreSQL's casts are not Spark's");
    }
    for (PlannedColumn c : plan.compared()) {
      Optional<String> why = PostgresText.unsupported(c, columns.get(c.name()));
      if (why.isPresent()) {
        return why;
      }
    }
    for (PlannedColumn p : plan.partitions()) {
      if (!PostgresText.labelSupported(p) || columns.get(p.name()) == null) {
        return Optional.of("partition column " + p.name() + " is a floating point number, whose text the engines write differently");
      }
    }
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW server_encoding")) {
      rs.next();
      if (!rs.getString(1).equalsIgnoreCase("UTF8")) {
        return Optional.of("the database's encoding is " + rs.getString(1) + ", not UTF8, so its MD5 of text differs from Spark's");
      }
    }
    return Optional.empty();
  }
}
