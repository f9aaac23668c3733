package dev.trickle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.demo.LocalPostgres;
import dev.trickle.jobs.cli.CliRun;
import dev.trickle.jobs.load.PgFixture;
import dev.trickle.state.LoadLedger;
import dev.trickle.testing.SharedPostgres;
import dev.trickle.testing.SharedSpark;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A load process killed mid-load (SIGKILL, right after its first chunk was recorded) leaves a
 * state that a re-run finishes: exact counts, no duplicate keys, finished chunks not redone. The
 * killed process runs the shaded jar, as a user's would.
 */
@ExtendWith({SharedSpark.class, SharedPostgres.class})
class LoadKillIT {

  @Test
  void aKilledLoadIsFinishedByARerun(SparkSession spark, LocalPostgres pg, @TempDir Path dir) throws Exception {
    PgFixture f = PgFixture.create(pg, dir);
    f.sql("CREATE TABLE events (id bigint PRIMARY KEY, payload text)",
        "INSERT INTO events SELECT g, repeat('x', 50) FROM generate_series(1, 10000) g");
    Path config = f.config("t { source { ref = pg, table = public.events }, keys = [id], load { chunks = 10, parallelism = 1 } }");

    Process child = new ProcessBuilder(command("load", "-c", config.toString())).redirectErrorStream(true).start();
    List<String> output = new ArrayList<>();
    CompletableFuture<Boolean> firstChunk = CompletableFuture.supplyAsync(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          output.add(line);
          if (line.contains("chunk") && line.contains(" done (")) {
            return true; // printed after the chunk's DONE row was recorded
          }
        }
        return false;
      } catch (java.io.IOException e) {
        return false;
      }
    });
    boolean sawChunk = firstChunk.get(5, TimeUnit.MINUTES);
    child.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
    assertTrue(sawChunk, "the child loaded a chunk before it was killed: " + output);

    LoadLedger ledger = new LoadLedger(spark, f.stateDir());
    long doneBefore = ledger.chunks().read().where("status = 'DONE'").count();
    assertTrue(doneBefore >= 1 && doneBefore < 10, "killed mid-load, after " + doneBefore + " chunks");
    assertEquals("RUNNING", ledger.latest("t").orElseThrow().status(), "a killed attempt stays RUNNING");

    Thread.sleep(2500); // the dead process's lock goes stale (lock.stale-after = 2s in the fixture)
    CliRun rerun = CliRun.of("load", "-c", config.toString());
    assertEquals(0, rerun.exitCode(), rerun.toString());
    assertTrue(rerun.out().contains("resuming load"), rerun.out());

    Dataset<Row> target = spark.read().format("delta").load(f.target("t"));
    assertEquals(10000, target.count());
    assertEquals(10000, target.select("id").distinct().count(), "no duplicate keys");
    Dataset<Row> done = ledger.chunks().read().where("status = 'DONE'");
    assertEquals(10, done.count(), "each chunk recorded DONE exactly once");
    assertEquals(10, done.select("chunk_id").distinct().count());
    assertTrue(ledger.latest("t").orElseThrow().done());
  }

  /** The launcher's in-process command line, with the shaded jar and Spark's jars. */
  private static List<String> command(String... args) throws Exception {
    List<String> out = new ArrayList<>();
    out.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Files.readAllLines(Path.of("..", "conf", "jvm.options")).stream().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(out::add);
    out.add("-Xmx1g");
    out.add("-Dlog4j2.configurationFile=" + Path.of("..", "conf", "log4j2.properties").toAbsolutePath());
    out.add("-cp");
    out.add(Path.of("target", "trickle.jar").toAbsolutePath() + ":"
        + Files.readString(Path.of("target", "spark-classpath-provided.txt")).strip() + ":"
        + Files.readString(Path.of("target", "spark-classpath-runtime.txt")).strip());
    out.add("dev.trickle.jobs.cli.Main");
    out.addAll(List.of(args));
    return out;
  }
}
