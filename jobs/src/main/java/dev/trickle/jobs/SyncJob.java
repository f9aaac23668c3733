package dev.trickle.jobs;

import dev.trickle.FaultPoint;
import dev.trickle.TrickleException;
import dev.trickle.config.MaskKind;
import dev.trickle.config.SyncMode;
import dev.trickle.config.TableConfig;
import dev.trickle.source.ColumnMapping;
import dev.trickle.source.ParquetListing;
import dev.trickle.source.Sources;
import dev.trickle.spark.SparkSteps;
import dev.trickle.state.LoadLedger;
import dev.trickle.state.SourceFilesLedger;
import dev.trickle.state.SyncLedger;
import dev.trickle.state.SyncLedger.Batch;
import dev.trickle.state.SyncLedger.Status;
import dev.trickle.sync.BatchChanges;
import dev.trickle.sync.ChangeReader;
import dev.trickle.sync.ChangeReaders;
import dev.trickle.sync.ChangeSet;
import dev.trickle.sync.Changes;
import dev.trickle.sync.SyncHistory;
import dev.trickle.sync.SyncStart;
import dev.trickle.target.DeltaCommits;
import dev.trickle.target.DeltaTargets;
import dev.trickle.target.ChangeApply;
import io.delta.tables.DeltaTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * One incremental batch per table: settle a batch a crash interrupted, find where this one
 * starts, read what changed, map and check it, record the batch, apply it in one idempotent
 * commit, record the outcome. Nothing new at the source makes a NOOP batch and leaves the target's
 * version alone.
 */
public final class SyncJob implements TableJob<SyncJob.Prepared> {
  /** What prepare found: the target's folder. */
  public record Prepared(String targetPath) {}

  @Override
  public String command() {
    return "sync";
  }

  @Override
  public boolean locksTable() {
    return true;
  }

  @Override
  public Prepared prepare(JobContext context, TableConfig table) {
    SparkSession spark = context.spark();
    String path = DeltaTargets.location(spark, table.target());
    if (!DeltaTargets.exists(spark, path)) {
      throw TrickleException.badInput("Cannot sync table " + table.name() + ": its target " + path
          + " is not a Delta table yet. Run trickle load for it first.");
    }
    checkKeysNotMasked(table);
    SyncLedger batches = new SyncLedger(spark, context.config().stateDir());
    new SyncHistory(table.name(), batches, new LoadLedger(spark, context.config().stateDir()), new DeltaCommits(spark, path))
        .start(0); // no load and no batch: exit 2 before anything is written
    if (table.sync().mode() == SyncMode.CDC) {
      String folder = table.sync().cdcPath().orElseThrow();
      if (!folder.contains("://") && !Files.isDirectory(Path.of(folder))) {
        throw TrickleException.badInput("Cannot sync table " + table.name() + ": sync.cdc-path " + folder
            + " is not a folder. Point it at the folder the Debezium JSON files arrive in.");
      }
    } else {
      sourceSchema(context, table).ifPresent(source -> checkSource(table, source));
    }
    return new Prepared(path);
  }

  /** The mapping, the mode and sync's own change column against the source's columns. */
  private static void checkSource(TableConfig table, StructType source) {
    ColumnMapping.check(table, source, Optional.empty());
    ChangeReaders.check(table, source);
    if (List.of(source.fieldNames()).contains(Changes.CHANGE)) {
      throw TrickleException.badInput("Cannot sync table " + table.name() + ": its source has a column named "
          + Changes.CHANGE + ", which sync uses itself. Exclude or rename it (columns.exclude, columns.rename).");
    }
  }

  /** Where a test can hold a sync that has its table's lock. */
  public static final String LOCKED = "sync.locked";

