package dev.trickle.spark;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.storage.StorageLevel;

/**
 * Intermediate results computed once and kept in the executors' block stores (memory, then local
 * disk) as rows, with their lineage cut, until {@link #close}. Cheaper than {@code persist} for
 * rows read back whole: Spark's columnar cache spent about twice as long building itself as the
 * scan that fed it (docs/BENCHMARKS.md), and every later plan over a persisted Dataset carries
 * (and re-optimises) the whole plan that made it.
 */
public final class LocalCopies implements AutoCloseable {
  private final List<RDD<?>> held = new CopyOnWriteArrayList<>(); // filled from concurrent steps

  /** {@code rows} computed now and kept; the returned Dataset reads the copy. */
  public Dataset<Row> of(Dataset<Row> rows) {
    Dataset<Row> copy = rows.localCheckpoint(true, StorageLevel.MEMORY_AND_DISK());
    // The copy's plan is the kept RDD itself; holding it lets close() free its blocks now
    // rather than whenever the context cleaner notices the Dataset is gone.
    if (copy.queryExecution().analyzed() instanceof LogicalRDD kept) {
      held.add(kept.rdd());
    }
    return copy;
  }

  /** How many copies are held (for tests). */
  int held() {
    return held.size();
  }

  @Override
  public void close() {
    held.forEach(rdd -> rdd.unpersist(false));
    held.clear();
  }
}
