package dev.trickle.recon.pushdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.demo.LocalPostgres;
import dev.trickle.recon.CompareRules;
import dev.trickle.recon.ComparisonPlan;
import dev.trickle.recon.ComparisonPlan.PlannedColumn;
import dev.trickle.recon.HashScheme;
import dev.trickle.recon.RowHashes;
import dev.trickle.recon.Side;
import dev.trickle.recon.SparkText;
import dev.trickle.testing.SharedPostgres;
import dev.trickle.testing.SharedSpark;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PostgreSQL and Spark render every supported type's canonical text identically: each column of
 * each row is rendered by both (PostgreSQL from its own column, Spark from what its JDBC reader
 * made of it, also after widening the type as a target might), and the texts must be equal.
 */
@ExtendWith({SharedSpark.class, SharedPostgres.class})
class PostgresTextTest {
  static final String TABLE = """
      CREATE TABLE every_type (
        id int4 PRIMARY KEY, i2 int2, i4 int4, i8 int8, n numeric(12,3), nu numeric, f4 float4, f8 float8,
        t text, vc varchar(10), ch char(5), u uuid, j jsonb, d date, ts timestamp, tz timestamptz, b bool, by bytea)""";
  static final String ROWS = """
      INSERT INTO every_type VALUES
      (1, 1, 2, 3, 1.5, 1.50, 0.1, 0.1, 'abc', 'x', 'ab', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2]}',
       '2026-11-20', '2026-11-20 10:15:30.123456', '2026-11-20 10:15:30.123456+02', true, '\\x00ff'),
      (2, -32768, -2147483648, -9223372036854775808, -999999999.999, 123456789012345678901234567890.123456789,
       -3.4e38, -1.7976931348623157e308, '', '', '', NULL, '{}', '1969-12-31', '1969-12-31 23:59:59.999999',
       '1900-01-01 00:00:00+00', false, ''),
      (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      (4, 32767, 2147483647, 9223372036854775807, 0, 0.000001, '-0', '-0', 'Grüße 😀 | N 3:x', 'N', 'N    ',
       '00000000-0000-0000-0000-000000000000', 'null', '0001-01-01', '2262-04-11 23:47:16.854775', '2026-03-29 01:30:00+01',
       true, '\\x5c7c'),
      (5, 7, 7, 7, 7, 7, 'NaN', 'Infinity', 'trailing  ', ' lead', 'c', NULL, '[1, "x"]', '2000-02-29',
       '2000-02-29 12:00:00', '2000-02-29 12:00:00-12', NULL, NULL),
      (6, 0, 0, 0, 0.001, -0.5, 1e-45, 4.9e-324, 'Ab', 'aB', 'AB', NULL, '"s"', '2026-01-01', '2026-01-01 00:00:00',
       '2026-01-01 00:00:00+00', false, '\\x')""";

  static Dataset<Row> sparkRead(SparkSession spark, LocalPostgres pg, String db, String relation, String predicate) {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("user", LocalPostgres.USER);
    p.setProperty("driver", "org.postgresql.Driver");
    p.setProperty("preferTimestampNTZ", "true");
    p.setProperty("customSchema", "nu STRING");
    return spark.read().jdbc(pg.jdbcUrl(db), relation, new String[] {predicate}, p);
  }

