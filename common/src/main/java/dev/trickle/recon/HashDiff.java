package dev.trickle.recon;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Finds the rows that differ between two Datasets by bucketed hashes. The public entry point for
 * anyone who needs differing keys (reconcile, and sync's {@code diff} mode): give it the source
 * already mapped to target column names and the target; get back the differing rows classified
 * MISSING_IN_TARGET, EXTRA_IN_TARGET or CHANGED with the changed columns ({@link Differences}
 * describes the columns).
 *
 * <p>The first pass over each side computes its {@link #narrow} projection (partition, bucket,
 * canonical key, row hash); the bucket aggregates come from it. Callers persist the narrow rows
 * while that pass runs, so the drill-down into mismatched buckets filters them instead of reading
 * the sides again; only the few differing keys' whole rows are read again ({@link #rowsWithKeys}).
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
    Dataset<Row> s = narrow(source, Side.SOURCE, plan, rules, buckets);
    Dataset<Row> t = narrow(target, Side.TARGET, plan, rules, buckets);
    Dataset<Row> sourceAggregates = BucketAggregates.of(s);
    Dataset<Row> targetAggregates = BucketAggregates.of(t);
    Dataset<Row> mismatched = BucketAggregates.mismatched(sourceAggregates, targetAggregates);
    Dataset<Row> leftover = Differences.leftover(inBuckets(s, mismatched), inBuckets(t, mismatched), plan);
    Dataset<Row> differences = Differences.detailed(leftover,
        rowsWithKeys(source, Side.SOURCE, plan, rules, buckets, Differences.leftoverKeys(leftover, Side.SOURCE, plan)),
        rowsWithKeys(target, Side.TARGET, plan, rules, buckets, Differences.leftoverKeys(leftover, Side.TARGET, plan)),
        plan, rules);
    return new Result(plan, sourceAggregates, targetAggregates, mismatched, differences);
  }

  /**
   * One side's narrow projection: {@link RowHashes#PARTITION}, {@link RowHashes#BUCKET}, the
   * canonical key columns (plan names) and {@link RowHashes#ROW_HASH}. The other canonical values
   * exist only inside the hash expression, so these rows are small enough to keep.
   */
  public static Dataset<Row> narrow(Dataset<Row> rows, Side side, ComparisonPlan plan, CompareRules rules, int buckets) {
    Dataset<Row> hashed = RowHashes.hashed(RowHashes.located(rows, side, plan, rules, buckets), side, plan, rules, false);
    List<Column> keep = new ArrayList<>();
    keep.add(col(RowHashes.PARTITION));
    keep.add(col(RowHashes.BUCKET));
    plan.keys().forEach(k -> keep.add(col(RowHashes.quote(k.name()))));
    keep.add(col(RowHashes.ROW_HASH));
    return hashed.select(keep.toArray(Column[]::new));
  }

  /** Rows carrying partition and bucket columns, only those in {@code partitionBuckets} (all when null). */
  public static Dataset<Row> inBuckets(Dataset<Row> rows, Dataset<Row> partitionBuckets) {
    return partitionBuckets == null ? rows : rows.join(broadcast(partitionBuckets),
        scala.jdk.javaapi.CollectionConverters.asScala(List.of(RowHashes.PARTITION, RowHashes.BUCKET)).toSeq(), "left_semi");
  }

  /**
   * One side's rows whose canonical key is among {@code keys}, hashed and with their JSON
   * ({@link RowHashes#hashed}): the rows {@link Differences#detailed} needs. The key filter runs
   * before the rest of each row is canonicalised.
   */
  public static Dataset<Row> rowsWithKeys(Dataset<Row> rows, Side side, ComparisonPlan plan, CompareRules rules, int buckets,
      Dataset<Row> keys) {
    Dataset<Row> kept = withKeysIn(rows, side, plan, rules, keys);
    return RowHashes.hashed(RowHashes.located(kept, side, plan, rules, buckets), side, plan, rules, true);
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
