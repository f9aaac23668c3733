package dev.trickle.recon;

import java.util.Map;
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

  /** Column profiles ({@link ColumnProfiles#compute}). */
  Map<String, Map<String, Object>> profiles();

  /** Key figures ({@link KeyDistribution#compute}). */
  KeyDistribution.Stats keys();
}
