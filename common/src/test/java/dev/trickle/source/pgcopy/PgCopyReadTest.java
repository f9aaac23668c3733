package dev.trickle.source.pgcopy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.config.TrickleConfig;
import dev.trickle.demo.LocalPostgres;
import dev.trickle.source.JdbcSource;
import dev.trickle.source.Source;
import dev.trickle.source.SourceSnapshot;
import dev.trickle.source.Sources;
import dev.trickle.testing.SharedPostgres;
import dev.trickle.testing.SharedSpark;
import dev.trickle.testing.TestConfigs;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.ExtendedMode$;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Reads through binary COPY give what Spark's JDBC reader gives, value for value, on a real
 * PostgreSQL: every type COPY decodes, with NULLs, extremes, infinities, old dates and arrays,
 * over several column batches; and columns COPY does not decode fall back to the JDBC reader.
 */
@ExtendWith({SharedSpark.class, SharedPostgres.class})
class PgCopyReadTest {
  private static final String EVERY_TYPE = """
      CREATE TABLE t (
        id int PRIMARY KEY, flag boolean, small smallint, big bigint, amount numeric(12,2), wide numeric(30,10),
        unbounded numeric, ratio real, score double precision, note text, code varchar(10), fixed char(5),
        raw bytea, day date, at timestamp, at_tz timestamptz, key uuid, doc jsonb, plain_doc json,
        span interval, ints int[], texts text[], amounts numeric(8,3)[], stamps timestamptz[], uuids uuid[])
      """;

  private static final String ROWS = """
      INSERT INTO t SELECT g, g % 3 = 0, (g % 32767)::smallint, g::bigint * 1000003, (g * 1.25)::numeric(12,2),
        g * 1234567.0123456789, g / 7.0, g / 3.0, g / 9.0, 'note ' || g || ' ✓ ünï', 'c' || (g % 100), 'f' || (g % 10),
        decode(lpad(to_hex(g), 8, '0'), 'hex'), DATE '2024-01-01' + g, TIMESTAMP '2024-01-01 00:00:00.000001' + g * INTERVAL '1 second',
        TIMESTAMPTZ '2024-01-01 00:00:00+00' + g * INTERVAL '1 millisecond', md5(g::text)::uuid, jsonb_build_object('g', g, 'x', 'y'),
        json_build_object('g', g), g * INTERVAL '1 minute', ARRAY[g, NULL, -g], ARRAY['a' || g, ''],
        ARRAY[g / 8.0, -1.5]::numeric(8,3)[], ARRAY[TIMESTAMPTZ '2024-06-01 12:00+02' + g * INTERVAL '1 hour'], ARRAY[md5(g::text)::uuid]
      FROM generate_series(1, 9000) g
      """;

  /** Edge values, and a row of NULLs (arrays empty and NULL). */
  private static final String EDGES = """
      INSERT INTO t VALUES
        (-1, false, -32768, -9223372036854775808, -9999999999.99, -99999999999999999999.9999999999, 'NaN', 'NaN', 'Infinity',
         '', '', '', '\\x'::bytea, 'infinity', '1500-06-01 12:34:56.123456', 'infinity', '00000000-0000-0000-0000-000000000000',
         '{"a": [1, 2.50, null]}', '{"b" :  1}', '1 year 2 mons -3 days 04:05:06.789', '{}', '{}', '{}', '{}', '{}'),
        (-2, true, 32767, 9223372036854775807, 9999999999.99, 99999999999999999999.9999999999, 1e-30, '-Infinity', -0.0,
         'a''quote "and" \\backslash', 'ünïcødé', 'x', '\\xdeadbeef'::bytea, '-infinity', '0001-01-01 00:00:00', '-infinity',
         'ffffffff-ffff-ffff-ffff-ffffffffffff', 'null', '[]', '-178000000 years', ARRAY[2147483647, -2147483648],
         ARRAY[NULL, 'x'], ARRAY[NULL, 99999.999]::numeric(8,3)[], ARRAY['1500-06-01 12:00+00']::timestamptz[], ARRAY[NULL]::uuid[]),
        (-3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL),
        (-4, NULL, 0, 0, 0, 0.0000000001, 12345678901234567890123456789012345678901234567890.123, 1.5, 1e300, ' padded ', NULL,
         'ab', NULL, '2024-02-29', '2024-02-29 23:59:59.999999', '1970-01-01 00:00:00+00', NULL, '"text"', '3', '0',
         ARRAY[]::int[], NULL, NULL, NULL, NULL)
      """;

  private static String database(LocalPostgres pg, String... statements) throws SQLException {
    String db = SharedPostgres.freshDatabase("copy");
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
    return db;
  }

