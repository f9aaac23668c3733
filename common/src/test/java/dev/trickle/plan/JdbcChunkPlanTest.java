package dev.trickle.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.config.TableConfig;
import dev.trickle.config.TrickleConfig;
import dev.trickle.demo.LocalPostgres;
import dev.trickle.source.Source;
import dev.trickle.source.SourceSnapshot;
import dev.trickle.source.Sources;
import dev.trickle.testing.SharedPostgres;
import dev.trickle.testing.SharedSpark;
import dev.trickle.testing.TestConfigs;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Key ranges of PostgreSQL tables, checked by counting each chunk's rows in the database itself:
 * every row in exactly one chunk, chunk sizes within 2x, and the target predicate selecting in
 * Spark the same rows the source predicate selects in PostgreSQL.
 */
@ExtendWith({SharedSpark.class, SharedPostgres.class})
class JdbcChunkPlanTest {

  private static TrickleConfig config(LocalPostgres pg, String db, String table, String tableBlock) {
    return TestConfigs.parse("""
        trickle {
          warehouse = "/tmp/unused"
          sources { pg { type = jdbc, url = "%s", user = postgres } }
          tables { t { source { ref = pg, table = "public.%s" }, %s } }
        }
        """.formatted(pg.jdbcUrl(db), table, tableBlock));
  }

