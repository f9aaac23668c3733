package dev.trickle.state;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.trickle.source.SourcePosition;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code sync_batches} ledger: a row per batch of a table. A batch is written RUNNING with its
 * positions before its data commit and completed after it, so a crash in between is recognisable
 * (the target's Delta transaction id tells whether the data landed). Statuses: RUNNING, DONE, NOOP
 * (nothing to apply; the position may still move), FAILED (abandoned before its data commit),
 * ROLLED_BACK (undone by a rollback). A rollback is itself a row with mode {@code rollback}, whose
 * {@code to_position} is where the next batch starts.
 */
public final class SyncLedger {
  public static final String TABLE = "sync_batches";
  public static final String ROLLBACK_MODE = "rollback";

  public static final StructType SCHEMA = new StructType()
      .add("table_name", DataTypes.StringType, false)
      .add("batch_id", DataTypes.LongType, false)
      .add("mode", DataTypes.StringType, false)
      .add("from_position", DataTypes.StringType, true) // SourcePosition JSON
      .add("to_position", DataTypes.StringType, true)
      .add("rows_inserted", DataTypes.LongType, true)
      .add("rows_updated", DataTypes.LongType, true)
      .add("rows_deleted", DataTypes.LongType, true)
      .add("target_version", DataTypes.LongType, true)
      .add("status", DataTypes.StringType, false)
      .add("started_at", DataTypes.TimestampType, false)
      .add("finished_at", DataTypes.TimestampType, true)
      .add("run_id", DataTypes.StringType, true)
      .add("note", DataTypes.StringType, true);

  /** Batch statuses. */
  public enum Status {
    RUNNING, DONE, NOOP, FAILED, ROLLED_BACK;

    /** Whether the batch's position counts: the next batch starts after the latest such row. */
    public boolean effective() {
      return this == DONE || this == NOOP;
    }
  }

  /** One row of the ledger. */
  public record Batch(
      String table,
      long batchId,
      String mode,
      SourcePosition from,
      SourcePosition to,
      long inserted,
      long updated,
      long deleted,
      Long targetVersion,
      Status status,
      Instant startedAt,
      Instant finishedAt,
      String runId,
      String note) {

    public boolean isRollback() {
      return ROLLBACK_MODE.equals(mode);
    }
  }

  private final DeltaLedger ledger;

  public SyncLedger(SparkSession spark, String stateDir) {
    this.ledger = new DeltaLedger(spark, stateDir, TABLE, SCHEMA);
  }

  public DeltaLedger ledger() {
    return ledger;
  }

  /** Every batch of a table, oldest first (a table has a few thousand at most). */
  public List<Batch> batches(String table) {
    return ledger.read().where(col("table_name").equalTo(table)).orderBy(col("batch_id"))
        .collectAsList().stream().map(SyncLedger::toBatch).toList();
  }

  /** The table's batch with this id. */
  public Optional<Batch> batch(String table, long batchId) {
    return ledger.read().where(col("table_name").equalTo(table).and(col("batch_id").equalTo(batchId)))
        .collectAsList().stream().map(SyncLedger::toBatch).findFirst();
  }

  /** The table's batch with the highest id, whatever its status. */
  public Optional<Batch> latest(String table) {
    return ledger.read().where(col("table_name").equalTo(table)).orderBy(col("batch_id").desc()).limit(1)
        .collectAsList().stream().map(SyncLedger::toBatch).findFirst();
  }

  /** The latest row whose position counts (DONE or NOOP, a finished rollback included). */
  public Optional<Batch> latestEffective(String table) {
    return ledger.read()
        .where(col("table_name").equalTo(table).and(col("status").isin(Status.DONE.name(), Status.NOOP.name())))
        .orderBy(col("batch_id").desc()).limit(1)
        .collectAsList().stream().map(SyncLedger::toBatch).findFirst();
  }

  /** Records a batch about to commit its data (status RUNNING). */
  public void begin(Batch batch) {
    ledger.append(List.of(toRow(batch)));
  }

  /** Records a finished batch in one append (NOOP batches are never RUNNING). */
  public void record(Batch batch) {
    ledger.append(List.of(toRow(batch)));
  }

  /** Completes a RUNNING batch. */
  public void finish(String table, long batchId, Status status, long inserted, long updated, long deleted,
      Long targetVersion, String note) {
    Map<String, Column> set = new LinkedHashMap<>();
    set.put("status", lit(status.name()));
    set.put("rows_inserted", lit(inserted));
    set.put("rows_updated", lit(updated));
    set.put("rows_deleted", lit(deleted));
    set.put("target_version", targetVersion == null ? lit(null).cast(DataTypes.LongType) : lit(targetVersion));
    set.put("finished_at", lit(Timestamp.from(Instant.now())));
    set.put("note", note == null ? lit(null).cast(DataTypes.StringType) : lit(note));
    ledger.update(match(table, batchId), set);
  }

  /** Sets the status of a batch, e.g. FAILED for an abandoned one. */
  public void setStatus(String table, long batchId, Status status, String note) {
    Map<String, Column> set = new LinkedHashMap<>();
    set.put("status", lit(status.name()));
    set.put("finished_at", lit(Timestamp.from(Instant.now())));
    if (note != null) {
      set.put("note", lit(note));
    }
    ledger.update(match(table, batchId), set);
  }

  /** Marks the table's effective batches after {@code batchId} as rolled back. */
  public void markRolledBack(String table, long afterBatchId, long rollbackBatchId) {
    ledger.update(col("table_name").equalTo(table).and(col("batch_id").gt(afterBatchId))
            .and(col("batch_id").lt(rollbackBatchId))
            .and(col("status").isin(Status.DONE.name(), Status.NOOP.name())),
        Map.of("status", lit(Status.ROLLED_BACK.name()),
            "note", lit("rolled back by batch " + rollbackBatchId)));
  }

  private static Column match(String table, long batchId) {
    return col("table_name").equalTo(table).and(col("batch_id").equalTo(batchId));
  }

  private static Row toRow(Batch b) {
    return RowFactory.create(b.table(), b.batchId(), b.mode(),
        b.from() == null ? null : b.from().toJson(), b.to() == null ? null : b.to().toJson(),
        b.inserted(), b.updated(), b.deleted(), b.targetVersion(), b.status().name(),
        Timestamp.from(b.startedAt()), b.finishedAt() == null ? null : Timestamp.from(b.finishedAt()),
        b.runId(), b.note());
  }

  private static Batch toBatch(Row r) {
    String from = r.getAs("from_position");
    String to = r.getAs("to_position");
    Timestamp finished = r.getAs("finished_at");
    return new Batch(r.getAs("table_name"), r.<Long>getAs("batch_id"), r.getAs("mode"),
        from == null ? null : SourcePosition.parse(from), to == null ? null : SourcePosition.parse(to),
        orZero(r.getAs("rows_inserted")), orZero(r.getAs("rows_updated")), orZero(r.getAs("rows_deleted")),
        r.getAs("target_version"), Status.valueOf(r.getAs("status")),
        r.<Timestamp>getAs("started_at").toInstant(), finished == null ? null : finished.toInstant(),
        r.getAs("run_id"), r.getAs("note"));
  }

  private static long orZero(Long value) {
    return value == null ? 0L : value;
  }
}
