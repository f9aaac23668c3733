package dev.trickle.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.ExitCode;
import dev.trickle.TrickleException;
import dev.trickle.config.TrickleConfig;
import dev.trickle.demo.LocalPostgres;
import dev.trickle.testing.SharedPostgres;
import dev.trickle.testing.SharedSpark;
import dev.trickle.testing.TestConfigs;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The JDBC source on a real PostgreSQL: snapshots, positions, queries and failures. */
@ExtendWith({SharedSpark.class, SharedPostgres.class})
class JdbcSourceTest {

  private static String database(LocalPostgres pg) throws SQLException {
    String db = SharedPostgres.freshDatabase("src");
    sql(pg, db, "CREATE TABLE t (id int PRIMARY KEY, v text, changed timestamp, version numeric(10,0))",
        "INSERT INTO t SELECT g, 'v', TIMESTAMP '2024-05-01 12:00:00.25' + g * INTERVAL '1 minute', g FROM generate_series(1, 1000) g");
    return db;
  }


  private static Source open(SparkSession spark, LocalPostgres pg, String db, String block) {
    TrickleConfig config = TestConfigs.parse("""
        trickle {
          warehouse = "/tmp/unused"
          sources { pg { type = jdbc, url = "%s", user = postgres } }
          tables { t { %s } }
        }
        """.formatted(pg.jdbcUrl(db), block));
    return Sources.open(spark, config, config.tables().get("t"));
  }

  private static void sql(LocalPostgres pg, String db, String... statements) throws SQLException {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  private static long openSnapshotTransactions(LocalPostgres pg, String db) throws SQLException {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db
            + "' AND state = 'idle in transaction'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aSnapshotKeepsSeeingItsRowsAndRecordsWhereItStood(SparkSession spark, LocalPostgres pg) throws SQLException {
    String db = database(pg);
    Source source = open(spark, pg, db, "source { ref = pg, table = public.t }, keys = [id], load.chunks = 3, "
        + "sync.watermark-column = changed");
    try (SourceSnapshot snapshot = source.snapshot()) {
      sql(pg, db, "INSERT INTO t VALUES (1001, 'new', now(), 1001)", "DELETE FROM t WHERE id <= 10");
      assertEquals(1000, snapshot.read().count());
      assertEquals(3, snapshot.read().rdd().getNumPartitions(), "one partition per key range");
      assertEquals(991, source.read().count(), "an unpinned read sees the changes");
      assertEquals("2024-05-02T04:40:00.250", snapshot.position().get(SourcePosition.WATERMARK).orElseThrow(),
          "timestamp without time zone: a local ISO date-time");
      assertTrue(snapshot.position().get(SourcePosition.WAL_LSN).isPresent());
      assertEquals(1, openSnapshotTransactions(pg, db), "the exporting transaction is open");
    }
    assertEquals(0, openSnapshotTransactions(pg, db), "closed with the snapshot");
  }

  @Test
  void withoutConsistentSnapshotReadsArePlainAndNumbersArePlainWatermarks(SparkSession spark, LocalPostgres pg) throws SQLException {
    String db = database(pg);
    Source source = open(spark, pg, db, "source { ref = pg, table = public.t }, keys = [id], "
        + "load.consistent-snapshot = false, sync.watermark-column = version");
    try (SourceSnapshot snapshot = source.snapshot()) {
      assertEquals("1000", snapshot.position().get(SourcePosition.WATERMARK).orElseThrow());
      assertTrue(snapshot.position().get(SourcePosition.WAL_LSN).isEmpty());
      sql(pg, db, "DELETE FROM t WHERE id <= 10");
      assertEquals(990, snapshot.read().count(), "plain reads see the table as it is");
    }
    assertTrue(source.snapshotAt(SourcePosition.of("jdbc")).isEmpty(), "a database cannot go back");
  }

  @Test
  void aQueryIsReadInKeyRangesLikeATable(SparkSession spark, LocalPostgres pg) throws SQLException {
    String db = database(pg);
    Source source = open(spark, pg, db, "source { ref = pg, query = \"SELECT id, v FROM t WHERE id > 100;\" }, keys = [id], "
        + "load.chunks = 4");
    assertEquals(900, source.read().count());
    assertEquals(4, source.read().rdd().getNumPartitions());
    assertEquals(2, source.schema().fields().length);
  }

  @Test
  void badTablesAndQueriesAreBadInputNamingThem(SparkSession spark, LocalPostgres pg) throws SQLException {
    String db = database(pg);
    TrickleException missing = assertThrows(TrickleException.class,
        () -> open(spark, pg, db, "source { ref = pg, table = public.nope }, keys = [id]").schema());
    assertEquals(ExitCode.BAD_INPUT, missing.exitCode());
    assertTrue(missing.getMessage().startsWith("Cannot read source table pg:public.nope: ERROR: relation \"public.nope\" does not exist."),
        missing.getMessage());
    TrickleException syntax = assertThrows(TrickleException.class,
        () -> open(spark, pg, db, "source { ref = pg, query = \"SELEC id FROM t\" }, keys = [id]").schema());
    assertEquals(ExitCode.BAD_INPUT, syntax.exitCode());
    assertTrue(syntax.getMessage().contains("syntax error"), syntax.getMessage());
  }
}
