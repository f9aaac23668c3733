package dev.trickle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trickle.config.TrickleConfig;
import dev.trickle.demo.LocalPostgres;
import dev.trickle.jobs.load.PgFixture;
import dev.trickle.source.Sources;
import dev.trickle.testing.SharedPostgres;
import dev.trickle.testing.SharedSpark;
import dev.trickle.testing.TestConfigs;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shipped artifact on a real Spark standalone cluster: scripts/local-cluster.sh starts a master
 * and two workers from the Maven jars, and scripts/trickle submits the shaded jar with --master.
 * Executors must find the delta and iceberg data sources, and trickle's PostgreSQL COPY reader
 * with its driver, inside the shaded jar.
 */
@ExtendWith({SharedSpark.class, SharedPostgres.class})
class ClusterIT {
  /** Under target/, not a JUnit temp dir: SPARK_HOME/jars is a folder of symlinks into ~/.m2. */
  static final Path dir = Path.of("target", "cluster-it").toAbsolutePath();
  static String master;

  @BeforeAll
  static void startCluster() throws Exception {
    deleteRecursively(dir);
    Files.createDirectories(dir);
    int port = freePort();
    master = "spark://127.0.0.1:" + port;
    ScriptRun start = ScriptRun.of(Map.of(), 180, "scripts/local-cluster.sh", "start",
        "--dir", dir.resolve("cluster").toString(), "--port", String.valueOf(port),
        "--ui-port", String.valueOf(freePort()), "--workers", "2", "--worker-memory", "1g");
    assertEquals(0, start.exitCode(), start.toString());
  }

  @AfterAll
  static void stopCluster() throws Exception {
    ScriptRun.of(Map.of(), 60, "scripts/local-cluster.sh", "stop", "--dir", dir.resolve("cluster").toString());
  }

  /**
   * load, sync and reconcile of a Parquet folder, each a spark-submit of the shaded jar to the
   * cluster. This JVM's own local Spark only writes and changes the source and reads the results.
   */
  @Test
  void loadSyncAndReconcileRunOnTheCluster(SparkSession spark) throws Exception {
    String source = dir.resolve("src/items").toString();
    spark.range(0, 1000).selectExpr("id", "CAST(id % 7 AS int) AS g", "concat('item ', id) AS label")
        .repartition(2).write().parquet(source);
    Path conf = Files.writeString(dir.resolve("cluster.conf"), """
        trickle {
          warehouse = "%1$s/lake"
          sources { drops { type = parquet, path = "%1$s/src" } }
          tables { items { source { ref = drops, path = items }, keys = [id] } }
        }
        """.formatted(dir));

    JsonNode load = submit(conf, 0, "load");
    assertEquals(1000, table(load).get("rows").asLong(), load.toString());

    // One removed file (its rows are deleted) and a new file (10 inserts); chosen before the new file exists.
    Path removed = firstDataFile(Path.of(source));
    long removedRows = spark.read().parquet(removed.toString()).count();
    spark.range(1000, 1010).selectExpr("id", "CAST(-1 AS int) AS g", "'new' AS label")
        .coalesce(1).write().mode("append").parquet(source);
    Files.delete(removed);
    Files.deleteIfExists(removed.resolveSibling("." + removed.getFileName() + ".crc"));

    JsonNode sync = table(submit(conf, 0, "sync"));
    assertEquals("parquet-files", sync.get("mode").asText(), sync.toString());
    assertEquals("DONE", sync.get("status").asText(), sync.toString());
    Dataset<Row> expected = spark.read().parquet(source);
    Dataset<Row> target = spark.read().format("delta").load(dir.resolve("lake/items").toString());
    assertEquals(1010 - removedRows, expected.count());
    assertEquals(10, sync.get("rows_inserted").asLong(), sync.toString());
    assertEquals(removedRows, sync.get("rows_deleted").asLong(), sync.toString());
    assertEquals(0, expected.exceptAll(target.select("id", "g", "label")).count(), "target holds every source row");
    assertEquals(0, target.select("id", "g", "label").exceptAll(expected).count(), "target holds nothing else");

    JsonNode reconcile = table(submit(conf, 0, "reconcile"));
    assertEquals("MATCH", reconcile.get("verdict").asText(), reconcile.toString());
    assertEquals(expected.count(), reconcile.get("target_rows").asLong());
    assertTrue(executorsRanOnBothWorkers(), "every worker launched executors for the applications");
  }

  /**
   * A PostgreSQL table loaded on the cluster: each executor opens its own connection and decodes
   * its key range's binary COPY; the target equals what Spark's JDBC reader reads from the table.
   */
  @Test
  void aPostgresTableLoadsOnTheClusterThroughCopy(SparkSession spark, LocalPostgres pg) throws Exception {
    PgFixture f = PgFixture.create(pg, dir.resolve("pg"));
    Files.createDirectories(f.dir());
    f.sql("""
        CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric(12,2), placed_at timestamptz, note text, ref uuid, tags int[])""",
        """
        INSERT INTO orders SELECT g, g * 1.25, TIMESTAMPTZ '2024-01-01 00:00:00+00' + g * INTERVAL '1 minute',
          CASE WHEN g % 5 = 0 THEN NULL ELSE 'note ✓ ' || g END, md5(g::text)::uuid, ARRAY[g, NULL]
        FROM generate_series(1, 20000) g""");
    String tables = "orders { source { ref = pg, table = public.orders }, keys = [id], load.chunks = 4 }";
    Path conf = f.config(tables);

    JsonNode load = table(submit(conf, 0, "load"));
    assertEquals(20000, load.get("rows").asLong(), load.toString());
    assertEquals(4, load.get("chunks").asInt(), load.toString());
    TrickleConfig jdbc = TestConfigs.parse(Files.readString(conf) + "\ntrickle.sources.pg.copy = false");
    Dataset<Row> expected = Sources.open(spark, jdbc, jdbc.tables().get("orders")).read();
    Dataset<Row> target = spark.read().format("delta").load(f.target("orders"));
    assertEquals(0, expected.exceptAll(target).count(), "every source row, value for value");
    assertEquals(0, target.exceptAll(expected).count(), "nothing else");
  }

  private static JsonNode submit(Path conf, int exit, String command) throws Exception {
    ScriptRun run = ScriptRun.of(Map.of("TRICKLE_SUBMIT_ARGS", "--conf spark.executor.memory=512m"), 600,
        "scripts/trickle", command, "-c", conf.toString(), "--master", master, "--json");
    assertEquals(exit, run.exitCode(), run.toString());
    return new ObjectMapper().readTree(run.out().strip().lines().reduce((a, b) -> b).orElseThrow());
  }

  private static JsonNode table(JsonNode summary) {
    return summary.get("tables").get(0);
  }

  /** The first of the folder's data files, in name order. */
  private static Path firstDataFile(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().findFirst().orElseThrow();
    }
  }

  private static boolean executorsRanOnBothWorkers() throws IOException {
    for (int worker = 1; worker <= 2; worker++) {
      try (Stream<Path> apps = Files.list(dir.resolve("cluster").resolve("work-" + worker))) {
        if (apps.noneMatch(p -> p.getFileName().toString().startsWith("app-"))) {
          return false;
        }
      }
    }
    return true;
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
