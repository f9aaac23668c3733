package dev.trickle.jobs;

import static org.apache.spark.sql.functions.col;

import dev.trickle.Throwables;
import dev.trickle.config.SyncMode;
import dev.trickle.config.TableConfig;
import dev.trickle.config.TrickleConfig;
import dev.trickle.source.ParquetListing;
import dev.trickle.source.SourcePosition;
import dev.trickle.source.Sources;
import dev.trickle.state.DeltaLedger;
import dev.trickle.state.LoadLedger;
import dev.trickle.state.SourceFilesLedger;
import dev.trickle.state.SyncLedger;
import dev.trickle.state.SyncLedger.Batch;
import dev.trickle.state.TableLocks;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Where one table stands, read from the ledgers, the source and the lock folder, for
 * {@code status}. It writes nothing and never fails on one table's trouble: what cannot be known
 * says why.
 *
 * @param phase not loaded, loading, loaded, syncing
 * @param lag how far the source is ahead of the synced position, in the source's own terms
 */
public record TableStatus(
    String table,
    String mode,
    String phase,
    Optional<Row> lastLoad,
    Optional<Batch> lastBatch,
    Optional<SourcePosition> synced,
    String sourcePosition,
    String lag,
    String reconcile,
    String lock) {

  /** The table's status; {@code recon} is the recon_runs ledger (it may not exist). */
  public static TableStatus of(SparkSession spark, TrickleConfig config, TableConfig table, TableLocks locks) {
    SyncLedger batches = new SyncLedger(spark, config.stateDir());
    Optional<Row> load = new LoadLedger(spark, config.stateDir()).loads().read()
        .where(col("table_name").equalTo(table.name())).orderBy(col("started_at").desc()).limit(1)
        .collectAsList().stream().findFirst();
    Optional<Batch> batch = batches.latest(table.name());
    Optional<Batch> effective = batches.latestEffective(table.name());
    Optional<SourcePosition> synced = effective.map(Batch::to)
        .or(() -> load.filter(l -> "DONE".equals(l.getAs("status"))).map(l -> l.<String>getAs("source_position"))
            .filter(java.util.Objects::nonNull).map(SourcePosition::parse));
    String phase = load.isEmpty() ? "not loaded"
        : "RUNNING".equals(load.get().getAs("status")) ? "loading"
        : batch.isPresent() ? "syncing" : "loaded";
    SourceView source = sourceView(spark, config, table, synced, effective);
    return new TableStatus(table.name(), table.sync().mode().key(), phase, load, batch, synced, source.position(),
        source.lag(), reconcile(spark, config, table), locks.holder(table.name())
            .map(h -> "held by " + h.command() + " run " + h.runId() + " (" + h.user() + "@" + h.host() + ") since " + h.since())
            .orElse("free"));
  }

  private record SourceView(String position, String lag) {}

  /** The source's current position and the lag behind it; failures become text. */
  private static SourceView sourceView(SparkSession spark, TrickleConfig config, TableConfig table,
      Optional<SourcePosition> synced, Optional<Batch> effective) {
    try {
      if (table.sync().mode() == SyncMode.CDC) {
        return cdcView(spark, config, table, effective);
      }
      if (table.sync().mode() == SyncMode.DIFF) {
        return new SourceView("unknown", "unknown: diff keeps no source position (each batch compares the whole table)");
      }
      SourcePosition now;
      try (var snapshot = Sources.open(spark, config, table).snapshot()) {
        now = snapshot.position();
      }
      return new SourceView(now.with(SourcePosition.TAKEN_AT, null).toJson(), lag(now, synced));
    } catch (RuntimeException e) {
      return new SourceView("unknown", "unknown: " + Throwables.rootMessage(e));
    }
  }

  static String lag(SourcePosition now, Optional<SourcePosition> synced) {
    if (synced.isEmpty()) {
      return "not synced yet";
    }
    SourcePosition s = synced.get();
    String age = s.get(SourcePosition.TAKEN_AT).map(t -> ", synced position taken "
        + Duration.between(Instant.parse(t), Instant.now()).toMinutes() + " min ago").orElse("");
    if (now.getLong(SourcePosition.VERSION).isPresent()) {
      long behind = now.getLong(SourcePosition.VERSION).getAsLong() - s.getLong(SourcePosition.VERSION).orElse(-1L);
      return (behind == 0 ? "up to date" : behind + " version(s) behind") + age;
    }
    if (now.get(SourcePosition.SNAPSHOT_ID).isPresent()) {
      return (now.get(SourcePosition.SNAPSHOT_ID).equals(s.get(SourcePosition.SNAPSHOT_ID)) ? "up to date"
          : "behind: current snapshot " + now.get(SourcePosition.SNAPSHOT_ID).get() + ", synced "
              + s.get(SourcePosition.SNAPSHOT_ID).orElse("none")) + age;
    }
    if (now.get(SourcePosition.WATERMARK).isPresent()) {
      String source = now.get(SourcePosition.WATERMARK).get();
      return (s.get(SourcePosition.WATERMARK).equals(Optional.of(source)) ? "up to date"
          : "behind: watermark " + source + " at the source, " + s.get(SourcePosition.WATERMARK).orElse("none") + " synced") + age;
    }
    if (now.get(SourcePosition.LISTING).isPresent()) {
      return (now.get(SourcePosition.LISTING).equals(s.get(SourcePosition.LISTING)) ? "up to date"
          : "behind: the file listing changed (" + now.get(SourcePosition.FILES).orElse("?") + " file(s) now, "
              + s.get(SourcePosition.FILES).orElse("?") + " synced)") + age;
    }
    return "unknown" + age;
  }

  private static SourceView cdcView(SparkSession spark, TrickleConfig config, TableConfig table, Optional<Batch> effective) {
    List<Long> ids = new SyncLedger(spark, config.stateDir()).batches(table.name()).stream()
        .filter(b -> b.status().effective()).map(Batch::batchId).toList();
    Set<ParquetListing.File> processed = new HashSet<>(new SourceFilesLedger(spark, config.stateDir())
        .files(table.name(), ids.stream().map(SourceFilesLedger::forBatch).toList()));
    ParquetListing listing = ParquetListing.of(spark, table.sync().cdcPath().orElseThrow());
    long pending = listing.files().stream().filter(f -> !processed.contains(f)).count();
    String applied = effective.map(Batch::to).flatMap(p -> p.get("cdc_position")).orElse("none");
    return new SourceView(listing.files().size() + " event file(s)",
        (pending == 0 ? "up to date" : pending + " unprocessed event file(s)") + ", applied position " + applied);
  }

  /** The latest reconcile verdict, when reconcile has run. */
  private static String reconcile(SparkSession spark, TrickleConfig config, TableConfig table) {
    DeltaLedger runs = new DeltaLedger(spark, config.reconDir(), "recon_runs", new StructType());
    if (!runs.exists()) {
      return "never run";
    }
    return runs.read().where(col("table_name").equalTo(table.name())).orderBy(col("finished_at").desc_nulls_last()).limit(1)
        .collectAsList().stream().findFirst()
        .map(r -> r.getAs("verdict") + " at " + r.<Timestamp>getAs("finished_at"))
        .orElse("never run");
  }

  /** The JSON form for --json. */
  public Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("table", table);
    out.put("mode", mode);
    out.put("phase", phase);
    out.put("last_load", lastLoad.map(l -> Map.of("load_id", String.valueOf(l.<String>getAs("load_id")),
        "status", String.valueOf(l.<String>getAs("status")), "finished_at", String.valueOf(l.<Timestamp>getAs("finished_at")))).orElse(null));
    out.put("last_batch", lastBatch.map(TableStatus::batchJson).orElse(null));
    out.put("synced_position", synced.map(SourcePosition::values).orElse(null));
    out.put("source_position", sourcePosition);
    out.put("lag", lag);
    out.put("reconcile", reconcile);
    out.put("lock", lock);
    return out;
  }

  private static Map<String, Object> batchJson(Batch b) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("batch_id", b.batchId());
    out.put("mode", b.mode());
    out.put("status", b.status().name());
    out.put("rows_inserted", b.inserted());
    out.put("rows_updated", b.updated());
    out.put("rows_deleted", b.deleted());
    out.put("target_version", b.targetVersion());
    out.put("finished_at", b.finishedAt() == null ? null : b.finishedAt().toString());
    return out;
  }
}
