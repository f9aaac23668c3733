package dev.trickle.recon;

import static org.apache.spark.sql.functions.col;

import dev.trickle.source.SourcePosition;
import dev.trickle.state.DeltaLedger;
import dev.trickle.state.LoadLedger;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The source position a table's target was last brought to: the latest committed sync batch's
 * {@code to_position}, or the latest finished load's {@code source_position}, whichever finished
 * last. A batch or load that wrote a target version after the one reconcile reads is passed over,
 * so a sync committing meanwhile cannot make the sides disagree.
 *
 * @param position where the source stood, if the table was ever loaded or synced
 * @param origin which ledger row it comes from ({@code sync_batch:7}, {@code load:<id>}, {@code none})
 */
public record AsOf(Optional<SourcePosition> position, String origin) {
  static final String SYNC_BATCHES = "sync_batches";
  /** Batch statuses whose position counts (the sync ledger's DONE and NOOP). */
  static final List<String> COMMITTED = List.of("DONE", "NOOP");

  public static AsOf none() {
    return new AsOf(Optional.empty(), "none");
  }

  /**
   * @param targetVersion the target version being compared; empty to take the latest position
   */
  public static AsOf latest(SparkSession spark, String stateDir, String table, Optional<Long> targetVersion) {
    Optional<Candidate> batch = latestBatch(spark, stateDir, table, targetVersion);
    Optional<Candidate> load = new LoadLedger(spark, stateDir).latestDone(table)
        .filter(l -> l.position() != null)
        .filter(l -> targetVersion.isEmpty() || l.targetVersion() == null || l.targetVersion() <= targetVersion.get())
        .map(l -> new Candidate(l.position(), "load:" + l.loadId(), l.finishedAt()));
    Optional<Candidate> latest = batch.isEmpty() ? load : load.isEmpty() ? batch
        : Optional.of(batch.get().finished().isBefore(load.get().finished()) ? load.get() : batch.get());
    return latest.map(c -> new AsOf(Optional.of(c.position()), c.origin())).orElseGet(AsOf::none);
  }

  private record Candidate(SourcePosition position, String origin, Instant finished) {}

  private static Optional<Candidate> latestBatch(SparkSession spark, String stateDir, String table, Optional<Long> targetVersion) {
    DeltaLedger ledger = new DeltaLedger(spark, stateDir, SYNC_BATCHES, new StructType());
    if (!ledger.exists()) {
      return Optional.empty();
    }
    var rows = ledger.read().where(col("table_name").equalTo(table)
        .and(col("status").isin(COMMITTED.toArray())).and(col("to_position").isNotNull()));
    if (targetVersion.isPresent()) {
      rows = rows.where(col("target_version").isNull().or(col("target_version").leq(targetVersion.get())));
    }
    List<Row> latest = rows.orderBy(col("batch_id").desc()).limit(1)
        .select("batch_id", "to_position", "finished_at").collectAsList();
    return latest.stream().findFirst().map(r -> new Candidate(SourcePosition.parse(r.getString(1)),
        "sync_batch:" + r.getLong(0), r.isNullAt(2) ? Instant.EPOCH : r.getTimestamp(2).toInstant()));
  }

  /**
   * What {@code recon_runs.as_of} stores: the position's own keys plus {@code as_of_from} (the
   * ledger row), {@code as_of_mode} (how it was applied: {@code snapshot}, {@code watermark},
   * {@code listing} or {@code current}) and a {@code as_of_note} when something is worth saying.
   */
  public String json(String mode, Optional<String> note) {
    SourcePosition p = position.orElse(SourcePosition.of("unknown").with(SourcePosition.KIND, null));
    p = p.with("as_of_from", origin).with("as_of_mode", mode);
    if (note.isPresent()) {
      p = p.with("as_of_note", note.get());
    }
    return p.toJson();
  }
}