  @Override
  public TableResult run(JobContext context, TableConfig table, Prepared prepared) {
    FaultPoint.at(LOCKED);
    SparkSession spark = context.spark();
    Ledgers ledgers = new Ledgers(new SyncLedger(spark, context.config().stateDir()),
        new SourceFilesLedger(spark, context.config().stateDir()));
    DeltaCommits target = new DeltaCommits(spark, prepared.targetPath());
    SyncHistory history = new SyncHistory(table.name(), ledgers.batches(),
        new LoadLedger(spark, context.config().stateDir()), target);

    step(context, table, "settle an interrupted batch", history::recover);
    long batchId = history.nextBatchId();
    SyncStart start = step(context, table, "find where batch " + batchId + " starts", () -> history.start(batchId));
    Dataset<Row> current = DeltaTable.forPath(spark, prepared.targetPath()).toDF();
    StructType targetSchema = current.schema();
    try (ChangeReader reader = ChangeReaders.open(spark, context.config(), table, targetSchema, prepared.targetPath())) {
      ChangeSet changes = step(context, table, "read the changes (" + reader.mode() + ")", () -> guarded(reader, table, () -> reader.read(start)));
      BatchRun batch = new BatchRun(context, table, ledgers, target, reader.mode(), start, changes);
      if (!changes.moved()) {
        return step(context, table, "record a no-op batch", batch::unchanged);
      }
      if (changes.changes().isEmpty()) {
        return step(context, table, "record a no-op batch", batch::nothingToApply);
      }
      try (BatchChanges mapped = step(context, table, "map and check the changes", () -> guarded(reader, table,
          () -> BatchChanges.prepare(spark, table, Sources.mapping(context.config(), table), changes, current)))) {
        if (mapped.isEmpty()) {
          return step(context, table, "record a no-op batch", batch::nothingToApply);
        }
        step(context, table, "record batch " + batchId, batch::begin);
        ChangeApply.Batch apply = new ChangeApply.Batch(mapped.rows(), Changes.CHANGE, table.keys(), mapped.keyBounds(),
            mapped.deletes(), mapped.scope(), mapped.drift().added(), table.sync().apply());
        Optional<DeltaCommits.Commit> commit = step(context, table, "apply batch " + batchId + " (" + ChangeApply.method(apply) + ")",
            () -> ChangeApply.apply(spark, prepared.targetPath(), apply, new ChangeApply.Txn(SyncHistory.appId(table.name()), batchId)));
        return step(context, table, "finish batch " + batchId, () -> batch.applied(commit, mapped.drift()));
      }
    }
  }

