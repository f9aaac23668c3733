package dev.trickle.jobs;

import dev.trickle.TrickleException;
import dev.trickle.config.TableConfig;
import dev.trickle.spark.SparkSteps;
import dev.trickle.state.LoadLedger;
import dev.trickle.state.SyncLedger;
import dev.trickle.state.SyncLedger.Batch;
import dev.trickle.state.SyncLedger.Status;
import dev.trickle.sync.SyncHistory;
import dev.trickle.target.DeltaCommits;
import dev.trickle.target.DeltaTargets;
import io.delta.tables.DeltaTable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Restores a table's target to its state after batch N (Delta RESTORE to the version batch N
 * recorded) and makes the next sync start from batch N's source position, so the undone changes
 * are applied again. The ledger is written first (a RUNNING rollback row, later batches marked
 * ROLLED_BACK), then the target restored, then the row finished: a crash in between makes the
 * next sync ask for the rollback to be run again, and re-running it is safe.
 */
public final class RollbackJob implements TableJob<RollbackJob.Prepared> {
  private final long toBatch;

  public RollbackJob(long toBatch) {
    this.toBatch = toBatch;
  }

  /** The target's folder and the batch to return to. */
  public record Prepared(String targetPath, Batch batch) {}

  @Override
  public String command() {
    return "rollback";
  }

  @Override
  public boolean locksTable() {
    return true;
  }

  @Override
  public Prepared prepare(JobContext context, TableConfig table) {
    String path = DeltaTargets.location(context.spark(), table.target());
    SyncLedger ledger = new SyncLedger(context.spark(), context.config().stateDir());
    java.util.List<Batch> batches = ledger.batches(table.name());
    Optional<Batch> batch = batches.stream().filter(b -> b.batchId() == toBatch).findFirst();
    if (batch.isEmpty() || !batch.get().status().effective() || batch.get().targetVersion() == null) {
      throw TrickleException.badInput("Cannot roll back table " + table.name() + " to batch " + toBatch + ": "
          + batch.map(b -> "that batch is " + b.status()).orElse("there is no such batch")
          + ". Roll back to one of the batches in effect: "
          + batches.stream().filter(b -> b.status().effective()).map(Batch::batchId).toList() + ".");
    }
    if (!DeltaTargets.exists(context.spark(), path)) {
      throw TrickleException.badInput("Cannot roll back table " + table.name() + ": its target " + path + " is not a Delta table.");
    }
    return new Prepared(path, batch.get());
  }

  @Override
  public TableResult run(JobContext context, TableConfig table, Prepared prepared) {
    SyncLedger ledger = new SyncLedger(context.spark(), context.config().stateDir());
    DeltaCommits target = new DeltaCommits(context.spark(), prepared.targetPath());
    Batch to = prepared.batch();
    abandonInterruptedRollback(ledger, table);
    SyncHistory history = new SyncHistory(table.name(), ledger, new LoadLedger(context.spark(), context.config().stateDir()), target);
    step(context, table, "settle an interrupted batch", history::recover);
    long rollbackId = history.nextBatchId();
    Batch current = ledger.latestEffective(table.name()).orElse(to);
    step(context, table, "record the rollback", () -> {
      ledger.begin(new Batch(table.name(), rollbackId, SyncLedger.ROLLBACK_MODE, current.to(), to.to(), 0, 0, 0, null,
          Status.RUNNING, Instant.now(), null, context.run().runId(), "rollback to batch " + to.batchId()));
      ledger.markRolledBack(table.name(), to.batchId(), rollbackId);
    });
    long before = target.version();
    step(context, table, "restore the target to version " + to.targetVersion(),
        () -> DeltaTable.forPath(context.spark(), prepared.targetPath()).restoreToVersion(to.targetVersion()));
    long after = target.version();
    ledger.finish(table.name(), rollbackId, Status.DONE, 0, 0, 0, after,
        "rollback to batch " + to.batchId() + " (target version " + to.targetVersion() + " restored as version " + after + ")");
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("batch_id", rollbackId);
    details.put("to_batch", to.batchId());
    details.put("restored_version", to.targetVersion());
    details.put("target_version", after);
    details.put("next_sync_from", to.to() == null ? null : to.to().values());
    return TableResult.ok(table.name(), table.name() + ": rolled back to batch " + to.batchId() + " (target version "
        + to.targetVersion() + ", now version " + after + (after == before ? ", unchanged" : "")
        + "); the next sync starts from " + to.to(), details);
  }

  /** A rollback a crash interrupted is superseded by this one. */
  private static void abandonInterruptedRollback(SyncLedger ledger, TableConfig table) {
    ledger.latest(table.name()).filter(b -> b.isRollback() && b.status() == Status.RUNNING)
        .ifPresent(b -> ledger.setStatus(table.name(), b.batchId(), Status.FAILED, "interrupted; superseded by a later rollback"));
  }

  private static void step(JobContext context, TableConfig table, String what, Runnable body) {
    SparkSteps.step(context.spark(), "trickle-rollback-" + table.name(), "rollback " + table.name() + ": " + what, body);
  }
}
