package dev.trickle.recon;

import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What one table's reconciliation found, as the recon tables store it.
 *
 * @param asOf JSON: the source position compared against, and how it was applied
 * @param skippedRows source rows left out because they changed after the as-of position
 * @param buckets hash buckets used
 * @param mismatchedBuckets partitions and buckets whose aggregates differed
 * @param differences every differing row (lazy; persisted while the report is written), or null
 * @param reasons why the verdict is MISMATCH (empty on MATCH)
 * @param error what went wrong (verdict ERROR only)
 */
public record ReconReport(
    String table,
    String runId,
    Instant startedAt,
    Instant finishedAt,
    Verdict verdict,
    long sourceRows,
    long targetRows,
    long missingRows,
    long extraRows,
    long changedRows,
    long skippedRows,
    String asOf,
    int buckets,
    long mismatchedBuckets,
    String source,
    String target,
    List<PartitionResult> partitions,
    List<Metric> keyMetrics,
    List<Metric> columnMetrics,
    Dataset<Row> differences,
    List<String> reasons,
    String error) {

  public ReconReport {
    partitions = List.copyOf(partitions);
    keyMetrics = List.copyOf(keyMetrics);
    columnMetrics = List.copyOf(columnMetrics);
    reasons = List.copyOf(reasons);
  }

  /** Rows that differ: missing, extra and changed. */
  public long differingRows() {
    return missingRows + extraRows + changedRows;
  }

  /** A report for a table whose sides could not be read. */
  public static ReconReport error(String table, String runId, Instant startedAt, String asOf, String source, String target,
      String error) {
    return new ReconReport(table, runId, startedAt, Instant.now(), Verdict.ERROR, 0, 0, 0, 0, 0, 0, asOf, 0, 0, source,
        target, List.of(), List.of(), List.of(), null, List.of(error), error);
  }

  /**
   * One partition's counts and hashes (hashes as 16 hex digits; 0 without the hash check).
   */
  public record PartitionResult(String partition, long sourceRows, long targetRows, long sourceHash, long targetHash,
      Verdict verdict) {
    public static String hex(long hash) {
      return String.format("%016x", hash);
    }
  }
}
