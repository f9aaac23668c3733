package dev.trickle.recon;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Per partition and bucket of the key's hash: the row count and the wrapping sum of the row
 * hashes. Equal aggregates on both sides mean equal rows, whatever their order; a row added,
 * lost or changed changes its bucket's aggregates. Columns: {@link RowHashes#PARTITION},
 * {@link RowHashes#BUCKET}, {@code rows}, {@code hash}.
 */
public final class BucketAggregates {
  public static final String ROWS = "rows";
  public static final String HASH = "hash";

  private BucketAggregates() {}

  /**
   * The aggregates of rows with hash columns ({@link RowHashes#hashed}) in {@code buckets}
   * buckets, added up per task in arrays ({@link BucketTotals}). {@code partitioned} false: every
   * row's partition is {@link RowHashes#WHOLE_TABLE} (the plan counts no partitions).
   */
  public static Dataset<Row> of(Dataset<Row> hashed, int buckets, boolean partitioned) {
    return BucketTotals.of(hashed, buckets, partitioned);
  }

  /**
   * Source against target aggregates, one row per partition and bucket either side has:
   * {@code source_rows, source_hash, target_rows, target_hash, matches}. A bucket one side lacks
   * has 0 rows and hash 0 there.
   */
  public static Dataset<Row> compare(Dataset<Row> source, Dataset<Row> target, String... on) {
    Dataset<Row> s = side(source, on, "source");
    Dataset<Row> t = side(target, on, "target");
    Dataset<Row> joined = s.join(t, scala.jdk.javaapi.CollectionConverters.asScala(List.of(on)).toSeq(), "full_outer");
    Column sourceRows = coalesce(col("source_rows"), lit(0L));
    Column targetRows = coalesce(col("target_rows"), lit(0L));
    Column sourceHash = coalesce(col("source_hash"), lit(0L));
    Column targetHash = coalesce(col("target_hash"), lit(0L));
    List<Column> out = new ArrayList<>();
    for (String c : on) {
      out.add(col(c));
    }
    out.add(sourceRows.as("source_rows"));
    out.add(sourceHash.as("source_hash"));
    out.add(targetRows.as("target_rows"));
    out.add(targetHash.as("target_hash"));
    out.add(sourceRows.equalTo(targetRows).and(sourceHash.equalTo(targetHash)).as("matches"));
    return joined.select(out.toArray(Column[]::new));
  }

  private static Dataset<Row> side(Dataset<Row> aggregates, String[] on, String prefix) {
    List<Column> out = new ArrayList<>();
    for (String c : on) {
      out.add(aggregates.col(c));
    }
    out.add(aggregates.col(ROWS).as(prefix + "_rows"));
    out.add(aggregates.col(HASH).as(prefix + "_hash"));
    return aggregates.select(out.toArray(Column[]::new));
  }

  /** Buckets whose aggregates differ: {@link RowHashes#PARTITION}, {@link RowHashes#BUCKET}. */
  public static Dataset<Row> mismatched(Dataset<Row> source, Dataset<Row> target) {
    return compare(source, target, RowHashes.PARTITION, RowHashes.BUCKET)
        .where(col("matches").equalTo(false))
        .select(RowHashes.PARTITION, RowHashes.BUCKET);
  }
}
