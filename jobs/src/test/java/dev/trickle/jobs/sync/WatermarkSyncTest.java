package dev.trickle.jobs.sync;

import static dev.trickle.jobs.sync.SyncFixture.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trickle.config.TrickleConfig;
import dev.trickle.demo.LocalPostgres;
import dev.trickle.jobs.Console;
import dev.trickle.jobs.JobRunner;
import dev.trickle.jobs.LoadJob;
import dev.trickle.jobs.cli.CliRun;
import dev.trickle.jobs.load.ChunkRunner;
import dev.trickle.jobs.load.PgFixture;
import dev.trickle.plan.Chunk;
import dev.trickle.source.SourcePosition;
import dev.trickle.state.LoadLedger;
import dev.trickle.state.SyncLedger;
import dev.trickle.testing.SharedPostgres;
import dev.trickle.testing.SharedSpark;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * watermark end to end on a real PostgreSQL through the CLI: after each batch the target equals
 * the source, read independently with Spark's own JDBC reader.
 */
@ExtendWith({SharedSpark.class, SharedPostgres.class})
class WatermarkSyncTest {
  private static final String COLUMNS = "id, v, amount, updated_at";

  private static SyncFixture fixture(SparkSession spark, PgFixture pg, Path dir, String syncExtras) {
    return fixture(spark, pg, dir, syncExtras, "");
  }

  private static SyncFixture fixture(SparkSession spark, PgFixture pg, Path dir, String syncExtras, String tableExtras) {
    return new SyncFixture(spark, dir, """
        trickle {
          warehouse = "$DIR/lake"
          lock { stale-after = 2s, heartbeat = 200ms }
          sources { pg { type = jdbc, url = "%s", user = postgres } }
          tables { orders { source { ref = pg, table = public.orders }, keys = [id],
            sync { mode = watermark, watermark-column = updated_at, lookback = 15m %s } %s } }
        }
        """.formatted(pg.url(), syncExtras, tableExtras));
  }

  private static void createOrders(PgFixture pg, String extraColumn) {
    pg.sql("CREATE TABLE orders (id int PRIMARY KEY, v text, amount numeric(12,2), updated_at timestamptz" + extraColumn + ")",
        "INSERT INTO orders (" + COLUMNS + ") SELECT g, 'orig', g * 1.5, TIMESTAMPTZ '2024-01-01 00:00:00+00' + g * INTERVAL '1 second' "
            + "FROM generate_series(1, 200) g");
  }

  private static Dataset<Row> source(SparkSession spark, PgFixture pg, String where) {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    return spark.read().jdbc(pg.url(), "(SELECT * FROM orders WHERE " + where + ") o", p);
  }

  @Test
  void insertsUpdatesDeletesReinsertsLateCommitsAndNoOps(SparkSession spark, LocalPostgres server, @TempDir Path dir) {
    PgFixture pg = PgFixture.create(server, dir);
    createOrders(pg, "");
    SyncFixture f = fixture(spark, pg, dir, "");
    f.load("orders");

    pg.sql("INSERT INTO orders SELECT g, 'new', 1.00, TIMESTAMPTZ '2024-01-02 00:00:00+00' FROM generate_series(201, 205) g",
        "UPDATE orders SET v = 'changed', updated_at = TIMESTAMPTZ '2024-01-02 00:00:01+00' WHERE id IN (10, 20)",
        "DELETE FROM orders WHERE id IN (30, 31, 32)",
        "DELETE FROM orders WHERE id = 40",
        "INSERT INTO orders VALUES (40, 'back again', 4.00, TIMESTAMPTZ '2024-01-02 00:00:02+00')");
    JsonNode first = f.sync("orders", 0);

    assertEquals("DONE", first.get("status").asText(), first.toString());
    assertEquals(5, first.get("rows_inserted").asLong(), "201..205");
    assertEquals(3, first.get("rows_updated").asLong(), "10, 20 and 40 (deleted, then inserted anew)");
    assertEquals(3, first.get("rows_deleted").asLong(), "30, 31, 32 by the key scan");
    assertSameRows(source(spark, pg, "true"), f.targetRows("orders"), COLUMNS.split(", "));
    SyncLedger.Batch batch = f.batches("orders").get(0);
    assertEquals("2024-01-02T00:00:02Z", batch.to().get(SourcePosition.WATERMARK).orElseThrow(), "the max watermark read");
    assertTrue(batch.to().get(SourcePosition.WAL_LSN).orElseThrow().matches("[0-9A-F]+/[0-9A-F]+"), batch.to().toString());

    // The lookback re-reads 10, 20, 40 and 201..205, which did not change: a no-op, the target untouched.
    long version = f.targetVersion("orders");
    JsonNode idle = f.sync("orders", 0);
    assertEquals("NOOP", idle.get("status").asText(), idle.toString());
    assertEquals(version, f.targetVersion("orders"));

    // A transaction that commits late with an older watermark, inside the lookback, still lands.
    pg.sql("UPDATE orders SET v = 'late', updated_at = TIMESTAMPTZ '2024-01-01 23:50:00+00' WHERE id = 50");
    JsonNode late = f.sync("orders", 0);
    assertEquals(1, late.get("rows_updated").asLong(), late.toString());
    assertEquals(0, late.get("rows_inserted").asLong() + late.get("rows_deleted").asLong(), late.toString());
    assertSameRows(source(spark, pg, "true"), f.targetRows("orders"), COLUMNS.split(", "));
    assertEquals("2024-01-02T00:00:02Z", f.batches("orders").get(2).to().get(SourcePosition.WATERMARK).orElseThrow(),
        "the mark never goes back to an older watermark");

    // status: the source's watermark now against the synced one.
    assertTrue(statusLag(f).startsWith("up to date"), statusLag(f));
    pg.sql("INSERT INTO orders VALUES (300, 'newer', 3.00, TIMESTAMPTZ '2024-01-03 00:00:00+00')");
    assertTrue(statusLag(f).startsWith("behind: watermark 2024-01-03T00:00:00Z at the source, 2024-01-02T00:00:02Z synced"),
        statusLag(f));
  }

