package dev.trickle.sync;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.trickle.config.DeleteDetection;
import dev.trickle.config.SyncConfig;
import dev.trickle.config.TableConfig;
import dev.trickle.source.ColumnMapping;
import dev.trickle.source.JdbcSource;
import dev.trickle.source.SourcePosition;
import dev.trickle.source.WatermarkWindow;
import dev.trickle.source.SourceSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code sync.mode = watermark}: a JDBC table's rows whose watermark column is at or past the last
 * high-water mark minus {@code sync.lookback}, as upserts (re-read rows the target already holds
 * are dropped before the MERGE: {@link ChangeSet#rereads}). Deletes: {@code soft} turns rows
 * carrying the soft-delete value into deletes; {@code key-scan} compares the source's key set with
 * the target's every {@code key-scan-every} batches and deletes the keys only the target has (and
 * reads whole the rows only the source has that the window missed); {@code none} finds none.
 *
 * <p>Everything is read from one snapshot of the source (PostgreSQL: an exported REPEATABLE READ
 * snapshot, as the load reads), so the window, the key scan and the next high-water mark agree;
 * the snapshot is held until {@link #close}. The next mark is the snapshot's maximum of the
 * watermark column (never the clock), and never below the previous one.
 */
final class WatermarkChanges implements ChangeReader {
  private static final String RAW = "_trickle_raw_";

  private final SparkSession spark;
  private final JdbcSource source;
  private final TableConfig table;
  private final ColumnMapping mapping;
  private final String targetPath;
  private final HeldReads held = new HeldReads();

  WatermarkChanges(SparkSession spark, JdbcSource source, TableConfig table, ColumnMapping mapping, String targetPath) {
    this.spark = spark;
    this.source = source;
    this.table = table;
    this.mapping = mapping;
    this.targetPath = targetPath;
  }

  @Override
  public String mode() {
    return "watermark";
  }

  @Override
  public ChangeSet read(SyncStart start) {
    SyncConfig sync = table.sync();
    String column = table.columns().sourceName(sync.watermarkColumn().orElseThrow());
    WatermarkWindow.Kind kind = ChangeReaders.watermarkKind(table, source.schema());
    SourceSnapshot snapshot = held.hold(source.snapshot());
    Optional<String> from = start.position().get(SourcePosition.WATERMARK);
    String predicate = from.map(m -> WatermarkWindow.predicate(source.dialect(), source.dialect().quoteName(column), kind, m,
        sync.lookback())).orElse(source.dialect().all());
    Column change = lit(Changes.UPSERT);
    if (sync.deletes() == DeleteDetection.SOFT) {
      String soft = table.columns().sourceName(sync.softDeleteColumn().orElseThrow());
      change = when(col(Changes.quote(soft)).cast(DataTypes.StringType).eqNullSafe(lit(sync.softDeleteValue().orElseThrow())),
          lit(Changes.DELETE)).otherwise(lit(Changes.UPSERT));
    }
    Dataset<Row> window = snapshot.read(predicate);
    Dataset<Row> changes = window.withColumn(Changes.CHANGE, change);
    SourcePosition to = snapshot.position().with(SourcePosition.WATERMARK,
        WatermarkWindow.later(kind, from, snapshot.position().get(SourcePosition.WATERMARK)).orElse(null));
    List<String> notes = new ArrayList<>();
    notes.add(from.map(m -> "read rows with " + column + " >= " + m + " - " + sync.lookback())
        .orElse("the load recorded no watermark: read every row"));
    ChangeSet out;
    if (sync.deletes() == DeleteDetection.KEY_SCAN && start.batchId() % sync.keyScanEvery() == 0) {
      KeyScanFound found = keyScan(window);
      Dataset<Row> inWindow = changes;
      changes = found.missedRows().map(missed -> inWindow.unionByName(missed.withColumn(Changes.CHANGE, lit(Changes.UPSERT))))
          .orElse(changes);
      notes.add("key scan: " + found.deleted() + " key(s) gone at the source, " + found.missed()
          + " row(s) missing in the target outside the window");
      out = ChangeSet.of(changes, to).withTargetDeletes(found.deletes());
    } else {
      if (sync.deletes() == DeleteDetection.KEY_SCAN) {
        notes.add("no key scan in this batch (sync.key-scan-every = " + sync.keyScanEvery() + ")");
      }
      out = ChangeSet.of(changes, to);
    }
    for (String note : notes) {
      out = out.withNote(note);
    }
    return out.rereading();
  }

  private record KeyScanFound(Dataset<Row> deletes, long deleted, long missed, Optional<Dataset<Row>> missedRows) {}

  /**
   * The key scan: the source's keys (a narrow read, one query per key range of the load's plan)
   * against the target's; keys only the source has and the window did not read are read whole.
   */
  private KeyScanFound keyScan(Dataset<Row> window) {
    List<String> keys = table.keys();
    List<String> sourceKeys = keys.stream().map(table.columns()::sourceName).toList();
    List<Column> narrow = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      narrow.add(col(Changes.quote(sourceKeys.get(i))));
      narrow.add(col(Changes.quote(sourceKeys.get(i))).as(RAW + i)); // passes the mapping untouched
    }
    Dataset<Row> mappedKeys = mapping.apply(held.snapshot().read().select(narrow.toArray(Column[]::new)));
    Dataset<Row> targetKeys = spark.read().format("delta").load(targetPath).select(Changes.columns(keys));
    Dataset<Row> oneSided = held.keep(KeyScan.oneSided(mappedKeys, targetKeys, keys));
    long deleted = 0;
    long sourceOnly = 0;
    for (Row r : oneSided.groupBy(KeyScan.ONLY).count().collectAsList()) {
      if (r.getString(0).equals(KeyScan.TARGET_ONLY)) {
        deleted = r.getLong(1);
      } else {
        sourceOnly = r.getLong(1);
      }
    }
    Dataset<Row> deletes = oneSided.where(col(KeyScan.ONLY).equalTo(KeyScan.TARGET_ONLY)).select(Changes.columns(keys));
    if (sourceOnly == 0) {
      return new KeyScanFound(deletes, deleted, 0, Optional.empty());
    }
    // Keys only the source has are mostly the window's own inserts; the others the window missed.
    List<Column> raw = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      raw.add(col(RAW + i).as(sourceKeys.get(i)));
    }
    // Null-safe, as the key scan itself: a key with a NULL part is a key like any other.
    Dataset<Row> missedKeys = held.keep(oneSided.where(col(KeyScan.ONLY).equalTo(KeyScan.SOURCE_ONLY)).select(raw.toArray(Column[]::new))
        .as("m").join(window.select(Changes.columns(sourceKeys)).as("w"), sameKeys("m", "w", sourceKeys), "left_anti"));
    long missed = missedKeys.count();
    if (missed == 0) {
      return new KeyScanFound(deletes, deleted, 0, Optional.empty());
    }
    Dataset<Row> rows = held.snapshot().read().as("r").join(broadcast(missedKeys).as("m"), sameKeys("r", "m", sourceKeys),
        "left_semi");
    return new KeyScanFound(deletes, deleted, missed, Optional.of(rows));
  }

  /** Every key column of alias {@code a} null-safely equal to {@code b}'s. */
  private static Column sameKeys(String a, String b, List<String> keys) {
    Column out = lit(true);
    for (String k : keys) {
      out = out.and(col(a + "." + Changes.quote(k)).eqNullSafe(col(b + "." + Changes.quote(k))));
    }
    return out;
  }

  /** Ends the snapshot's transaction and drops what the key scan kept. */
  @Override
  public void close() {
    held.close();
  }
}
