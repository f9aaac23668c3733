package dev.trickle.recon;

import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a reconciliation needs from one side. {@link SparkSide} computes it with Spark from the
 * side's rows; a database side ({@code dev.trickle.recon.pushdown.PostgresSide}) computes the
 * aggregates inside the database so that only they cross the network.
 */
public interface SideStatistics {
  /** What this side reads, for messages ("legacy:public.orders", a Delta path). */
  String describe();

  /**
   * Per partition and bucket: {@link RowHashes#PARTITION}, {@link RowHashes#BUCKET},
   * {@link BucketAggregates#ROWS}, {@link BucketAggregates#HASH}. Without hashes, one bucket per
   * partition and hash 0 (counts only).
   */
  Dataset<Row> bucketAggregates(int buckets, boolean withHashes);

  /**
   * The side's rows in the given partitions and buckets (every row when null), hashed and with
   * JSON ({@link RowHashes#hashed}).
   */
  Dataset<Row> rowsIn(Dataset<Row> partitionBuckets, int buckets);

  /**
   * For a side Spark reads: its narrow rows ({@link HashDiff#narrow}), from which the reconciler
   * computes the aggregates and keeps them, so a drill-down never reads the side again. Empty for a
   * side whose aggregates are computed elsewhere (pushdown); its drill-down uses {@link #rowsIn}.
   */
  default Optional<Dataset<Row>> narrow(int buckets) {
    return Optional.empty();
  }

  /**
   * The whole rows (hashed, with JSON, as {@link #rowsIn} gives them) of the canonical keys in
   * {@code keys}. Called only for a side whose {@link #narrow} is present.
   */
  default Dataset<Row> rowsWithKeys(Dataset<Row> keys, int buckets) {
    throw new UnsupportedOperationException(describe() + " has no narrow rows; use rowsIn");
  }

  /** Column profiles ({@link ColumnProfiles#compute}). */
  Map<String, Map<String, Object>> profiles();

  /** Key figures ({@link KeyDistribution#compute}). */
  KeyDistribution.Stats keys();
}