  private static JdbcSource source(SparkSession spark, LocalPostgres pg, String db, boolean copy, String table) {
    TrickleConfig config = TestConfigs.parse("""
        trickle {
          warehouse = "/tmp/unused"
          sources { pg { type = jdbc, url = "%s", user = postgres, copy = %s } }
          tables { t { source { ref = pg, table = "%s" }, keys = [id], load.chunks = 4 } }
        }
        """.formatted(pg.jdbcUrl(db), copy, table));
    Source source = Sources.open(spark, config, config.tables().get("t"));
    return (JdbcSource) source;
  }

  private static boolean readsWithCopy(Dataset<Row> rows) {
    return rows.queryExecution().executedPlan().toString().contains("PostgreSQL COPY");
  }

  private static List<Row> sorted(Dataset<Row> rows) {
    return rows.collectAsList().stream().sorted(Comparator.comparing(r -> r.getInt(r.fieldIndex("id")))).toList();
  }

  @Test
  void everyTypeReadsAsSparksJdbcReaderReadsIt(SparkSession spark, LocalPostgres pg) throws SQLException {
    String db = database(pg, EVERY_TYPE, ROWS, EDGES);
    JdbcSource copy = source(spark, pg, db, true, "public.t");
    JdbcSource jdbc = source(spark, pg, db, false, "public.t");
    Dataset<Row> copied = copy.read();
    Dataset<Row> fetched = jdbc.read();
    assertTrue(readsWithCopy(copied), "COPY decodes every column of this table");
    assertFalse(readsWithCopy(fetched), "copy = false reads with Spark's JDBC reader");
    assertEquals(fetched.schema(), copied.schema());
    assertEquals(4, copied.rdd().getNumPartitions(), "one partition per key range");
    List<Row> expected = sorted(fetched);
    List<Row> actual = sorted(copied);
    assertEquals(9004, actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), actual.get(i), "row with id " + expected.get(i).get(0));
    }
  }

  @Test
  void onlyTheColumnsAQueryNeedsAreRead(SparkSession spark, LocalPostgres pg) throws SQLException {
    String db = database(pg, EVERY_TYPE, ROWS, EDGES);
    Dataset<Row> copied = source(spark, pg, db, true, "public.t").read();
    assertEquals(9004, copied.count(), "a count reads no column");
    Dataset<Row> narrow = copied.selectExpr("id", "note").where("id < 0");
    String plan = narrow.queryExecution().executedPlan().toString();
    assertTrue(plan.contains("PostgreSQL COPY"));
    assertFalse(plan.contains("amounts"), "pruned columns are not selected: " + plan);
    List<String> notes = sorted(narrow).stream().map(r -> r.isNullAt(1) ? null : r.getString(1)).toList();
    assertEquals(Arrays.asList(" padded ", null, "a'quote \"and\" \\backslash", ""), notes, "ids -4 to -1");
  }

  @Test
  void wallClockInfinityIsClampedWhereSparkClampsTimestamps(SparkSession spark, LocalPostgres pg) throws SQLException {
    String db = database(pg, "CREATE TABLE t (id int PRIMARY KEY, at timestamp)",
        "INSERT INTO t VALUES (1, 'infinity'), (2, '-infinity'), (3, '2024-05-01 10:00:00')");
    List<Row> rows = sorted(source(spark, pg, db, true, "public.t").read());
    assertEquals(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_000_000), rows.get(0).get(1));
    assertEquals(LocalDateTime.of(1, 1, 1, 0, 0), rows.get(1).get(1));
    assertEquals(LocalDateTime.of(2024, 5, 1, 10, 0), rows.get(2).get(1));
  }

  @Test
  void aTypeCopyDoesNotDecodeFallsBackToTheJdbcReader(SparkSession spark, LocalPostgres pg) throws SQLException {
    String db = database(pg, "CREATE TABLE t (id int PRIMARY KEY, opens time, flags bit(3))",
        "INSERT INTO t VALUES (1, '08:30', B'101'), (2, NULL, NULL)",
        // inet's cast to text keeps the netmask that its output (what the JDBC reader shows) drops
        "CREATE TABLE n (id int PRIMARY KEY, address inet)", "INSERT INTO n VALUES (1, '::1/128'), (2, '10.0.0.0/8')");
    Dataset<Row> rows = source(spark, pg, db, true, "public.t").read();
    assertFalse(readsWithCopy(rows));
    assertEquals(2, rows.count());
    Dataset<Row> addresses = source(spark, pg, db, true, "public.n").read();
    assertFalse(readsWithCopy(addresses));
    assertEquals(List.of("::1", "10.0.0.0/8"), sorted(addresses).stream().map(r -> r.getString(1)).toList());
  }

  @Test
  void aValueTheSparkTypeCannotHoldFailsNamingTheColumn(SparkSession spark, LocalPostgres pg) throws SQLException {
    String db = database(pg, "CREATE TABLE t (id int PRIMARY KEY, amount numeric(10,2))",
        "INSERT INTO t VALUES (1, 1.5), (2, 'NaN')");
    Dataset<Row> rows = source(spark, pg, db, true, "public.t").read();
    Exception e = assertThrows(Exception.class, rows::collectAsList);
    String message = root(e).getMessage();
    assertTrue(message.contains("Cannot read \"public\".\"t\" of source pg: column amount holds NaN, which no decimal(10,2) can hold"),
        message);
  }

  @Test
  void snapshotReadsGoThroughCopyInsideTheSnapshot(SparkSession spark, LocalPostgres pg) throws SQLException {
    String db = database(pg, "CREATE TABLE t (id int PRIMARY KEY, v text)",
        "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 5000) g");
    JdbcSource source = source(spark, pg, db, true, "public.t");
    try (SourceSnapshot snapshot = source.snapshot()) {
      try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
        s.execute("DELETE FROM t WHERE id <= 100");
        s.execute("UPDATE t SET v = 'changed' WHERE id > 4900");
      }
      Dataset<Row> rows = snapshot.read();
      assertTrue(readsWithCopy(rows));
      assertEquals(5000, rows.count());
      assertEquals(0, rows.where("v = 'changed'").count(), "updates after the snapshot are not seen");
    }
  }

  @Test
  void thePasswordStaysOutOfThePlansTheSparkUiShows(SparkSession spark, LocalPostgres pg) throws SQLException {
    String db = database(pg, "CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'a'), (2, 'b')");
    TrickleConfig config = TestConfigs.parse("""
        trickle {
          warehouse = "/tmp/unused"
          sources { pg { type = jdbc, url = "%s", user = postgres, password = hunter22 } }
          tables { t { source { ref = pg, table = public.t }, keys = [id] } }
        }
        """.formatted(pg.jdbcUrl(db))); // the embedded server trusts local logins, whatever the password
    Dataset<Row> rows = Sources.open(spark, config, config.tables().get("t")).read();
    assertEquals(2, rows.count());
    assertTrue(readsWithCopy(rows));
    // What the SQL tab shows: every plan, and the physical plan as Spark describes it
    String plans = rows.queryExecution().toString() + rows.queryExecution().explainString(
        ExtendedMode$.MODULE$);
    assertFalse(plans.contains("hunter22"), plans);
    assertFalse(plans.contains("rO0AB"), "no serialized read spec (it holds the password): " + plans);
  }

  @Test
  void largeValuesMakeShorterBatchesNotLargerOnes(LocalPostgres pg) throws SQLException {
    String db = database(pg, "CREATE TABLE t (id int PRIMARY KEY, doc text)",
        "INSERT INTO t SELECT g, repeat(chr(65 + g % 26), 1048576) FROM generate_series(1, 100) g");
    StructType schema = new StructType().add("id", DataTypes.IntegerType).add("doc", DataTypes.StringType);
    List<PgCopyColumn> columns = List.of(PgCopyColumn.of("id", "int4", schema.fields()[0]).orElseThrow(),
        PgCopyColumn.of("doc", "text", schema.fields()[1]).orElseThrow());
    Properties login = new Properties();
    login.setProperty("user", "postgres");
    PgCopySpec spec = new PgCopySpec("pg", pg.jdbcUrl(db), login, "\"public\".\"t\"", List.of("1 = 1"), null, columns);
    long rows = 0;
    int batches = 0;
    try (PgCopyBatchReader reader = new PgCopyBatchReader(spec, "1 = 1")) {
      while (reader.next()) {
        ColumnarBatch batch = reader.get();
        batches++;
        assertTrue(batch.numRows() <= PgCopyBatchReader.BATCH_BYTES / 1048576 + 1, "a batch of " + batch.numRows() + " 1 MB rows");
        for (int i = 0; i < batch.numRows(); i++) {
          int id = batch.column(0).getInt(i);
          String doc = batch.column(1).getUTF8String(i).toString();
          assertEquals(1048576, doc.length());
          assertEquals((char) (65 + id % 26), doc.charAt(0));
        }
        rows += batch.numRows();
      }
    }
    assertEquals(100, rows);
    assertTrue(batches >= 3, batches + " batches");
  }

  private static Throwable root(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
