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
import dev.trickle.recon.pushdown.PostgresPushdown;
import dev.trickle.recon.pushdown.PostgresSide;
import dev.trickle.source.ColumnMapping;
import dev.trickle.source.JdbcSource;
import dev.trickle.source.Source;
import dev.trickle.source.SourceSnapshot;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
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
 * no-op batch. A PostgreSQL source's aggregates are computed in PostgreSQL, and only the rows of
 * mismatched buckets are fetched, as reconcile does ({@code reconcile.pushdown}); the batch's note
 * says which.
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
    CompareRules exact = CompareRules.exact(table.keys());
    ComparisonPlan plan = ComparisonPlan.of(sourceRows.schema(), targetRows.schema(), exact);
    // As many buckets as the previous batch's changes call for (reconcile sizes by its previous run).
    int buckets = BucketSizing.choose(table.reconcile().buckets(), targetRows.count(), start.previousChanges(), 1);
    // A PostgreSQL source's aggregates come from PostgreSQL, as reconcile's do (reconcile.pushdown).
    Optional<PostgresSide> pushed = Optional.empty();
    CompareRules rules = exact;
    String computedBy = "";
    if (source instanceof JdbcSource jdbc) {
      PostgresPushdown.Attempt attempt = PostgresPushdown.attempt(spark, table, jdbc, snapshot, mapping, plan, exact, null,
          UnaryOperator.identity());
      pushed = attempt.side();
      rules = attempt.rules();
      computedBy = pushed.isPresent() ? " (aggregates computed in PostgreSQL)" : " (aggregates computed by Spark: " + attempt.refusal() + ")";
    }

    Dataset<Row> mismatched = held.keep(BucketAggregates.mismatched(
        pushed.isPresent() ? pushed.get().bucketAggregates(buckets, true)
            : HashDiff.aggregates(sourceRows, Side.SOURCE, plan, rules, buckets),
        HashDiff.aggregates(targetRows, Side.TARGET, plan, rules, buckets)));
    long spoilt = mismatched.count();
    if (spoilt == 0) {
      return ChangeSet.unchanged(snapshot.position()).withNote("hashes of all " + buckets + " bucket(s) match" + computedBy);
    }
    // Second pass: only the rows of mismatched buckets are kept, and matched by key and row hash
    // (a pushed-down source sends only those buckets' rows).
    Dataset<Row> candidates = pushed.isPresent() ? pushed.get().mappedRowsIn(mismatched, buckets) : sourceRows;
    Dataset<Row> s = held.copy(HashDiff.locatedIn(candidates, Side.SOURCE, plan, rules, buckets, mismatched));
    Dataset<Row> t = held.copy(HashDiff.locatedIn(targetRows, Side.TARGET, plan, rules, buckets, mismatched));
    Dataset<Row> leftover = held.copy(Differences.leftover(HashDiff.narrowOf(s, Side.SOURCE, plan, rules),
        HashDiff.narrowOf(t, Side.TARGET, plan, rules), plan));
    requireUniqueSourceKeys(leftover, plan);
    // The change rows are few; copied, the MERGE plans over them instead of over the whole
    // comparison (which Spark and Delta would analyse again at every step).
    Dataset<Row> upserts = held.copy(changes(s, leftover, plan, rules, List.of(sourceRows.columns())));
    Dataset<Row> deletes = held.copy(deletes(t, leftover, plan, rules, table.keys()));
    String note = spoilt + " of " + buckets + " bucket(s) differed" + computedBy;
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