  private static String statusLag(SyncFixture f) {
    CliRun run = f.cli("status", "--json");
    assertEquals(0, run.exitCode(), run.toString());
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out()).get("tables").get(0).get("lag").asText();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void softDeletesRemoveFlaggedRowsAndKeyScansRunAtTheirCadence(SparkSession spark, LocalPostgres server, @TempDir Path dir) {
    PgFixture pg = PgFixture.create(server, dir);
    createOrders(pg, ", is_deleted boolean NOT NULL DEFAULT false");
    SyncFixture f = fixture(spark, pg, dir, ", deletes = soft, soft-delete { column = is_deleted, value = \"true\" }");
    f.load("orders");

    pg.sql("UPDATE orders SET is_deleted = true, updated_at = TIMESTAMPTZ '2024-01-02 00:00:00+00' WHERE id IN (1, 2)",
        "INSERT INTO orders VALUES (300, 'born deleted', 1.00, TIMESTAMPTZ '2024-01-02 00:00:00+00', true)",
        "INSERT INTO orders VALUES (301, 'alive', 1.00, TIMESTAMPTZ '2024-01-02 00:00:00+00', false)",
        "DELETE FROM orders WHERE id = 3"); // a hard delete: soft detection does not see it
    JsonNode batch = f.sync("orders", 0);

    assertEquals(2, batch.get("rows_deleted").asLong(), "1 and 2; 300 was never in the target: " + batch);
    assertEquals(1, batch.get("rows_inserted").asLong(), batch.toString());
    assertSameRows(source(spark, pg, "NOT is_deleted"), f.targetRows("orders").where("id <> 3"),
        "id", "v", "amount", "updated_at", "is_deleted");
    assertEquals(1, f.targetRows("orders").where("id = 3").count(), "hard deletes stay under deletes = soft");
  }

  @Test
  void aKeyScanEveryTwoBatchesDeletesOnTheSecond(SparkSession spark, LocalPostgres server, @TempDir Path dir) {
    PgFixture pg = PgFixture.create(server, dir);
    createOrders(pg, "");
    SyncFixture f = fixture(spark, pg, dir, ", key-scan-every = 2");
    f.load("orders");
    pg.sql("DELETE FROM orders WHERE id IN (5, 6)");

    JsonNode first = f.sync("orders", 0); // batch 1: no key scan
    assertEquals("NOOP", first.get("status").asText(), first.toString());
    JsonNode second = f.sync("orders", 0); // batch 2: key scan
    assertEquals(2, second.get("rows_deleted").asLong(), second.toString());
    assertSameRows(source(spark, pg, "true"), f.targetRows("orders"), COLUMNS.split(", "));
  }

  @Test
  void theFirstBatchStartsAtTheLoadsSnapshotWithNoGapAndNoDouble(SparkSession spark, LocalPostgres server, @TempDir Path dir) {
    PgFixture pg = PgFixture.create(server, dir);
    pg.sql("CREATE TABLE orders (id int PRIMARY KEY, v text, amount numeric(12,2), updated_at timestamptz)",
        "INSERT INTO orders SELECT g, 'orig', g, TIMESTAMPTZ '2024-01-01 00:00:00+00' + g * INTERVAL '1 second' "
            + "FROM generate_series(1, 3000) g");
    SyncFixture f = fixture(spark, pg, dir, "", ", load { chunks = 3, parallelism = 1 }");
    TrickleConfig config = f.config();
    // Between the first and the second chunk, change rows: committed after the snapshot, so the
    // load must not see them, and the first sync must.
    AtomicBoolean changed = new AtomicBoolean();
    LoadJob job = new LoadJob(new ChunkRunner.Listener() {
      @Override
      public void finished(Chunk chunk, int attempt, long rows, Duration took) {
        if (changed.compareAndSet(false, true)) {
          pg.sql("INSERT INTO orders SELECT g, 'during', g, now() FROM generate_series(3001, 3050) g",
              "UPDATE orders SET v = 'during', updated_at = now() WHERE id % 100 = 7",
              "DELETE FROM orders WHERE id BETWEEN 2000 AND 2009");
        }
      }
    });
    PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
    JobRunner.Outcome outcome = new JobRunner(config, new Console(nowhere, nowhere, false), Map.of())
        .run(job, Optional.of("orders"));
    assertEquals(0, outcome.exit().code(), outcome.toString());
    assertTrue(changed.get());
    assertEquals(0, f.targetRows("orders").where("v = 'during'").count(), "the load saw none of it");

    JsonNode batch = f.sync("orders", 0);

    assertEquals(50, batch.get("rows_inserted").asLong(), batch.toString());
    assertEquals(29, batch.get("rows_updated").asLong(), "ids ending in 07 below 3000 but 2007, deleted: " + batch);
    assertEquals(10, batch.get("rows_deleted").asLong(), batch.toString());
    assertSameRows(source(spark, pg, "true"), f.targetRows("orders"), COLUMNS.split(", "));
    SourcePosition loaded = new LoadLedger(spark, f.config().stateDir()).latestDone("orders").orElseThrow().position();
    assertEquals(loaded, f.batches("orders").get(0).from(), "the batch starts at the load's snapshot position");
  }