  private static void sql(LocalPostgres pg, String db, String... statements) throws SQLException {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  private static long count(LocalPostgres pg, String db, String sql) throws SQLException {
    try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static ChunkPlan plan(SparkSession spark, TrickleConfig config) {
    TableConfig table = config.tables().get("t");
    try (SourceSnapshot snapshot = Sources.open(spark, config, table).snapshot()) {
      return snapshot.plan(ChunkRequest.of(table));
    }
  }

  /** Row counts per chunk, after checking in the database that each row is in exactly one chunk. */
  private static List<Long> chunkCounts(LocalPostgres pg, String db, String table, ChunkPlan plan) throws SQLException {
    String memberships = plan.chunks().stream().map(c -> "(CASE WHEN " + c.predicate() + " THEN 1 ELSE 0 END)")
        .collect(Collectors.joining(" + "));
    assertEquals(0, count(pg, db, "SELECT count(*) FROM " + table + " WHERE " + memberships + " <> 1"),
        "rows outside every chunk or in two of " + plan.predicates());
    List<Long> counts = new ArrayList<>();
    for (Chunk chunk : plan.chunks()) {
      counts.add(count(pg, db, "SELECT count(*) FROM " + table + " WHERE " + chunk.predicate()));
    }
    return counts;
  }

  private static void assertWithinTwice(List<Long> counts) {
    long min = counts.stream().mapToLong(Long::longValue).min().orElseThrow();
    long max = counts.stream().mapToLong(Long::longValue).max().orElseThrow();
    assertTrue(min > 0 && max <= 2 * min, "chunk rows " + counts + " differ by more than 2x");
  }

  @Test
  void skewedKeysGiveChunksWithinTwiceOfEachOther(SparkSession spark, LocalPostgres pg) throws SQLException {
    String db = SharedPostgres.freshDatabase("plan");
    // A dense block of 40,000 keys and a sparse block of 10,000 keys spread over 10^11 values:
    // min/max cuts would put 80% of the rows in the first of ten chunks.
    sql(pg, db, "CREATE TABLE skew (id bigint PRIMARY KEY, v text)",
        "INSERT INTO skew SELECT g, 'dense' FROM generate_series(1, 40000) g",
        "INSERT INTO skew SELECT 1000000000000 + g::bigint * 10000000, 'sparse' FROM generate_series(1, 10000) g");
    ChunkPlan plan = plan(spark, config(pg, db, "skew", "keys = [id], load.chunks = 10"));
    assertEquals(ChunkPlan.KEY_RANGES, plan.method());
    assertEquals(10, plan.chunks().size());
    List<Long> counts = chunkCounts(pg, db, "skew", plan);
    assertEquals(50_000, counts.stream().mapToLong(Long::longValue).sum());
    assertWithinTwice(counts);
    assertEquals(50_000, plan.estimatedRows(), 10);
  }

  static Stream<Arguments> splitTypes() {
    return Stream.of(
        Arguments.of("date", "date", "DATE '2020-01-01' + (g % 1500)"),
        Arguments.of("timestamp", "timestamp", "TIMESTAMP '2020-01-01' + g * INTERVAL '37 minutes 13.123456 seconds'"),
        Arguments.of("timestamptz", "timestamptz", "TIMESTAMPTZ '2020-01-01 00:00:00+05' + g * INTERVAL '1 hour 0.5 seconds'"),
        // A linguistic collation orders 'B' between 'a' and 'c'; the planner compares in byte order.
        Arguments.of("text", "text COLLATE \"en-US-x-icu\"",
            "(ARRAY['a','B','é','Z','ß','日本','',' x'])[1 + g % 8] || md5(g::text)"),
        Arguments.of("uuid", "uuid", "md5(g::text)::uuid"),
        Arguments.of("numeric", "numeric(12,2)", "(g * 7919 % 100000) / 100.0 - 400"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("splitTypes")
  void everySplitTypeCutsTheSameRowsAtSourceAndTarget(String name, String type, String value, SparkSession spark,
      LocalPostgres pg) throws SQLException {
    String db = SharedPostgres.freshDatabase("plan");
    sql(pg, db, "CREATE TABLE typed (id int PRIMARY KEY, k " + type + ")",
        "INSERT INTO typed SELECT g, CASE WHEN g % 97 = 0 THEN NULL ELSE " + value + " END FROM generate_series(1, 3000) g");
    TrickleConfig config = config(pg, db, "typed", "keys = [id], load { split-by = k, chunks = 6 }");
    ChunkPlan plan = plan(spark, config);
    assertEquals(6, plan.chunks().size(), plan.predicates().toString());
    List<Long> counts = chunkCounts(pg, db, "typed", plan);
    assertWithinTwice(counts);

    Source source = Sources.open(spark, config, config.tables().get("t"));
    Dataset<Row> rows = source.read().cache();
    assertTrue(rows.rdd().getNumPartitions() > 1, "a partitioned read");
    for (int i = 0; i < plan.chunks().size(); i++) {
      String target = plan.chunks().get(i).targetPredicate().orElseThrow();
      assertEquals(counts.get(i), rows.where(target).count(), "chunk " + (i + 1) + ": " + target);
    }
    rows.unpersist();
  }

  @Test
  void compositeKeysSplitOnTheFirstKeyColumnAndAutoCountFollowsTargetRows(SparkSession spark, LocalPostgres pg)
      throws SQLException {
    String db = SharedPostgres.freshDatabase("plan");
    sql(pg, db, "CREATE TABLE lines (order_id bigint, line_no int, PRIMARY KEY (order_id, line_no))",
        "INSERT INTO lines SELECT g / 3, g % 3 FROM generate_series(0, 4999) g");
    ChunkPlan plan = plan(spark, config(pg, db, "lines", "keys = [order_id, line_no], load.target-chunk-rows = 1000"));
    assertEquals("order_id", plan.splitColumn().orElseThrow());
    assertEquals(5, plan.chunks().size());
    assertWithinTwice(chunkCounts(pg, db, "lines", plan));
  }

  @Test
  void largeTablesAreSampledAndStillCutEvenly(LocalPostgres pg) throws SQLException {
    String db = SharedPostgres.freshDatabase("plan");
    sql(pg, db, "CREATE TABLE big (id bigint)",
        "INSERT INTO big SELECT CASE WHEN g <= 800000 THEN g ELSE g::bigint * 1000000 END FROM generate_series(1, 1000000) g",
        "ANALYZE big");
    List<KeyRanges.Cut> cuts;
    try (Connection c = pg.connect(db)) {
      cuts = KeyRanges.inDatabase(c, SqlDialect.POSTGRES, "\"big\"", true, "id", SplitType.INTEGER, 8, 1_000_000, 100_000);
    }
    ChunkPlan plan = new ChunkPlan(ChunkPlan.KEY_RANGES, java.util.Optional.of("id"), KeyRanges.chunks(cuts, 1_000_000, 1,
        r -> r.sql(SqlDialect.POSTGRES, "id", SplitType.INTEGER), r -> java.util.Optional.empty()));
    assertEquals(8, plan.chunks().size());
    assertWithinTwice(chunkCounts(pg, db, "big", plan));
  }
}
