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
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.spark.sql.Row;

/**
 * A table's sync history as the ledgers and the target's log tell it: which batch runs next,
 * where it starts, and what became of a batch a crash interrupted. The ledgers are read once
 * (batches are few: one a night), and again only after {@link #recover} changed one.
 */
public final class SyncHistory {
  private final String table;
  private final SyncLedger ledger;
  private final LoadLedger loads;
  private final DeltaCommits target;
  private List<Batch> batches;
  private Optional<LastLoad> lastLoad;

  public SyncHistory(String table, SyncLedger ledger, LoadLedger loads, DeltaCommits target) {
    this.table = table;
    this.ledger = ledger;
    this.loads = loads;
    this.target = target;
    this.batches = ledger.batches(table);
    this.lastLoad = lastLoad(loads, table);
  }

  /** Delta's application id of the table's sync commits. */
  public static String appId(String table) {
    return "trickle-" + table;
  }

  /** The table's latest DONE load: its id, source position, target version and finish. */
  private record LastLoad(String loadId, SourcePosition position, Long targetVersion, Instant finishedAt) {}

  /** What {@link #recover} did. */
  public enum Recovery { NOTHING, COMPLETED, ABANDONED }

  /**
   * Settles a batch left RUNNING by a crash: if a commit of the target carries its transaction, the
   * data landed and the row is completed from that commit; otherwise it is marked FAILED and its
   * changes are read again by the next batch.
   */
  public Recovery recover() {
    Optional<Batch> latest = latest();
    if (latest.isEmpty() || latest.get().status() != Status.RUNNING) {
      return Recovery.NOTHING;
    }
    Batch running = latest.get();
    if (running.isRollback()) {
      throw TrickleException.badInput("Cannot sync table " + table + ": its rollback (batch " + running.batchId()
          + ", run " + running.runId() + ") did not finish. Run trickle rollback for the same batch again, then sync.");
    }
    Optional<DeltaCommits.Commit> commit = target.find(appId(table), running.batchId(), searchFrom());
    Recovery outcome;
    if (commit.isEmpty()) {
      ledger.setStatus(table, running.batchId(), Status.FAILED,
          "interrupted before its data commit; the next batch reads its changes again");
      outcome = Recovery.ABANDONED;
    } else {
      DeltaCommits.Commit c = commit.get();
      ledger.finish(table, running.batchId(), Status.DONE, c.inserted(), c.updated(), c.deleted(), c.version(),
          "completed after an interruption: its data commit had landed");
      outcome = Recovery.COMPLETED;
    }
    batches = ledger.batches(table);
    return outcome;
  }

  /**
   * The next batch's id: above every id the ledger has seen, and above any transaction the target
   * committed since the last batch the ledger knows (its id must be new to Delta, or Delta would
   * skip the commit).
   */
  public long nextBatchId() {
    long ledgerMax = latest().map(Batch::batchId).orElse(0L);
    return Math.max(ledgerMax, target.transactionSince(appId(table), searchFrom()).orElse(0L)) + 1;
  }

  /**
   * Where the next batch starts: the latest effective batch, or the latest finished load when it is
   * newer (a reload); no load and no batch is bad input.
   */
  public SyncStart start(long batchId) {
    Optional<Batch> batch = latestEffective();
    List<Long> effective = batches.stream().filter(b -> b.status().effective()).map(Batch::batchId).toList();
    if (lastLoad.isPresent() && (batch.isEmpty() || lastLoad.get().finishedAt().isAfter(batch.get().finishedAt()))) {
      LastLoad load = lastLoad.get();
      if (load.position() == null) {
        throw TrickleException.badInput("Cannot sync table " + table + ": its load " + load.loadId()
            + " recorded no source position. Reload the table with trickle load.");
      }
      return new SyncStart(load.position(), SourceFilesLedger.forLoad(load.loadId()), true, batchId, effective,
          OptionalLong.empty());
    }
    if (batch.isEmpty()) {
      throw TrickleException.badInput("Cannot sync table " + table + ": it was never loaded. Run trickle load "
          + "for it first; sync then starts exactly where the load's snapshot was taken.");
    }
    SourcePosition position = batch.get().to();
    String filesAt = position.get(SyncStart.FILES_AT).orElse(SourceFilesLedger.forBatch(batch.get().batchId()));
    Batch previous = batch.get();
    return new SyncStart(position, filesAt, false, batchId, effective,
        OptionalLong.of(previous.inserted() + previous.updated() + previous.deleted()));
  }

  private Optional<Batch> latest() {
    return batches.stream().max(Comparator.comparingLong(Batch::batchId));
  }

  private Optional<Batch> latestEffective() {
    return batches.stream().filter(b -> b.status().effective()).max(Comparator.comparingLong(Batch::batchId));
  }

  /** The earliest target version a batch after the last known one can have committed at. */
  private long searchFrom() {
    return latestEffective().map(Batch::targetVersion)
        .or(() -> lastLoad.map(LastLoad::targetVersion))
        .filter(Objects::nonNull).orElse(0L);
  }

  private static Optional<LastLoad> lastLoad(LoadLedger loads, String table) {
    List<Row> rows = loads.loads().read()
        .where(col("table_name").equalTo(table).and(col("status").equalTo("DONE")))
        .orderBy(col("finished_at").desc()).limit(1)
        .select("load_id", "source_position", "target_version", "finished_at")
        .collectAsList();
    return rows.stream().findFirst().map(r -> new LastLoad(r.getString(0),
        r.isNullAt(1) ? null : SourcePosition.parse(r.getString(1)), r.isNullAt(2) ? null : r.getLong(2),
        r.isNullAt(3) ? Instant.EPOCH : r.<Timestamp>getAs(3).toInstant()));
  }
}
