package dev.trickle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.ExitCode;
import dev.trickle.config.TableConfig;
import dev.trickle.testing.SharedSpark;
import dev.trickle.testing.TestConfigs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A command runs trickle.table-parallelism tables at once and reports them in the tables' order. */
@ExtendWith(SharedSpark.class)
class JobRunnerTest {

  private static final String CONFIG = """
      trickle {
        warehouse = "%s"
        table-parallelism = %d
        sources { files { type = parquet } }
        tables {
          a { source { ref = files, path = a }, keys = [id] }
          b { source { ref = files, path = b }, keys = [id] }
          c { source { ref = files, path = c }, keys = [id] }
        }
      }
      """;

  /** A job whose tables wait for each other: with room for two at once, "a" ends only after "b" started. */
  private static final class Overlapping implements TableJob<String> {
    final CountDownLatch bStarted = new CountDownLatch(1);
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();

    @Override
    public String command() {
      return "test";
    }

    @Override
    public boolean locksTable() {
      return true;
    }

    @Override
    public String prepare(JobContext context, TableConfig table) {
      return table.name();
    }

    @Override
    public TableResult run(JobContext context, TableConfig table, String prepared) {
      mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        if (table.name().equals("b")) {
          bStarted.countDown();
        }
        boolean overlapped = !table.name().equals("a") || await(bStarted);
        context.spark().range(10).count(); // Spark work from the table's own thread
        return overlapped ? TableResult.ok(table.name(), "test " + table.name() + ": done", Map.of())
            : TableResult.failed(table.name(), ExitCode.RUN_FAILED, "test a: b never started while a ran");
      } finally {
        running.decrementAndGet();
      }
    }

    private static boolean await(CountDownLatch latch) {
      try {
        return latch.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static JobRunner.Outcome run(SparkSession spark, Path dir, int parallelism, Overlapping job,
      ByteArrayOutputStream out) {
    Console console = new Console(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, false);
    return new JobRunner(TestConfigs.parse(CONFIG.formatted(dir, parallelism)), console, Map.of())
        .run(job, Optional.empty());
  }

  @Test
  void tablesRunTwoAtOnceAndAreReportedInTheirOrder(SparkSession spark, @TempDir Path dir) {
    Overlapping job = new Overlapping();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JobRunner.Outcome outcome = run(spark, dir, 2, job, out);

    assertEquals(ExitCode.OK, outcome.exit(), outcome.tables().toString());
    assertEquals(2, job.mostAtOnce.get());
    assertEquals(List.of("a", "b", "c"), outcome.tables().stream().map(TableResult::table).toList());
    String printed = out.toString(StandardCharsets.UTF_8);
    List.of("a", "b", "c").forEach(t -> assertTrue(printed.contains("test " + t + ": done"), printed));
    Map<String, String> statuses = spark.read().format("delta").load(dir.resolve("_trickle/state/runs").toString())
        .where("run_id = '" + outcome.runId() + "'").collectAsList().stream()
        .collect(Collectors.toMap(r -> r.<String>getAs("table_name"), r -> r.<String>getAs("status")));
    assertEquals(Map.of("a", "SUCCEEDED", "b", "SUCCEEDED", "c", "SUCCEEDED"), statuses);
  }

  @Test
  void withParallelismOneTablesRunOneAfterAnother(SparkSession spark, @TempDir Path dir) {
    Overlapping job = new Overlapping();
    job.bStarted.countDown(); // "a" would otherwise wait for "b", which cannot start before it ends
    JobRunner.Outcome outcome = run(spark, dir, 1, job, new ByteArrayOutputStream());

    assertEquals(ExitCode.OK, outcome.exit(), outcome.tables().toString());
    assertEquals(1, job.mostAtOnce.get());
  }
}
