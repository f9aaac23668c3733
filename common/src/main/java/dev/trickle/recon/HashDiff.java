package dev.trickle.recon;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Finds the rows that differ between two Datasets by bucketed hashes, reading whole rows only in
 * the buckets whose aggregates differ. The public entry point for anyone who needs differing keys
 * (reconcile, and sync's {@code diff} mode): give it the source already mapped to target column
 * names and the target; get back the differing rows classified MISSING_IN_TARGET,
 * EXTRA_IN_TARGET or CHANGED with the changed columns ({@link Differences} describes the columns).
 *
 * <p>Cost: one pass over each side for the aggregates, and one more that keeps only the rows of
 * mismatched buckets (the bucket is computed from the key alone, before the rest of a row is
 * touched). Keeping every row's narrow projection from the first pass instead was measured and
 * rejected: building Spark's cache costs about twice the second pass (docs/BENCHMARKS.md).
 * Everything here is lazy: callers that use several results keep them, as
 * {@code TableReconciler} does with local copies ({@code dev.trickle.spark.LocalCopies}).
 */
public final class HashDiff {
  private HashDiff() {}

  /**
   * A comparison's intermediate and final results.
   *
   * @param sourceAggregates per partition and bucket: rows and hash ({@link BucketAggregates})
   * @param mismatched the partitions and buckets whose aggregates differ
   * @param differences the differing rows
   */
  public record Result(ComparisonPlan plan, Dataset<Row> sourceAggregates, Dataset<Row> targetAggregates,
      Dataset<Row> mismatched, Dataset<Row> differences) {}

  /** Compares {@code source} with {@code target} under {@code rules} with {@code buckets} buckets (all lazy). */
  public static Result of(Dataset<Row> source, Dataset<Row> target, CompareRules rules, int buckets) {
    ComparisonPlan plan = ComparisonPlan.of(source.schema(), target.schema(), rules);
    Dataset<Row> sourceAggregates = aggregates(source, Side.SOURCE, plan, rules, buckets);
    Dataset<Row> targetAggregates = aggregates(target, Side.TARGET, plan, rules, buckets);
    Dataset<Row> mismatched = BucketAggregates.mismatched(sourceAggregates, targetAggregates);
    Dataset<Row> differences = Differences.between(
        hashedInBuckets(RowHashes.located(source, Side.SOURCE, plan, rules, buckets), Side.SOURCE, plan, rules, mismatched),
        hashedInBuckets(RowHashes.located(target, Side.TARGET, plan, rules, buckets), Side.TARGET, plan, rules, mismatched),
        plan, rules);
    return new Result(plan, sourceAggregates, targetAggregates, mismatched, differences);
  }

  /** One side's bucket aggregates ({@link BucketAggregates}) from its {@link #narrow} projection. */
  public static Dataset<Row> aggregates(Dataset<Row> rows, Side side, ComparisonPlan plan, CompareRules rules, int buckets) {
    return BucketAggregates.of(narrow(rows, side, plan, rules, buckets), buckets, !plan.partitions().isEmpty());
  }

  /**
   * One side's narrow projection: {@link RowHashes#PARTITION}, {@link RowHashes#BUCKET}, the
   * canonical key columns (plan names) and {@link RowHashes#ROW_HASH}: what the bucket aggregates
   * and {@link Differences#leftover} need. The other canonical values exist only inside the hash.
   */
  public static Dataset<Row> narrow(Dataset<Row> rows, Side side, ComparisonPlan plan, CompareRules rules, int buckets) {
    return narrowOf(RowHashes.located(rows, side, plan, rules, buckets), side, plan, rules);
  }

  /** {@link #narrow} of rows already located ({@link #locatedIn}). */
  public static Dataset<Row> narrowOf(Dataset<Row> located, Side side, ComparisonPlan plan, CompareRules rules) {
    Dataset<Row> hashed = RowHashes.hashed(located, side, plan, rules, false);
    List<Column> keep = new ArrayList<>();
    keep.add(col(RowHashes.PARTITION));
    keep.add(col(RowHashes.BUCKET));
    plan.keys().forEach(k -> keep.add(col(RowHashes.quote(k.name()))));
    keep.add(col(RowHashes.ROW_HASH));
    return hashed.select(keep.toArray(Column[]::new));
  }

  /** Rows carrying partition and bucket columns, only those in {@code partitionBuckets} (all when null). */
  static Dataset<Row> inBuckets(Dataset<Row> rows, Dataset<Row> partitionBuckets) {
    return partitionBuckets == null ? rows : rows.join(broadcast(partitionBuckets),
        scala.jdk.javaapi.CollectionConverters.asScala(List.of(RowHashes.PARTITION, RowHashes.BUCKET)).toSeq(), "left_semi");
  }

  /**
   * One side's rows, its own columns unchanged, plus partition label and bucket
   * ({@link RowHashes#PARTITION}, {@link RowHashes#BUCKET}); only those in {@code partitionBuckets}
   * when given. For callers that keep a side's mismatched buckets to drill into and read from.
   */
  public static Dataset<Row> locatedIn(Dataset<Row> rows, Side side, ComparisonPlan plan, CompareRules rules, int buckets,
      Dataset<Row> partitionBuckets) {
    return inBuckets(RowHashes.located(rows, side, plan, rules, buckets), partitionBuckets);
  }

  /**
   * One side's located rows in the given buckets (all rows when {@code buckets} is null), hashed and
   * with their JSON: for a side whose rows are fetched by bucket (a database side).
   */
  static Dataset<Row> hashedInBuckets(Dataset<Row> located, Side side, ComparisonPlan plan, CompareRules rules,
      Dataset<Row> buckets) {
    return RowHashes.hashed(inBuckets(located, buckets), side, plan, rules, true);
  }

  /**
   * The rows of {@code side} whose canonical key is among {@code keys} (the canonical key columns
   * named as the plan names them, as {@link Differences} outputs them), with their own columns.
   */
  public static Dataset<Row> withKeysIn(Dataset<Row> rows, Side side, ComparisonPlan plan, CompareRules rules,
      Dataset<Row> keys) {
    List<Column> values = RowHashes.keyValues(rows, side, plan, rules);
    Column on = org.apache.spark.sql.functions.lit(true);
    for (int i = 0; i < values.size(); i++) {
      on = on.and(values.get(i).eqNullSafe(keys.col(RowHashes.quote(plan.keys().get(i).name()))));
    }
    return rows.join(keys, on, "left_semi");
  }
}
