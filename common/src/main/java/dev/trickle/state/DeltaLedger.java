package dev.trickle.state;

import io.delta.tables.DeltaTable;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaConcurrentModificationException;
import org.apache.spark.sql.types.StructType;

/**
 * One append-mostly Delta table of trickle's own state (a ledger or a recon table). Created on
 * first write; new columns of a later trickle version are merged into its schema. Writes retry on
 * Delta's concurrent-modification conflicts, which concurrent runs on other tables can cause, and
 * every {@value LedgerMaintenance#EVERY} versions the table is compacted and vacuumed
 * ({@link LedgerMaintenance}), so years of nightly runs do not leave it slow to read.
 */
public final class DeltaLedger {
  private static final int ATTEMPTS = 5;

  private final SparkSession spark;
  private final String path;
  private final StructType schema;
  private final long maintainEvery;

  public DeltaLedger(SparkSession spark, String dir, String name, StructType schema) {
    this(spark, dir, name, schema, LedgerMaintenance.EVERY);
  }

  /** @param maintainEvery Delta versions between two compactions of the table; 0 for none */
  DeltaLedger(SparkSession spark, String dir, String name, StructType schema, long maintainEvery) {
    this.spark = spark;
    this.path = dir.replaceAll("/+$", "") + "/" + name;
    this.schema = schema;
    this.maintainEvery = maintainEvery;
  }

  public String path() {
    return path;
  }

  public StructType schema() {
    return schema;
  }

  public boolean exists() {
    return DeltaTable.isDeltaTable(spark, path);
  }

  /** The table's rows, or no rows (with the ledger's schema) when nothing was written yet. */
  public Dataset<Row> read() {
    if (!exists()) {
      return spark.createDataFrame(List.of(), schema);
    }
    return spark.read().format("delta").load(path);
  }

  public void append(List<Row> rows) {
    append(spark.createDataFrame(rows, schema));
  }

  public void append(Dataset<Row> rows) {
    retrying(() -> {
      rows.write().format("delta").mode("append").option("mergeSchema", "true").save(path);
      return null;
    });
    LedgerMaintenance.afterWrite(spark, path, maintainEvery);
  }

  /** Sets columns on the rows matching {@code condition}. */
  public void update(Column condition, Map<String, Column> set) {
    retrying(() -> {
      DeltaTable.forPath(spark, path).update(condition, set);
      return null;
    });
    LedgerMaintenance.afterWrite(spark, path, maintainEvery);
  }

  /**
   * Compacts the table's small files and vacuums it now (writes do it every
   * {@value LedgerMaintenance#EVERY} versions); a failure is thrown, not logged.
   */
  public void maintain() {
    LedgerMaintenance.maintain(spark, path);
  }

  private static <T> T retrying(Supplier<T> write) {
    for (int attempt = 1; ; attempt++) {
      try {
        return write.get();
      } catch (RuntimeException e) {
        if (attempt >= ATTEMPTS || !isConflict(e)) {
          throw e;
        }
        sleep(100L * attempt);
      }
    }
  }

  private static boolean isConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DeltaConcurrentModificationException
          || t.getClass().getSimpleName().startsWith("Concurrent")
          || t.getClass().getSimpleName().contains("ProtocolChanged")
          || t.getClass().getSimpleName().contains("MetadataChanged")) {
        return true;
      }
    }
    return false;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while retrying a ledger write", e);
    }
  }
}
