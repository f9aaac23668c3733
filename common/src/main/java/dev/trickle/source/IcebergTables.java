package dev.trickle.source;

import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.SparkSession;

/** Iceberg's table API for what Spark's reader does not expose: snapshots and their history. */
public final class IcebergTables {
  private IcebergTables() {}

  /** How Spark names a table's Iceberg source: {@code <source>.<db.table>} in its catalog, or its folder path. */
  public static String nameOf(dev.trickle.config.SourceConfig source, dev.trickle.config.SourceRef ref) {
    return ref.table().map(t -> source.name() + "." + t).orElseGet(() -> ref.path().orElseThrow());
  }

  /** Loads a table by catalog name ("cat.db.t") or by folder path. */
  public static Table load(SparkSession spark, String nameOrPath) {
    if (nameOrPath.contains("/")) {
      return new HadoopTables(spark.sessionState().newHadoopConf()).load(nameOrPath);
    }
    try {
      return Spark3Util.loadIcebergTable(spark, nameOrPath);
    } catch (Exception e) { // ParseException and NoSuchTableException are checked in Java's eyes
      throw new IllegalArgumentException("Cannot load Iceberg table " + nameOrPath + ": " + e.getMessage(), e);
    }
  }

  /** The current snapshot id, or null for a table with no snapshot yet. */
  public static Long currentSnapshotId(SparkSession spark, String nameOrPath) {
    Snapshot current = load(spark, nameOrPath).currentSnapshot();
    return current == null ? null : current.snapshotId();
  }
}