  private static String read(Path file) {
    try {
      return java.nio.file.Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aWatermarkColumnTheSourceLacksOrCannotOrderStopsWithExit2(SparkSession spark, LocalPostgres server, @TempDir Path dir) {
    PgFixture pg = PgFixture.create(server, dir);
    createOrders(pg, "");
    SyncFixture f = fixture(spark, pg, dir, "");
    f.load("orders");
    String pipeline = read(f.configFile);

    SyncFixture typo = new SyncFixture(spark, dir, pipeline.replace("watermark-column = updated_at",
        "watermark-column = updated"));
    String missing = typo.sync("orders", 2).get("error").asText();
    assertTrue(missing.contains("sync.watermark-column 'updated' is not a source column")
        && missing.contains("trickle.tables.orders.sync.watermark-column"), missing);

    SyncFixture text = new SyncFixture(spark, dir, pipeline.replace("watermark-column = updated_at",
        "watermark-column = v"));
    String untyped = text.sync("orders", 2).get("error").asText();
    assertTrue(untyped.contains("'v' is of type string, which cannot order changes"), untyped);

    SyncFixture soft = new SyncFixture(spark, dir, pipeline.replace("lookback = 15m",
        "lookback = 15m, deletes = soft, soft-delete { column = gone, value = \"1\" }"));
    String noSoft = soft.sync("orders", 2).get("error").asText();
    assertTrue(noSoft.contains("sync.soft-delete.column 'gone' is not a source column"), noSoft);

    SyncFixture half = new SyncFixture(spark, dir, pipeline.replace("lookback = 15m",
        "lookback = 15m, deletes = soft"));
    CliRun run = half.cli("sync", "--table", "orders");
    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().contains("trickle.tables.orders.sync.soft-delete"), run.toString());
    assertTrue(new SyncFixture(spark, dir, pipeline).batches("orders").isEmpty(), "nothing recorded");
  }

  @Test
  void aKeyScanReadsARowTheWindowMissedWhoseKeyHasANullPart(SparkSession spark, LocalPostgres server, @TempDir Path dir) {
    PgFixture pg = PgFixture.create(server, dir);
    pg.sql("CREATE TABLE pairs (a int NOT NULL, b int, v text, updated_at timestamptz, UNIQUE (a, b))",
        "INSERT INTO pairs SELECT g, NULLIF(g % 2, 0), 'orig', TIMESTAMPTZ '2024-01-01 00:00:00+00' + g * INTERVAL '1 second' "
            + "FROM generate_series(1, 10) g");
    SyncFixture f = new SyncFixture(spark, dir, """
        trickle {
          warehouse = "$DIR/lake"
          sources { pg { type = jdbc, url = "%s", user = postgres } }
          tables { pairs { source { ref = pg, table = public.pairs }, keys = [a, b],
            sync { mode = watermark, watermark-column = updated_at, lookback = 15m } } }
        }
        """.formatted(pg.url()));
    f.load("pairs");
    // Late commits with watermarks far behind the mark: only the key scan sees them.
    pg.sql("INSERT INTO pairs VALUES (100, NULL, 'late, b null', TIMESTAMPTZ '2023-01-01 00:00:00+00')",
        "INSERT INTO pairs VALUES (101, 1, 'late', TIMESTAMPTZ '2023-01-01 00:00:00+00')",
        "DELETE FROM pairs WHERE a = 2");

    JsonNode batch = f.sync("pairs", 0);

    assertEquals(2, batch.get("rows_inserted").asLong(), "100 and 101: " + batch);
    assertEquals(1, batch.get("rows_deleted").asLong(), "(2, NULL): " + batch);
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    assertSameRows(spark.read().jdbc(pg.url(), "pairs", p), f.targetRows("pairs"), "a", "b", "v", "updated_at");
  }
}
