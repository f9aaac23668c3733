package dev.trickle.sync;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.trickle.TrickleException;
import dev.trickle.config.TableConfig;
import dev.trickle.recon.BucketAggregates;
import dev.trickle.recon.BucketSizing;
import dev.trickle.recon.CompareRules;
import dev.trickle.recon.ComparisonPlan;
import dev.trickle.recon.Differences;
import dev.trickle.recon.HashDiff;
import dev.trickle.recon.Side;
import dev.trickle.source.ColumnMapping;
import dev.trickle.source.Source;
import dev.trickle.source.SourceSnapshot;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code sync.mode = diff}, for sources with no change tracking: the source (mapped exactly as a
 * load maps it) and the target are compared by the reconciliation engine's bucketed row hashes
 * under its canonicalisation (a decimal of another scale is no change), without tolerances; only
 * the rows of mismatched buckets are kept and drilled into, and of those only the differing rows
 * are applied: missing in the target and changed as upserts of the source's mapped values, extra
 * in the target as deletes. Cost: one pass over each side for the aggregates, one more that keeps
 * the rows of mismatched buckets only, plus the write. The bucket count follows the previous
 * batch's changes, so that a steady rate of changes spoils few buckets. An unchanged source is a
 * no-op batch.
 */
final class DiffChanges implements ChangeReader {
  private final SparkSession spark;
  private final Source source;
  private final TableConfig table;
  private final ColumnMapping mapping;
  private final String targetPath;
  private final HeldReads held = new HeldReads();

  DiffChanges(SparkSession spark, Source source, TableConfig table, ColumnMapping mapping, String targetPath) {
    this.spark = spark;
    this.source = source;
    this.table = table;
    this.mapping = mapping;
    this.targetPath = targetPath;
  }

  @Override
  public String mode() {
    return "diff";
  }

  @Override
  public ChangeSet read(SyncStart start) {
    SourceSnapshot snapshot = held.hold(source.snapshot());
    Dataset<Row> sourceRows = mapping.apply(snapshot.read());
    Dataset<Row> targetRows = spark.read().format("delta").load(targetPath);
    CompareRules rules = CompareRules.exact(table.keys());
    ComparisonPlan plan = ComparisonPlan.of(sourceRows.schema(), targetRows.schema(), rules);
    // As many buckets as the previous batch's changes call for (reconcile sizes by its previous run).
    int buckets = BucketSizing.choose(table.reconcile().buckets(), targetRows.count(), start.previousChanges(), 1);

    Dataset<Row> mismatched = held.keep(BucketAggregates.mismatched(
        HashDiff.aggregates(sourceRows, Side.SOURCE, plan, rules, buckets),
        HashDiff.aggregates(targetRows, Side.TARGET, plan, rules, buckets)));
    long spoilt = mismatched.count();
    if (spoilt == 0) {
      return ChangeSet.unchanged(snapshot.position()).withNote("hashes of all " + buckets + " bucket(s) match");
    }
    // Second pass: only the rows of mismatched buckets are kept, and matched by key and row hash.
    Dataset<Row> s = held.copy(HashDiff.locatedIn(sourceRows, Side.SOURCE, plan, rules, buckets, mismatched));
    Dataset<Row> t = held.copy(HashDiff.locatedIn(targetRows, Side.TARGET, plan, rules, buckets, mismatched));
    Dataset<Row> leftover = held.copy(Differences.leftover(HashDiff.narrowOf(s, Side.SOURCE, plan, rules),
        HashDiff.narrowOf(t, Side.TARGET, plan, rules), plan));
    requireUniqueSourceKeys(leftover, plan);
    // The change rows are few; copied, the MERGE plans over them instead of over the whole
    // comparison (which Spark and Delta would analyse again at every step).
    Dataset<Row> upserts = held.copy(changes(s, leftover, plan, rules, List.of(sourceRows.columns())));
    Dataset<Row> deletes = held.copy(deletes(t, leftover, plan, rules, table.keys()));
    String note = spoilt + " of " + buckets + " bucket(s) differed";
    return ChangeSet.of(upserts, snapshot.position())
        .withTargetDeletes(deletes)
        .alreadyMapped()
        .withNote(note);
  }

  /**
   * diff applies the source's row of each differing key, so a differing key the source holds more
   * than once has no answer: stop before anything is written (a MERGE would fail on it anyway,
   * with Delta's message about matched rows instead of this one).
   */
  private void requireUniqueSourceKeys(Dataset<Row> leftover, ComparisonPlan plan) {
    List<Row> duplicated = leftover.where(col("source_key_rows").gt(1)).select(keyColumns(plan)).distinct().limit(3)
        .collectAsList();
    if (!duplicated.isEmpty()) {
      throw TrickleException.badInput("Cannot sync table " + table.name() + " in diff mode: its source has more than one row "
          + "for key " + (plan.keys().size() == 1 ? "" : plan.keys().stream().map(k -> k.name()).toList() + " ")
          + duplicated.stream().map(r -> r.size() == 1 ? String.valueOf(r.get(0)) : r.toString()).toList()
          + " (among the rows that differ), and diff copies the source's one row per key. Make the key unique at the "
          + "source, or name columns that are (keys = [...]), then sync again. Nothing was applied.");
    }
  }

  /**
   * The source's own rows (mapped, {@code columns}) of every key whose rows differ and that the
   * source has, as upserts: the source's version of the key wins. {@code sourceRows} are the
   * source's rows (those of the mismatched buckets suffice). Pure: tested on in-memory rows.
   */
  static Dataset<Row> changes(Dataset<Row> sourceRows, Dataset<Row> leftover, ComparisonPlan plan, CompareRules rules,
      List<String> columns) {
    Dataset<Row> keys = leftover.where(col("source_key_rows").gt(0)).select(keyColumns(plan)).distinct();
    return HashDiff.withKeysIn(sourceRows, Side.SOURCE, plan, rules, keys).select(Changes.columns(columns))
        .withColumn(Changes.CHANGE, lit(Changes.UPSERT));
  }

  /** The target's own key values of the differing keys the source does not have. */
  static Dataset<Row> deletes(Dataset<Row> targetRows, Dataset<Row> leftover, ComparisonPlan plan, CompareRules rules,
      List<String> keys) {
    Dataset<Row> gone = leftover.where(col("source_key_rows").equalTo(0)).select(keyColumns(plan)).distinct();
    return HashDiff.withKeysIn(targetRows, Side.TARGET, plan, rules, gone).select(Changes.columns(keys));
  }

  private static org.apache.spark.sql.Column[] keyColumns(ComparisonPlan plan) {
    return Changes.columns(plan.keys().stream().map(ComparisonPlan.PlannedColumn::name).toList());
  }

  /** Drops what the comparison kept and ends the source snapshot. */
  @Override
  public void close() {
    held.close();
  }
}
