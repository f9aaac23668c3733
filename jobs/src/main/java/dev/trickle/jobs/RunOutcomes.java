package dev.trickle.jobs;

import dev.trickle.ExitCode;
import dev.trickle.spark.SparkSteps;
import dev.trickle.state.RunLedger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.SparkSession;

/**
 * Completes each table's {@code runs} row on one background thread, in order, while the command
 * goes on with its next table: a row's UPDATE (a Delta log replay and a rewrite, about a second)
 * then overlaps the next table's work instead of preceding it. {@link #close} waits for every row,
 * so a command returns only once its rows are written; a process that dies leaves the rows not yet
 * written RUNNING, as the ledger's contract says of a run that died.
 */
final class RunOutcomes implements AutoCloseable {
  private final SparkSession spark;
  private final RunLedger ledger;
  private final RunLedger.Run run;
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "trickle-runs-ledger");
    t.setDaemon(true);
    return t;
  });
  private final List<Future<?>> pending = new ArrayList<>();

  RunOutcomes(SparkSession spark, RunLedger ledger, RunLedger.Run run) {
    this.spark = spark;
    this.ledger = ledger;
    this.run = run;
  }

  /** Queues the completion of one table's row; {@code error} must be redacted already. */
  void record(String table, ExitCode exit, String error) {
    pending.add(writer.submit(() -> SparkSteps.step(spark, "trickle-" + run.command() + "-runs",
        "record the outcome of " + run.command() + " " + table + " in runs",
        () -> ledger.finished(run, Optional.of(table), exit, error))));
  }

  /** Waits for every queued row; rethrows the first failure once all have ended. */
  @Override
  public void close() {
    try {
      SparkSteps.awaitAll(pending, "the runs ledger");
    } finally {
      writer.shutdown();
    }
  }
}
