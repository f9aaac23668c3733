package dev.trickle.jobs;

import dev.trickle.ExitCode;
import dev.trickle.Throwables;
import dev.trickle.TrickleException;
import dev.trickle.config.ConfigRenderer;
import dev.trickle.config.Redactor;
import dev.trickle.config.TableConfig;
import dev.trickle.config.TrickleConfig;
import dev.trickle.spark.SparkSessions;
import dev.trickle.spark.SparkSteps;
import dev.trickle.state.RunLedger;
import dev.trickle.state.TableLocks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a {@link TableJob} over the selected tables: prepare all (exit 2, nothing written, on bad
 * input), record the run, then per table take the lock, run, record the outcome, with up to
 * {@code trickle.table-parallelism} tables at once. One table's failure does not stop the
 * others; the exit code is the worst outcome.
 */
public final class JobRunner {
  private final TrickleConfig config;
  private final Console console;
  private final Map<String, Object> options;

  public JobRunner(TrickleConfig config, Console console, Map<String, Object> options) {
    this.config = config;
    this.console = console;
    this.options = Map.copyOf(options);
  }

  /** The outcome of a whole command. */
  public record Outcome(ExitCode exit, String runId, List<TableResult> tables) {}

  public <P> Outcome run(TableJob<P> job, Optional<String> tableName) {
    Redactor redactor = Redactor.of(config);
    List<TableConfig> tables = config.selectTables(tableName);
    SparkSession spark = SparkSessions.getOrCreate(config);
    RunLedger.Run run = RunLedger.Run.start(job.command(), ConfigRenderer.hash(config));
    TableLocks locks = new TableLocks(config.stateDir(), config.lock().staleAfter(), config.lock().heartbeat());
    JobContext context = new JobContext(config, spark, redactor, console, run, locks, options);

    Map<String, P> prepared = prepareAll(job, context, tables);
    RunLedger ledger = new RunLedger(spark, config.stateDir());
    ledger.started(run, tables.stream().map(TableConfig::name).toList());

    List<TableResult> results;
    try (RunOutcomes outcomes = new RunOutcomes(spark, ledger, run)) {
      results = runAll(tables, table -> runOne(job, context, table, prepared.get(table.name())), result -> {
        console.info(result.summary());
        outcomes.record(result.table(), result.exit(),
            result.exit() == ExitCode.OK || result.exit() == ExitCode.DIFFERENCES ? null : result.summary());
      });
    }
    ExitCode worst = results.stream().map(TableResult::exit).reduce(ExitCode.OK, JobRunner::worse);
    return new Outcome(worst, run.runId(), results);
  }

  /**
   * Runs {@code one} for each table, {@code trickle.table-parallelism} at a time, and hands each
   * result to {@code finished} on this thread as it comes. Results are in the tables' order.
   */
  private List<TableResult> runAll(List<TableConfig> tables, Function<TableConfig, TableResult> one,
      Consumer<TableResult> finished) {
    int threads = Math.max(1, Math.min(config.tableParallelism(), tables.size()));
    AtomicInteger counter = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "trickle-table-" + counter.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      CompletionService<TableResult> done = new ExecutorCompletionService<>(pool);
      tables.forEach(table -> done.submit(() -> one.apply(table)));
      Map<String, TableResult> byTable = new HashMap<>();
      for (int i = 0; i < tables.size(); i++) {
        TableResult result = done.take().get();
        finished.accept(result);
        byTable.put(result.table(), result);
      }
      return tables.stream().map(t -> byTable.get(t.name())).toList();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while tables ran", e);
    } catch (ExecutionException e) { // runOne turns exceptions into results: only an Error gets here
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private <P> Map<String, P> prepareAll(TableJob<P> job, JobContext context, List<TableConfig> tables) {
    Map<String, P> prepared = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (TableConfig table : tables) {
      try {
        prepared.put(table.name(), SparkSteps.step(context.spark(), "trickle-" + job.command() + "-prepare",
            "check " + table.name() + " before " + job.command(), () -> job.prepare(context, table)));
      } catch (TrickleException e) {
        if (e.exitCode() != ExitCode.BAD_INPUT) {
          throw e;
        }
        problems.add(context.redactor().redact(e.getMessage()));
      }
    }
    if (!problems.isEmpty()) {
      throw TrickleException.badInput(String.join(System.lineSeparator(), problems));
    }
    return prepared;
  }

  private <P> TableResult runOne(TableJob<P> job, JobContext context, TableConfig table, P prepared) {
    String group = "trickle-" + job.command() + "-" + table.name();
    try {
      if (!job.locksTable()) {
        return SparkSteps.step(context.spark(), group, job.command() + " " + table.name(),
            () -> job.run(context, table, prepared));
      }
      TableLocks.Holder holder = new TableLocks.Holder(context.run().runId(), job.command(),
          context.run().user(), context.run().host(), context.run().startedAt());
      try (TableLocks.Lock lock = context.locks().acquire(table.name(), holder)) {
        return SparkSteps.step(context.spark(), group, job.command() + " " + table.name(),
            () -> job.run(context, table, prepared));
      }
    } catch (TrickleException e) {
      return TableResult.failed(table.name(), e.exitCode(), context.redactor().redact(e.getMessage()));
    } catch (Exception e) { // also SparkException, which Scala code throws undeclared
      String message = "Cannot " + job.command() + " table " + table.name() + ": " + Throwables.rootMessage(e)
          + ". Fix the cause and run again; finished work is kept.";
      return TableResult.failed(table.name(), ExitCode.RUN_FAILED, context.redactor().redact(message));
    }
  }

  /** The more severe of two outcomes: higher exit codes win. */
  public static ExitCode worse(ExitCode a, ExitCode b) {
    return a.code() >= b.code() ? a : b;
  }
}
