package dev.trickle.state;

import io.delta.tables.DeltaTable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaConcurrentModificationException;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One append-mostly Delta table of trickle's own state (a ledger or a recon table). Created on
 * first write; new columns of a later trickle version are merged into its schema. Writes retry on
 * Delta's concurrent-modification conflicts, which concurrent runs on other tables can cause, and
 * every {@value LedgerMaintenance#EVERY} versions the table is compacted and vacuumed
 * ({@link LedgerMaintenance}), so years of nightly runs do not leave it slow to read.
 */
public final class DeltaLedger {
  /**
   * How long a write is retried while it conflicts. An UPDATE conflicts with any commit a
   * concurrent writer made to the same (unpartitioned) table meanwhile, which tables run at once
   * (table-parallelism) do all the time: each round at least one writer commits, so n writers at
   * once need up to n attempts of about a second each. The backoff doubles, with random jitter so
   * the retries spread out.
   */
  private static final Duration RETRY_FOR = Duration.ofMinutes(2);
  private static final long MAX_BACKOFF_MILLIS = 2_000;
  private static final Logger LOG = LoggerFactory.getLogger(DeltaLedger.class);

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

  private <T> T retrying(Supplier<T> write) {
    long deadline = System.nanoTime() + RETRY_FOR.toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        return write.get();
      } catch (RuntimeException e) {
        if (!isConflict(e) || System.nanoTime() > deadline) {
          throw e;
        }
        LOG.debug("{}: a concurrent write conflicted (attempt {}): {}", path, attempt, e.getClass().getSimpleName());
        long backoff = Math.min(MAX_BACKOFF_MILLIS, 100L << (attempt - 1));
        sleep(backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
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
