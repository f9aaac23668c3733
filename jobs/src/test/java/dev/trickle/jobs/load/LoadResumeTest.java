package dev.trickle.jobs.load;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.config.ConfigLoader;
import dev.trickle.config.TrickleConfig;
import dev.trickle.demo.LocalPostgres;
import dev.trickle.jobs.JobRunner;
import dev.trickle.jobs.LoadJob;
import dev.trickle.jobs.cli.CliRun;
import dev.trickle.plan.Chunk;
import dev.trickle.state.LoadLedger;
import dev.trickle.testing.SharedPostgres;
import dev.trickle.testing.SharedSpark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A load that fails for real resumes where it stopped; --restart starts over. */
@ExtendWith({SharedSpark.class, SharedPostgres.class})
class LoadResumeTest {

  @Test
  void aChunkThatFailsForRealFailsTheRunAndARerunFinishesIt(SparkSession spark, LocalPostgres pg, @TempDir Path dir) {
    PgFixture f = PgFixture.create(pg, dir);
    String role = "loader_" + f.db();
    f.sql("CREATE ROLE " + role + " LOGIN",
        "CREATE TABLE items (id int PRIMARY KEY, v text)",
        "INSERT INTO items SELECT g, 'v' || g FROM generate_series(1, 5000) g",
        "GRANT SELECT ON items TO " + role);
    Path file = f.config("user = " + role, "t { source { ref = pg, table = public.items }, keys = [id], "
        + "load { chunks = 5, parallelism = 1, retry { attempts = 2, backoff = 50ms } } }", "");
    TrickleConfig config = ConfigLoader.load(file, Map.of(), Map.of());
    // Once the first chunk is in, the loader loses its SELECT privilege: the next chunk fails at
    // the database, on both attempts.
    AtomicBoolean revoked = new AtomicBoolean();
    LoadJob job = new LoadJob(new ChunkRunner.Listener() {
      @Override
      public void finished(Chunk chunk, int attempt, long rows, Duration took) {
        if (revoked.compareAndSet(false, true)) {
          f.sql("REVOKE SELECT ON items FROM " + role);
        }
      }
    });
    JobRunner.Outcome failed = new JobRunner(config, LoadPostgresTest.quiet(), Map.of()).run(job, Optional.of("t"));
    assertEquals(3, failed.exit().code(), failed.toString());
    String error = failed.tables().get(0).summary();
    assertTrue(error.startsWith("Cannot load table t: chunk 2 failed after 2 attempt(s): ") && error.contains("permission denied"), error);
    assertTrue(error.endsWith("1/5 chunks are done and will be skipped."), error);

    LoadLedger ledger = new LoadLedger(spark, f.stateDir());
    Dataset<Row> chunks = ledger.chunks().read();
    assertEquals(1, chunks.where("status = 'DONE'").count());
    assertEquals(2, chunks.where("status = 'FAILED' AND chunk_id = 2").count(), "both attempts recorded");
    assertEquals(0, chunks.where("status = 'FAILED' AND chunk_id > 2").count(), "no chunk starts after one gave up");
    assertEquals("FAILED", ledger.latest("t").orElseThrow().status());
    long firstChunkRows = chunks.where("status = 'DONE'").select("rows").head().getLong(0);
    assertEquals(firstChunkRows, spark.read().format("delta").load(f.target("t")).count());

    f.sql("GRANT SELECT ON items TO " + role);
    CliRun rerun = CliRun.of("load", "-c", file.toString());
    assertEquals(0, rerun.exitCode(), rerun.toString());
    assertTrue(rerun.out().contains("resuming load"), rerun.out());

    Dataset<Row> target = spark.read().format("delta").load(f.target("t"));
    assertEquals(5000, target.count());
    assertEquals(5000, target.select("id").distinct().count(), "no duplicate keys");
    chunks = ledger.chunks().read().where("status = 'DONE'");
    assertEquals(5, chunks.count());
    assertEquals(5, chunks.select("chunk_id").distinct().count(), "each chunk loaded once");
    LoadLedger.LoadState state = ledger.latest("t").orElseThrow();
    assertTrue(state.done());
    assertEquals(2, state.attempts());
    Dataset<Row> attempts = ledger.loads().read().where(col("load_id").equalTo(state.loadId())).orderBy("started_at");
    List<Row> rows = attempts.collectAsList();
    assertEquals(rows.get(0).<String>getAs("source_position"), rows.get(1).<String>getAs("source_position"),
        "a resumed load keeps the first attempt's position");
    assertEquals(5000L, rows.get(1).<Long>getAs("rows"));
  }

  @Test
  void aFinishedLoadIsNotRepeatedAndRestartReplacesTheTarget(SparkSession spark, LocalPostgres pg, @TempDir Path dir) {
    PgFixture f = PgFixture.create(pg, dir);
    f.sql("CREATE TABLE items (id int PRIMARY KEY, v text)", "INSERT INTO items SELECT g, 'v' FROM generate_series(1, 3000) g");
    Path file = f.config("t { source { ref = pg, table = public.items }, keys = [id], load.chunks = 3 }");
    assertEquals(0, CliRun.of("load", "-c", file.toString()).exitCode());
    LoadLedger ledger = new LoadLedger(spark, f.stateDir());
    String first = ledger.latest("t").orElseThrow().loadId();

    CliRun again = CliRun.of("load", "-c", file.toString());
    assertEquals(0, again.exitCode(), again.toString());
    assertTrue(again.out().contains("already loaded by load " + first), again.out());

    f.sql("DELETE FROM items WHERE id > 1000");
    CliRun restart = CliRun.of("load", "-c", file.toString(), "--restart", "--json");
    assertEquals(0, restart.exitCode(), restart.toString());
    assertNotEquals(first, ledger.latest("t").orElseThrow().loadId());
    assertTrue(restart.out().contains("\"resumed\":false"), restart.out());
    Dataset<Row> target = spark.read().format("delta").load(f.target("t"));
    assertEquals(1000, target.count(), "the earlier load's rows are gone");
    assertEquals(2, ledger.loads().read().select("load_id").distinct().count());
  }
}