  static Map<String, PgColumn> describe(Connection c, String relation, Map<String, dev.trickle.config.MaskKind> masks)
      throws Exception {
    Map<String, PgColumn> out = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + relation + " WHERE false")) {
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        String name = rs.getMetaData().getColumnName(i);
        out.put(name, new PgColumn(name, rs.getMetaData().getColumnTypeName(i), Optional.ofNullable(masks.get(name))));
      }
    }
    return out;
  }

  @Test
  void everySupportedTypeRendersAlikeInBothEngines(SparkSession spark, LocalPostgres pg) throws Exception {
    String db = SharedPostgres.freshDatabase("pgtext");
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute(TABLE);
      s.execute(ROWS);
    }
    Dataset<Row> asRead = sparkRead(spark, pg, db, "every_type", "TRUE");
    // A target as a load might have typed it: integers widened, decimals rescaled, floats doubled.
    Dataset<Row> widened = asRead.selectExpr("CAST(id AS BIGINT) AS id", "CAST(i2 AS BIGINT) AS i2", "i4", "i8",
        "CAST(n AS DECIMAL(20,5)) AS n", "nu", "CAST(f4 AS DOUBLE) AS f4", "f8", "t", "vc", "ch", "u", "j",
        "d", "CAST(ts AS TIMESTAMP) AS ts", "tz", "b", "by");
    for (Dataset<Row> target : List.of(asRead, widened)) {
      CompareRules rules = CompareRules.exact(List.of("id")).withScheme(HashScheme.MD5_TEXT);
      ComparisonPlan plan = ComparisonPlan.of(asRead.schema(), target.schema(), rules);
      Map<String, PgColumn> columns;
      try (Connection c = pg.connect(db)) {
        columns = describe(c, "every_type", Map.of());
      }
      for (PlannedColumn column : plan.compared()) {
        assertEquals(Optional.empty(), PostgresText.unsupported(column, columns.get(column.name())), column.name());
      }
      Map<String, String> postgres = postgresTexts(pg, db, plan, columns, rules);
      Map<String, String> sparkTexts = sparkTexts(target, plan, rules);
      assertEquals(6 * plan.compared().size(), postgres.size());
      for (Map.Entry<String, String> e : postgres.entrySet()) {
        assertEquals(e.getValue(), sparkTexts.get(e.getKey()), "canonical text of " + e.getKey() + " against "
            + target.schema().simpleString());
      }
    }
  }

  private static Map<String, String> postgresTexts(LocalPostgres pg, String db, ComparisonPlan plan,
      Map<String, PgColumn> columns, CompareRules rules) throws Exception {
    List<String> select = new ArrayList<>(List.of("r.id"));
    for (PlannedColumn c : plan.compared()) {
      select.add(PostgresText.row(List.of(PostgresText.canonical(c, columns.get(c.name()), rules, "r.")), List.of(c)));
    }
    Map<String, String> out = new HashMap<>();
    try (Connection c = pg.connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT " + String.join(", ", select) + " FROM every_type r")) {
      while (rs.next()) {
        for (int i = 0; i < plan.compared().size(); i++) {
          out.put(rs.getInt(1) + "/" + plan.compared().get(i).name(), rs.getString(i + 2));
        }
      }
    }
    return out;
  }

  private static Map<String, String> sparkTexts(Dataset<Row> target, ComparisonPlan plan, CompareRules rules) {
    Dataset<Row> canonical = RowHashes.canonical(target, Side.TARGET, plan, rules);
    List<Column> select = new ArrayList<>(List.of(canonical.col("id").cast(DataTypes.LongType)));
    for (PlannedColumn c : plan.compared()) {
      select.add(SparkTextAccess.row(canonical.col("`" + c.name() + "`"), c));
    }
    Map<String, String> out = new HashMap<>();
    for (Row r : canonical.select(select.toArray(Column[]::new)).collectAsList()) {
      for (int i = 0; i < plan.compared().size(); i++) {
        out.put(r.getLong(0) + "/" + plan.compared().get(i).name(), r.getString(i + 1));
      }
    }
    return out;
  }

  @Test
  void unsupportedColumnsAndSha256MasksRefusePushdownWithAReason() {
    StructType s = new StructType().add("id", DataTypes.IntegerType).add("tags", DataTypes.createArrayType(DataTypes.StringType))
        .add("email", DataTypes.StringType);
    CompareRules rules = CompareRules.exact(List.of("id")).withScheme(HashScheme.MD5_TEXT);
    ComparisonPlan plan = ComparisonPlan.of(s, s, rules);
    PlannedColumn tags = plan.compared().stream().filter(c -> c.name().equals("tags")).findFirst().orElseThrow();
    PlannedColumn email = plan.compared().stream().filter(c -> c.name().equals("email")).findFirst().orElseThrow();
    assertTrue(PostgresText.unsupported(tags, new PgColumn("tags", "_text", Optional.empty())).orElseThrow()
        .contains("column tags"));
    assertTrue(PostgresText.unsupported(email, new PgColumn("email", "text",
        Optional.of(dev.trickle.config.MaskKind.SHA256))).orElseThrow().contains("salt"));
    assertFalse(PostgresText.unsupported(email, new PgColumn("email", "text",
        Optional.of(dev.trickle.config.MaskKind.REDACT))).isPresent());
  }
}