  /**
   * The source's columns; none for parquet-files of a folder whose files are all gone (the batch
   * deletes every row). The folder is listed only when its schema cannot be read.
   */
  private static Optional<StructType> sourceSchema(JobContext context, TableConfig table) {
    try {
      return Optional.of(Sources.open(context.spark(), context.config(), table).schema());
    } catch (TrickleException e) {
      if (table.sync().mode() == SyncMode.PARQUET_FILES && listsNoFiles(context, table)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Whether the source folder lists with no data file (false when it cannot be listed at all). */
  private static boolean listsNoFiles(JobContext context, TableConfig table) {
    try {
      return ParquetListing.of(context.spark(), table.source().path().orElseThrow()).files().isEmpty();
    } catch (java.io.UncheckedIOException e) {
      return false;
    }
  }

  /** Keys masked to one value (redact, null) would merge every row into one. */
  private static void checkKeysNotMasked(TableConfig table) {
    for (String key : table.keys()) {
      MaskKind mask = table.columns().mask().get(key);
      if (mask == MaskKind.REDACT || mask == MaskKind.NULL) {
        throw TrickleException.badInput("Cannot sync table " + table.name() + ": key column " + key + " is masked with "
            + mask.name().toLowerCase(java.util.Locale.ROOT) + ", so every key would look the same. Mask keys with sha256, or not at all.");
      }
    }
  }

  /** Reading failures, including those Spark only raises when it runs the read, explained by the reader. */
  private static <T> T guarded(ChangeReader reader, TableConfig table, Supplier<T> body) {
    try {
      return body.get();
    } catch (Exception e) { // SparkException is checked in Java's eyes but thrown undeclared from Scala
      throw reader.failure(table.name(), e);
    }
  }

  /** A named step: its own Spark job description (and its duration in SparkSteps' DEBUG log). */
  private static <T> T step(JobContext context, TableConfig table, String what, Supplier<T> body) {
    return SparkSteps.step(context.spark(), "trickle-sync-" + table.name(), "sync " + table.name() + ": " + what, body);
  }

  private static void step(JobContext context, TableConfig table, String what, Runnable body) {
    step(context, table, what, () -> {
      body.run();
      return null;
    });
  }

  record Ledgers(SyncLedger batches, SourceFilesLedger files) {}

  /** The ledger side of one batch: its rows, its files and the line people read. */
  private record BatchRun(JobContext context, TableConfig table, Ledgers ledgers, DeltaCommits target, String mode,
      SyncStart start, ChangeSet changes) {

    TableResult unchanged() {
      long version = target.version();
      record(Status.NOOP, 0, 0, 0, version);
      return result(Status.NOOP, 0, 0, 0, version, "no-op, nothing changed at the source since " + describe(start));
    }

    TableResult nothingToApply() {
      begin();
      long version = target.version();
      ledgers.batches().finish(table.name(), start.batchId(), Status.NOOP, 0, 0, 0, version, note(null));
      return result(Status.NOOP, 0, 0, 0, version, "no-op, the source moved but no row changed");
    }

    /** The RUNNING row, then the batch's files: a crash after this leaves a row recovery settles. */
    void begin() {
      ledgers.batches().begin(batch(Status.RUNNING, 0, 0, 0, null, null));
      changes.files().ifPresent(files -> ledgers.files().record(table.name(), start.batchFilesId(), files));
    }

    TableResult applied(Optional<DeltaCommits.Commit> commit, dev.trickle.sync.SchemaDrift drift) {
      DeltaCommits.Commit c = commit.orElseGet(() -> new DeltaCommits.Commit(target.version(), 0, 0, 0));
      String schemaNote = drift.none() ? null : "schema: " + drift.describe();
      ledgers.batches().finish(table.name(), start.batchId(), Status.DONE, c.inserted(), c.updated(), c.deleted(),
          c.version(), note(schemaNote));
      return result(Status.DONE, c.inserted(), c.updated(), c.deleted(), c.version(),
          c.inserted() + " inserted, " + c.updated() + " updated, " + c.deleted() + " deleted"
              + (schemaNote == null ? "" : "; " + schemaNote));
    }

    private void record(Status status, long in, long up, long del, long version) {
      ledgers.batches().record(batch(status, in, up, del, version, Instant.now()));
    }

    private Batch batch(Status status, long in, long up, long del, Long version, Instant finished) {
      return new Batch(table.name(), start.batchId(), mode, start.position(), changes.to(), in, up, del, version,
          status, Instant.now(), finished, context.run().runId(), note(null));
    }

    private String note(String extra) {
      List<String> all = new java.util.ArrayList<>(changes.notes());
      if (extra != null) {
        all.add(extra);
      }
      return all.isEmpty() ? null : String.join("; ", all);
    }

    private TableResult result(Status status, long in, long up, long del, long version, String what) {
      String notes = note(null);
      String line = table.name() + ": batch " + start.batchId() + " (" + mode + ") " + what
          + " -> target version " + version + (notes == null ? "" : " [" + notes + "]");
      java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
      details.put("batch_id", start.batchId());
      details.put("mode", mode);
      details.put("status", status.name());
      details.put("rows_inserted", in);
      details.put("rows_updated", up);
      details.put("rows_deleted", del);
      details.put("target_version", version);
      details.put("from_position", start.position().values());
      details.put("to_position", changes.to().values());
      return TableResult.ok(table.name(), line, details);
    }

    private static String describe(SyncStart start) {
      return (start.afterLoad() ? "the load at " : "") + start.position().toJson();
    }
  }
}
