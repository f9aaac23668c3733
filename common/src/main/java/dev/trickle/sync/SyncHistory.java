package dev.trickle.sync;

import static org.apache.spark.sql.functions.col;

import dev.trickle.TrickleException;
import dev.trickle.source.SourcePosition;
import dev.trickle.state.LoadLedger;
import dev.trickle.state.SourceFilesLedger;
import dev.trickle.state.SyncLedger;
import dev.trickle.state.SyncLedger.Batch;
import dev.trickle.state.SyncLedger.Status;
import dev.trickle.target.DeltaCommits;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A table's sync history as the ledgers and the target's log tell it: which batch runs next,
 * where it starts, and what became of a batch a crash interrupted.
 */
public final class SyncHistory {
  private final String table;
  private final SyncLedger batches;
  private final LoadLedger loads;
  private final DeltaCommits target;

  public SyncHistory(String table, SyncLedger batches, LoadLedger loads, DeltaCommits target) {
    this.table = table;
    this.batches = batches;
    this.target = target;
    this.loads = loads;
  }

  /** Delta's application id of the table's sync commits. */
  public static String appId(String table) {
    return "trickle-" + table;
  }

  /** What {@link #recover} did. */
  public enum Recovery { NOTHING, COMPLETED, ABANDONED }

  /**
   * Settles a batch left RUNNING by a crash: if the target's log holds its transaction, the data
   * landed and the row is completed from the commit; otherwise it is marked FAILED and its changes
   * are read again by the next batch.
   */
  public Recovery recover() {
    Optional<Batch> latest = batches.latest(table);
    if (latest.isEmpty() || latest.get().status() != Status.RUNNING) {
      return Recovery.NOTHING;
    }
    Batch running = latest.get();
    if (running.isRollback()) {
      throw TrickleException.badInput("Cannot sync table " + table + ": its rollback (batch " + running.batchId()
          + ", run " + running.runId() + ") did not finish. Run trickle rollback for the same batch again, then sync.");
    }
    long committed = target.transactionVersion(appId(table)).orElse(-1L);
    if (committed < running.batchId()) {
      batches.setStatus(table, running.batchId(), Status.FAILED,
          "interrupted before its data commit; the next batch reads its changes again");
      return Recovery.ABANDONED;
    }
    DeltaCommits.Commit commit = target.find(appId(table), running.batchId(), searchFrom()).orElseThrow(() ->
        TrickleException.runFailed("Cannot complete batch " + running.batchId() + " of table " + table
            + ": the target's log records its transaction but no commit carrying it was found. Check the target's history.", null));
    batches.finish(table, running.batchId(), Status.DONE, commit.inserted(), commit.updated(), commit.deleted(),
        commit.version(), "completed after an interruption: its data commit had landed");
    return Recovery.COMPLETED;
  }

  /** The next batch's id: above every id the ledger or the target's log has seen. */
  public long nextBatchId() {
    return Math.max(batches.maxBatchId(table), target.transactionVersion(appId(table)).orElse(0L)) + 1;
  }

  /**
   * Where the next batch starts: the latest effective batch, or the latest finished load when it is
   * newer (a reload); no load and no batch is bad input.
   */
  public SyncStart start(long batchId) {
    Optional<Batch> batch = batches.latestEffective(table);
    Optional<LoadLedger.Load> load = loads.latestDone(table);
    List<Long> effective = batches.batches(table).stream().filter(b -> b.status().effective()).map(Batch::batchId).toList();
    if (load.isPresent() && (batch.isEmpty() || loadFinished(load.get()).isAfter(batch.get().finishedAt()))) {
      SourcePosition position = load.get().position();
      if (position == null) {
        throw TrickleException.badInput("Cannot sync table " + table + ": its load " + load.get().loadId()
            + " recorded no source position. Reload the table with trickle load.");
      }
      return new SyncStart(position, SourceFilesLedger.forLoad(load.get().loadId()), true, batchId, effective);
    }
    if (batch.isEmpty()) {
      throw TrickleException.badInput("Cannot sync table " + table + ": it was never loaded. Run trickle load "
          + "for it first; sync then starts exactly where the load's snapshot was taken.");
    }
    SourcePosition position = batch.get().to();
    String filesAt = position.get(SyncStart.FILES_AT).orElse(SourceFilesLedger.forBatch(batch.get().batchId()));
    return new SyncStart(position, filesAt, false, batchId, effective);
  }

  private Instant loadFinished(LoadLedger.Load load) {
    return loads.loads().read().where(col("table_name").equalTo(table).and(col("load_id").equalTo(load.loadId())))
        .select("finished_at").collectAsList().stream()
        .map(r -> r.<Timestamp>getAs(0)).filter(java.util.Objects::nonNull)
        .map(Timestamp::toInstant).findFirst().orElse(Instant.EPOCH);
  }

  /** The earliest target version the interrupted batch's commit can have. */
  private long searchFrom() {
    return batches.latestEffective(table).map(Batch::targetVersion)
        .or(() -> loads.latestDone(table).map(LoadLedger.Load::targetVersion))
        .filter(java.util.Objects::nonNull).orElse(0L);
  }
}
