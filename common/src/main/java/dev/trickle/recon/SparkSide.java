package dev.trickle.recon;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.trickle.recon.ComparisonPlan.PlannedColumn;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** One side read by Spark: its rows with target column names (the source already mapped). */
public final class SparkSide implements SideStatistics {
  private final String description;
  private final Dataset<Row> rows;
  private final Side side;
  private final ComparisonPlan plan;
  private final CompareRules rules;

  public SparkSide(String description, Dataset<Row> rows, Side side, ComparisonPlan plan, CompareRules rules) {
    this.description = description;
    this.rows = rows;
    this.side = side;
    this.plan = plan;
    this.rules = rules;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public Dataset<Row> bucketAggregates(int buckets, boolean withHashes) {
    if (!withHashes) {
      Dataset<Row> located = RowHashes.located(rows, side, plan, rules, 1);
      Dataset<Row> counted = located.select(col(RowHashes.PARTITION), col(RowHashes.BUCKET), lit(0L).as(RowHashes.ROW_HASH));
      return BucketAggregates.of(counted, 1, !plan.partitions().isEmpty());
    }
    return HashDiff.aggregates(rows, side, plan, rules, buckets);
  }

  @Override
  public Dataset<Row> rowsIn(Dataset<Row> partitionBuckets, int buckets) {
    return HashDiff.hashedInBuckets(RowHashes.located(rows, side, plan, rules, buckets), side, plan, rules, partitionBuckets);
  }

  @Override
  public Map<String, Map<String, Object>> profiles() {
    return ColumnProfiles.compute(RowHashes.canonical(rows, side, plan, rules), plan.compared());
  }

  @Override
  public KeyDistribution.Stats keys() {
    return KeyDistribution.compute(RowHashes.canonicalKeys(rows, side, plan, rules),
        plan.keys().stream().map(PlannedColumn::name).toList());
  }
}
