package dev.trickle.jobs;

import dev.trickle.ExitCode;
import dev.trickle.Throwables;
import dev.trickle.config.TableConfig;
import dev.trickle.jobs.load.ChunkRunner;
import dev.trickle.jobs.load.LoadChecks;
import dev.trickle.jobs.load.LoadProgress;
import dev.trickle.plan.Chunk;
import dev.trickle.plan.ChunkRequest;
import dev.trickle.source.ParquetListing;
import dev.trickle.source.SourcePosition;
import dev.trickle.source.SourceSnapshot;
import dev.trickle.spark.SparkSteps;
import dev.trickle.state.LoadLedger;
import dev.trickle.state.LoadLedger.LoadState;
import dev.trickle.state.SourceFilesLedger;
import dev.trickle.target.DeltaTarget;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code load}: copies a table into its Delta target chunk by chunk, from one snapshot of the
 * source. Every chunk commits on its own (an idempotent append, see
 * {@link dev.trickle.target.DeltaTarget#appendOnce}) and then records itself DONE in
 * {@code load_chunks}; a re-run resumes the latest unfinished load, skipping DONE chunks, and
 * {@code --restart} starts a fresh load that replaces the target's contents.
 */
public final class LoadJob implements TableJob<LoadChecks.Checked> {
  /** The option ({@code --restart}) that starts a fresh load. */
  public static final String RESTART = "restart";
  private static final DateTimeFormatter LOAD_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private final ChunkRunner.Listener listener;

  public LoadJob() {
    this(new ChunkRunner.Listener() {});
  }

  /** A load that also tells {@code listener} about its chunks (for tests and embedders). */
  public LoadJob(ChunkRunner.Listener listener) {
    this.listener = listener;
  }

  @Override
  public String command() {
    return "load";
  }

  @Override
  public boolean locksTable() {
    return true;
  }

  @Override
  public LoadChecks.Checked prepare(JobContext context, TableConfig table) {
    return LoadChecks.check(context.spark(), context.config(), table, context.flag(RESTART));
  }

  @Override
  public TableResult run(JobContext context, TableConfig table, LoadChecks.Checked checked) {
    LoadRun load = new LoadRun(context, table, checked, listener);
    Optional<LoadState> latest = LoadChecks.previousLoad(load.ledger, table, checked.target());
    if (latest.isPresent() && latest.get().done() && !context.flag(RESTART)) {
      return alreadyLoaded(table, latest.get());
    }
    Optional<LoadState> resumed = context.flag(RESTART) ? Optional.empty() : latest;
    String loadId = resumed.map(LoadState::loadId).orElseGet(LoadJob::newLoadId);
    try (SourceSnapshot snapshot = load.openSnapshot(resumed)) {
      Optional<Long> ready = load.targetReadyWithoutLoss(resumed);
      List<Chunk> plan = load.recordStart(loadId, snapshot, resumed, ready);
      try {
        load.recordPlanAndReadyTarget(loadId, snapshot, resumed, plan, ready.isEmpty());
        ChunkRunner.Result result = load.loadChunks(loadId, snapshot, plan, resumed);
        return load.finish(loadId, plan, result, resumed);
      } catch (RuntimeException e) {
        load.recordFailure(loadId, e);
        throw e;
      }
    }
  }

  private static TableResult alreadyLoaded(TableConfig table, LoadState state) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("load_id", state.loadId());
    details.put("status", "ALREADY_DONE");
    details.put("rows", state.doneRowCount());
    details.put("chunks", state.plan().size());
    return TableResult.ok(table.name(), "load " + table.name() + ": already loaded by load " + state.loadId() + " ("
        + state.doneRowCount() + " rows); nothing to do. Pass --restart to load it again.", details);
  }

  /** Sortable and readable: the start time in UTC and a random suffix. */
  static String newLoadId() {
    return LOAD_ID.format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** One run of a load over one table: the steps {@link #run} lists, with what they share. */
  private static final class LoadRun {
    private final JobContext context;
    private final TableConfig table;
    private final LoadChecks.Checked checked;
    private final ChunkRunner.Listener extra;
    private final LoadLedger ledger;
    private final Instant startedAt = Instant.now();
    private final int parallelism;
    private SourcePosition position;

    LoadRun(JobContext context, TableConfig table, LoadChecks.Checked checked, ChunkRunner.Listener extra) {
      this.context = context;
      this.table = table;
      this.checked = checked;
      this.extra = extra;
      this.ledger = new LoadLedger(context.spark(), context.config().stateDir());
      int configured = table.load().parallelism();
      this.parallelism = configured > 0 ? configured : context.spark().sparkContext().defaultParallelism();
    }

    /** A resumed load reads the first attempt's position where the source can go back (Delta, Iceberg). */
    SourceSnapshot openSnapshot(Optional<LoadState> resumed) {
      Optional<SourcePosition> first = resumed.flatMap(LoadState::position);
      return step("snapshot", "snapshot " + checked.source().describe(),
          () -> first.flatMap(p -> checked.source().snapshotAt(p)).orElseGet(() -> checked.source().snapshot()));
    }

    /** Plans the load (or takes the recorded plan) and records the attempt: RUNNING, with the first attempt's position. */
    List<Chunk> recordStart(String loadId, SourceSnapshot snapshot, Optional<LoadState> resumed, Optional<Long> targetBase) {
      position = resumed.flatMap(LoadState::position).orElse(snapshot.position());
      Optional<List<Chunk>> recorded = recordedPlan(resumed);
      List<Chunk> plan = recorded.orElseGet(() -> step("plan", "plan chunks of " + table.name(),
          () -> snapshot.plan(ChunkRequest.of(table)).chunks()));
      ledger.started(table.name(), loadId, context.run().runId(), position, plan.size(), startedAt, targetBase,
          checked.target().describe());
      return plan;
    }

    /**
     * Once per load, records the plan and (Parquet) the listing the load reads, while the target is
     * emptied if an earlier load's rows must go: three tables, three independent commits, at once.
     * All of them land before any chunk runs, so a chunk never commits under an unrecorded plan.
     */
    void recordPlanAndReadyTarget(String loadId, SourceSnapshot snapshot, Optional<LoadState> resumed, List<Chunk> plan,
        boolean replace) {
      List<Runnable> steps = new ArrayList<>();
      if (recordedPlan(resumed).isEmpty()) {
        snapshot.listing().ifPresent(listing -> steps.add(() -> recordListing(loadId, listing, resumed.isPresent())));
        steps.add(() -> ledger.planned(table.name(), loadId, plan));
      }
      if (replace) {
        steps.add(() -> replaceTarget(loadId));
      }
      SparkSteps.concurrently(steps);
    }

    /** The plan an earlier attempt of this load recorded, if it got that far. */
    private static Optional<List<Chunk>> recordedPlan(Optional<LoadState> resumed) {
      return resumed.map(LoadState::plan).filter(p -> !p.isEmpty());
    }

    /** A fresh load's listing is new; a resumed one's may have landed before its attempt died. */
    private void recordListing(String loadId, ParquetListing listing, boolean mayExist) {
      SourceFilesLedger files = new SourceFilesLedger(context.spark(), context.config().stateDir());
      String positionId = SourceFilesLedger.forLoad(loadId);
      if (!mayExist || files.listing(table.name(), positionId).files().isEmpty()) {
        files.record(table.name(), positionId, listing);
      }
    }

    /**
     * The target's version once it is ready for this load's chunks, when that needs no data to be
     * removed: it was made ready by an earlier attempt, is created now, or exists empty with the
     * right columns. Empty when an earlier load's rows must go first ({@link #replaceTarget}),
     * which happens only after this load is recorded, so no crash can lose track of them.
     */
    Optional<Long> targetReadyWithoutLoss(Optional<LoadState> resumed) {
      Optional<Long> earlier = resumed.flatMap(LoadState::targetBaseVersion);
      if (earlier.isPresent()) {
        return earlier;
      }
      DeltaTarget target = checked.target();
      return step("target", "prepare target " + target.describe(), () -> {
        if (!target.exists()) {
          target.createIfMissing(checked.targetSchema());
          return Optional.of(target.version());
        }
        boolean fits = DeltaTarget.sameColumns(target.schema().orElseThrow(), checked.targetSchema());
        return fits && !target.hasData() ? Optional.of(target.version()) : Optional.<Long>empty();
      });
    }

    /** Empties the target (or gives it the new columns) for a fresh load, and records that it did. */
    private void replaceTarget(String loadId) {
      step("target", "replace target " + checked.target().describe(), () -> {
        checked.target().replace(checked.targetSchema());
        ledger.targetReady(table.name(), loadId, context.run().runId(), checked.target().version());
        return null;
      });
    }

    ChunkRunner.Result loadChunks(String loadId, SourceSnapshot snapshot, List<Chunk> plan, Optional<LoadState> resumed) {
      Map<Integer, Long> done = resumed.map(LoadState::doneRows).orElse(Map.of());
      List<Chunk> todo = plan.stream().filter(c -> !done.containsKey(c.id())).toList();
      if (!done.isEmpty()) {
        context.console().info("load " + table.name() + ": resuming load " + loadId + ", " + done.size() + "/" + plan.size()
            + " chunks already done, " + todo.size() + " to go");
      }
      ChunkRunner runner = new ChunkRunner(parallelism, table.load().retry(),
          listeners(new LoadProgress(context.console(), table.name(), plan, todo), failures(loadId), extra),
          e -> context.redactor().redact(Throwables.rootMessage(e)));
      return runner.run(todo, (chunk, attempt) -> loadChunk(loadId, snapshot, chunk, attempt, plan.size(), resumed.isPresent()));
    }

    /** Reads the chunk through the column mapping, appends it once, then records it DONE. */
    private long loadChunk(String loadId, SourceSnapshot snapshot, Chunk chunk, int attempt, int total, boolean resumed) {
      Instant started = Instant.now();
      String tag = "trickle load " + loadId + " chunk " + chunk.id();
      long rows = SparkSteps.step(context.spark(), "trickle-load-" + table.name() + "-chunk-" + chunk.id(),
          "load " + table.name() + " chunk " + chunk.id() + "/" + total, () -> {
            if (attempt > 1 || resumed) { // an earlier attempt may have committed before failing to record itself
              var committed = checked.target().committedRows(tag, 0);
              if (committed.isPresent()) {
                return committed.getAsLong();
              }
            }
            return checked.target().appendOnce(checked.mapping().apply(snapshot.read(chunk.predicate())),
                "trickle-load-" + loadId + "-" + chunk.id(), tag);
          });
      ledger.chunkEnded(table.name(), loadId, chunk, LoadLedger.DONE, rows, attempt, started, Instant.now(), null);
      return rows;
    }

    private ChunkRunner.Listener failures(String loadId) {
      return new ChunkRunner.Listener() {
        @Override
        public void failed(Chunk chunk, int attempt, String error, Optional<Duration> retryIn) {
          try {
            ledger.chunkEnded(table.name(), loadId, chunk, LoadLedger.FAILED, null, attempt, Instant.now(), Instant.now(), error);
          } catch (RuntimeException e) {
            context.console().error("load " + table.name() + ": cannot record the failure of chunk " + chunk.id() + ": "
                + context.redactor().redact(Throwables.rootMessage(e)));
          }
        }
      };
    }

    TableResult finish(String loadId, List<Chunk> plan, ChunkRunner.Result result, Optional<LoadState> resumed) {
      Map<Integer, Long> done = new java.util.TreeMap<>(resumed.map(LoadState::doneRows).orElse(Map.of()));
      done.putAll(result.finished());
      long rows = done.values().stream().mapToLong(Long::longValue).sum();
      long version = checked.target().version();
      Duration took = Duration.between(startedAt, Instant.now());
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("load_id", loadId);
      details.put("resumed", resumed.isPresent());
      details.put("chunks", plan.size());
      details.put("chunks_done", done.size());
      details.put("rows", rows);
      details.put("rows_this_run", result.rows());
      details.put("target", checked.target().describe());
      details.put("target_version", version);
      details.put("source_position", position.values());
      if (result.failed().isEmpty() && done.size() == plan.size()) {
        ledger.finished(table.name(), loadId, context.run().runId(), LoadLedger.DONE, rows, version, null);
        details.put("status", LoadLedger.DONE);
        return TableResult.ok(table.name(), String.format(Locale.ROOT,
            "load %s: DONE, %d chunks, %,d rows in %s into %s (version %d), load %s", table.name(), plan.size(), rows,
            took.toSeconds() + "s", checked.target().describe(), version, loadId), details);
      }
      var first = result.failed().entrySet().iterator().next();
      String message = "Cannot load table " + table.name() + ": chunk " + first.getKey() + " failed after "
          + table.load().retry().attempts() + " attempt(s): " + first.getValue() + ". Fix the cause and run load again: "
          + done.size() + "/" + plan.size() + " chunks are done and will be skipped.";
      ledger.finished(table.name(), loadId, context.run().runId(), LoadLedger.FAILED, rows, version, message);
      details.put("status", LoadLedger.FAILED);
      details.put("error", message);
      return new TableResult(table.name(), ExitCode.RUN_FAILED, message, details);
    }

    /** Best effort: the attempt's row says FAILED (a run that dies outright stays RUNNING). */
    void recordFailure(String loadId, RuntimeException e) {
      try {
        ledger.finished(table.name(), loadId, context.run().runId(), LoadLedger.FAILED,
            LoadChecks.previousLoad(ledger, table, checked.target()).map(LoadState::doneRowCount).orElse(0L),
            checked.target().version(),
            context.redactor().redact(Throwables.rootMessage(e)));
      } catch (RuntimeException ignored) {
        context.console().error("load " + table.name() + ": cannot record the failed attempt: "
            + context.redactor().redact(Throwables.rootMessage(ignored)));
      }
    }

    private <T> T step(String name, String description, java.util.function.Supplier<T> body) {
      return SparkSteps.step(context.spark(), "trickle-load-" + table.name() + "-" + name, description, body);
    }

    private static ChunkRunner.Listener listeners(ChunkRunner.Listener... all) {
      return new ChunkRunner.Listener() {
        @Override
        public void started(Chunk chunk, int attempt) {
          for (ChunkRunner.Listener l : all) {
            l.started(chunk, attempt);
          }
        }

        @Override
        public void finished(Chunk chunk, int attempt, long rows, Duration took) {
          for (ChunkRunner.Listener l : all) {
            l.finished(chunk, attempt, rows, took);
          }
        }

        @Override
        public void failed(Chunk chunk, int attempt, String error, Optional<Duration> retryIn) {
          for (ChunkRunner.Listener l : all) {
            l.failed(chunk, attempt, error, retryIn);
          }
        }
      };
    }
  }
}
