package dev.trickle.sync;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.trickle.TrickleException;
import dev.trickle.source.IcebergTables;
import dev.trickle.source.SourcePosition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code iceberg-snapshots}: every snapshot from the synced one to the current one, appends,
 * overwrites and deletes alike (Iceberg's own incremental read returns appends only and skips the
 * rest silently). Copy-on-write snapshots are read through Iceberg's changelog scan, whose rows say
 * INSERT or DELETE per snapshot; a rewritten file's untouched rows cancel out as carry-overs and
 * the newest image per key wins. The changelog scan cannot read merge-on-read delete files: a range
 * with those recomputes the partitions its files touched (the whole table when they are not plain
 * identity partitions), so deletes land there too. Replace snapshots (compaction) change no rows.
 */
final class IcebergSnapshotChanges implements ChangeReader {
  private static final String CHANGE_TYPE = "_change_type";
  private static final String ORDINAL = "_change_ordinal";
  private static final String SNAPSHOT = "_commit_snapshot_id";

  private final SparkSession spark;
  private final String name;
  private final List<String> keys;
  private final Set<String> excluded;

  /**
   * @param name catalog.db.table or a folder path
   * @param keys key columns, source names
   * @param excluded source columns the table excludes (a partition on one cannot scope a recompute)
   */
  IcebergSnapshotChanges(SparkSession spark, String name, List<String> keys, Set<String> excluded) {
    this.spark = spark;
    this.name = name;
    this.keys = List.copyOf(keys);
    this.excluded = Set.copyOf(excluded);
  }

  @Override
  public String mode() {
    return "iceberg-snapshots";
  }

  @Override
  public ChangeSet read(SyncStart start) {
    Table table = IcebergTables.load(spark, name);
    table.refresh();
    OptionalLong from = start.position().getLong(SourcePosition.SNAPSHOT_ID);
    Snapshot current = table.currentSnapshot();
    if (current == null || (from.isPresent() && from.getAsLong() == current.snapshotId())) {
      return ChangeSet.unchanged(start.position());
    }
    List<Snapshot> range = snapshotsSince(table, from, current);
    SourcePosition to = SourcePosition.of("iceberg").with(SourcePosition.SNAPSHOT_ID, current.snapshotId())
        .with(SourcePosition.TAKEN_AT, Instant.now());
    List<Snapshot> changing = range.stream().filter(s -> !DataOperations.REPLACE.equals(s.operation())).toList();
    if (changing.isEmpty()) {
      return ChangeSet.nothingToApply(to).withNote("only compaction (replace) snapshots since the last batch");
    }
    if (changing.stream().anyMatch(s -> !s.deleteManifests(table.io()).isEmpty())) {
      Recompute scope = IcebergTouchedPartitions.of(table, changing, excluded);
      Dataset<Row> rows = snapshotRead(current).load(name);
      Dataset<Row> upserts = IcebergTouchedPartitions.filter(rows, scope).withColumn(Changes.CHANGE, lit(Changes.UPSERT));
      return ChangeSet.of(upserts, to).withRecompute(scope)
          .withNote("merge-on-read delete files: recomputed " + scope.describe());
    }
    DataFrameReader changelog = spark.read().format("iceberg").option("end-snapshot-id", current.snapshotId());
    if (from.isPresent()) {
      changelog = changelog.option("start-snapshot-id", from.getAsLong());
    }
    Dataset<Row> images = changelog.load(changesTable())
        .withColumn(Changes.CHANGE, when(col(CHANGE_TYPE).isin("INSERT", "UPDATE_AFTER"), lit(Changes.UPSERT))
            .otherwise(lit(Changes.DELETE)))
        .drop(CHANGE_TYPE, SNAPSHOT);
    return ChangeSet.of(Changes.net(images, keys, ORDINAL), to);
  }

  /** The snapshots after {@code from} up to {@code current}, oldest first; from must be an ancestor. */
  private List<Snapshot> snapshotsSince(Table table, OptionalLong from, Snapshot current) {
    if (from.isPresent() && !SnapshotUtil.isAncestorOf(table, current.snapshotId(), from.getAsLong())) {
      throw TrickleException.badInput("Cannot sync from Iceberg table " + name + ": the synced snapshot "
          + from.getAsLong() + " is no longer an ancestor of the current snapshot " + current.snapshotId()
          + " (the table was rolled back, or the snapshot expired). Reload the table with trickle load.");
    }
    List<Snapshot> out = new ArrayList<>();
    for (Snapshot s : SnapshotUtil.ancestorsBetween(table, current.snapshotId(), from.isPresent() ? from.getAsLong() : null)) {
      out.add(0, s);
    }
    return out;
  }

  private DataFrameReader snapshotRead(Snapshot snapshot) {
    return spark.read().format("iceberg").option("versionAsOf", snapshot.snapshotId());
  }

  /** Iceberg's changelog table: name.changes for a catalog table, path#changes for a folder. */
  private String changesTable() {
    return name.contains("/") ? name + "#changes" : name + ".changes";
  }
}
