package dev.trickle.jobs.sync;

import static dev.trickle.jobs.sync.SyncFixture.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trickle.FaultPoint;
import dev.trickle.jobs.SyncJob;
import dev.trickle.state.SyncLedger;
import dev.trickle.target.ChangeApply;
import dev.trickle.testing.SharedSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Syncs in real, separate JVMs running the shaded jar: two at once on one table (one waits on
 * the lock and exits 4), and one killed right after its data commit, before its ledger row is
 * finished. Its lock goes stale and is taken over, and the batch is not applied twice.
 */
@ExtendWith(SharedSpark.class)
class SyncProcessIT {
  private static final String PIPELINE = """
      trickle {
        warehouse = "$DIR/lake"
        spark { master = "local[1]", conf { "spark.ui.enabled" = "false", "spark.sql.shuffle.partitions" = "2" } }
        sources { old { type = delta, path = "$DIR/src" } }
        tables { items { source { ref = old, path = "items" }, keys = [id] } }
      }
      """;

  @Test
  void concurrentSyncsLockAndAKilledSyncIsNotAppliedTwice(SparkSession spark, @TempDir Path dir) throws Exception {
    SyncFixture f = new SyncFixture(spark, dir, PIPELINE);
    String src = dir.resolve("src/items").toString();
    spark.range(50).selectExpr("id", "concat('n', id) AS name").write().format("delta")
        .option("delta.enableChangeDataFeed", "true").save(src);
    f.load("items");
    spark.sql("UPDATE delta.`" + src + "` SET name = 'first' WHERE id < 10");

    // Two syncs at once: the first holds the lock until told to go on; the second exits 4.
    Path release = dir.resolve("release");
    Process holder = child(dir, "holder", SyncJob.LOCKED + ":await=" + release, "sync", "--json");
    waitFor(() -> Files.exists(dir.resolve("lake/_trickle/state/_locks/items.lock")), 240, "the first sync to take the lock");
    Process second = child(dir, "second", null, "sync", "--json");
    assertEquals(4, exit(second, 300), output(dir, "second"));
    assertTrue(output(dir, "second").contains("Cannot sync table items: it is locked by sync run"), output(dir, "second"));
    Files.createFile(release);
    assertEquals(0, exit(holder, 300), output(dir, "holder"));
    assertEquals(10, f.batches("items").get(0).updated());

    // A sync killed right after its data commit: the batch stays RUNNING and the lock stays behind.
    spark.sql("UPDATE delta.`" + src + "` SET name = 'second' WHERE id >= 40");
    Process killed = child(dir, "killed", ChangeApply.AFTER_COMMIT, "sync", "--json");
    assertEquals(FaultPoint.HALT_STATUS, exit(killed, 300), output(dir, "killed"));
    long committed = f.targetVersion("items");
    SyncLedger.Batch interrupted = f.batches("items").get(1);
    assertEquals(SyncLedger.Status.RUNNING, interrupted.status());
    assertEquals(4, f.sync("items", 4).get("exit_code").asInt(), "the dead run's lock is fresh for 10 minutes");

    // Once the lock is stale it is taken over; the batch is completed from its commit, not applied again.
    Thread.sleep(1500);
    JsonNode rerun = f.json(f.cli("sync", "--table", "items", "--json", "-D", "trickle.lock.stale-after=1s"), 0);
    assertEquals("NOOP", rerun.get("status").asText(), "nothing changed since the interrupted batch: " + rerun);
    assertEquals(committed, f.targetVersion("items"), "no second commit");
    SyncLedger.Batch completed = f.batches("items").get(1);
    assertEquals(SyncLedger.Status.DONE, completed.status());
    assertEquals(committed, completed.targetVersion());
    assertEquals(10, completed.updated(), "counts taken from the commit that landed");
    assertSameRows(spark.read().format("delta").load(src), f.targetRows("items"), "id", "name");
  }

  private static Process child(Path dir, String name, String fault, String... args) throws IOException {
    Path jobs = Path.of("").toAbsolutePath();
    String classpath = String.join(":", jobs.resolve("target/trickle.jar").toString(),
        Files.readString(jobs.resolve("target/spark-classpath-provided.txt")).strip(),
        Files.readString(jobs.resolve("target/spark-classpath-runtime.txt")).strip());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Files.readAllLines(jobs.resolve("../conf/jvm.options")).stream().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(command::add);
    command.add("-Xmx1g");
    command.add("-Dlog4j2.configurationFile=" + jobs.resolve("../conf/log4j2.properties"));
    if (fault != null) {
      command.add("-D" + FaultPoint.PROPERTY + "=" + fault);
    }
    command.addAll(List.of("-cp", classpath, "dev.trickle.jobs.cli.Main", args[0], "-c", dir.resolve("pipeline.conf").toString()));
    command.addAll(List.of(args).subList(1, args.length));
    return new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".out").toFile()).start();
  }

  private static int exit(Process process, int seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("a child sync did not finish within " + seconds + " s");
    }
    return process.exitValue();
  }

  private static String output(Path dir, String name) throws IOException {
    return Files.readString(dir.resolve(name + ".out"), StandardCharsets.UTF_8);
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, int seconds, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(200);
    }
  }
}
