package dev.trickle.recon;

import static org.apache.spark.sql.functions.broadcast;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Finds the rows that differ between two Datasets by bucketed hashes, reading whole rows only in
 * the buckets whose aggregates differ. The public entry point for anyone who needs differing keys
 * (reconcile, and sync's {@code diff} mode): give it the source already mapped to target column
 * names and the target; get back the differing rows classified MISSING_IN_TARGET,
 * EXTRA_IN_TARGET or CHANGED with the changed columns ({@link Differences} describes the columns).
 *
 * <p>Everything here is lazy: each Dataset, when evaluated, reads both sides again. Callers that
 * use several of them checkpoint the aggregates first, as {@code TableReconciler} does.
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

  /** Compares {@code source} with {@code target} under {@code rules} with {@code buckets} buckets. */
  public static Result of(Dataset<Row> source, Dataset<Row> target, CompareRules rules, int buckets) {
    ComparisonPlan plan = ComparisonPlan.of(source.schema(), target.schema(), rules);
    Dataset<Row> s = RowHashes.located(source, Side.SOURCE, plan, rules, buckets);
    Dataset<Row> t = RowHashes.located(target, Side.TARGET, plan, rules, buckets);
    Dataset<Row> sourceAggregates = aggregates(s, Side.SOURCE, plan, rules);
    Dataset<Row> targetAggregates = aggregates(t, Side.TARGET, plan, rules);
    Dataset<Row> mismatched = BucketAggregates.mismatched(sourceAggregates, targetAggregates);
    Dataset<Row> differences = Differences.between(
        inBuckets(s, Side.SOURCE, plan, rules, mismatched), inBuckets(t, Side.TARGET, plan, rules, mismatched), plan, rules);
    return new Result(plan, sourceAggregates, targetAggregates, mismatched, differences);
  }

  /**
   * One side's rows, its own columns unchanged, plus partition label and bucket
   * ({@link RowHashes#PARTITION}, {@link RowHashes#BUCKET}); only those in {@code partitionBuckets}
   * when given. For callers that keep a side's mismatched buckets to drill into and read from.
   */
  public static Dataset<Row> locatedIn(Dataset<Row> rows, Side side, ComparisonPlan plan, CompareRules rules, int buckets,
      Dataset<Row> partitionBuckets) {
    Dataset<Row> located = RowHashes.located(rows, side, plan, rules, buckets);
    return partitionBuckets == null ? located : located.join(broadcast(partitionBuckets),
        scala.jdk.javaapi.CollectionConverters.asScala(List.of(RowHashes.PARTITION, RowHashes.BUCKET)).toSeq(), "left_semi");
  }

  /** One side's bucket aggregates ({@link BucketAggregates}) of plain rows. */
  public static Dataset<Row> aggregates(Dataset<Row> rows, Side side, ComparisonPlan plan, CompareRules rules, int buckets) {
    return aggregates(RowHashes.located(rows, side, plan, rules, buckets), side, plan, rules);
  }

  /** The differing rows ({@link Differences}) of two sides' located rows ({@link #locatedIn}). */
  public static Dataset<Row> differences(Dataset<Row> sourceLocated, Dataset<Row> targetLocated, ComparisonPlan plan,
      CompareRules rules) {
    return Differences.between(RowHashes.hashed(sourceLocated, Side.SOURCE, plan, rules, true),
        RowHashes.hashed(targetLocated, Side.TARGET, plan, rules, true), plan, rules);
  }

  /**
   * The rows of {@code side} whose canonical key is among {@code keys} (the canonical key columns
   * named as the plan names them, as {@link Differences} outputs them), with their own columns.
   */
  public static Dataset<Row> withKeysIn(Dataset<Row> rows, Side side, ComparisonPlan plan, CompareRules rules,
      Dataset<Row> keys) {
    List<org.apache.spark.sql.Column> values = RowHashes.keyValues(rows, side, plan, rules);
    org.apache.spark.sql.Column on = org.apache.spark.sql.functions.lit(true);
    for (int i = 0; i < values.size(); i++) {
      on = on.and(values.get(i).eqNullSafe(keys.col(RowHashes.quote(plan.keys().get(i).name()))));
    }
    return rows.join(keys, on, "left_semi");
  }

  /** One side's bucket aggregates from its located rows ({@link RowHashes#located}). */
  static Dataset<Row> aggregates(Dataset<Row> located, Side side, ComparisonPlan plan, CompareRules rules) {
    return BucketAggregates.of(RowHashes.hashed(located, side, plan, rules, false));
  }

  /**
   * One side's located rows in the given buckets (all rows when {@code buckets} is null), hashed and
   * with their JSON: the filter runs on the bucket before the rest of each row is canonicalised.
   */
  static Dataset<Row> inBuckets(Dataset<Row> located, Side side, ComparisonPlan plan, CompareRules rules,
      Dataset<Row> buckets) {
    if (buckets == null) {
      return RowHashes.hashed(located, side, plan, rules, true);
    }
    Dataset<Row> kept = located.join(broadcast(buckets),
        scala.jdk.javaapi.CollectionConverters.asScala(List.of(RowHashes.PARTITION, RowHashes.BUCKET)).toSeq(), "left_semi");
    return RowHashes.hashed(kept, side, plan, rules, true);
  }
}
