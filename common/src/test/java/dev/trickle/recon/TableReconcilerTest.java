package dev.trickle.recon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trickle.config.ReconcileConfig;
import dev.trickle.recon.ReconReport.PartitionResult;
import dev.trickle.testing.SharedSpark;
import java.util.List;
import java.util.OptionalInt;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One table's reconciliation as a whole: the per-partition results it reports. */
@ExtendWith(SharedSpark.class)
class TableReconcilerTest {
  @Test
  void partitionsAreReportedInLabelOrderEachWithItsOwnCountsAndVerdict(SparkSession spark) {
    // 26 partitions: Spark's grouping hands them back in hash order, not label order.
    Dataset<Row> source = spark.range(0, 260).selectExpr("id", "chr(97 + CAST(id % 26 AS INT)) AS region", "id * 2 AS amount");
    Dataset<Row> target = source.where("id <> 5"); // id 5 is in region 'f'
    CompareRules rules = CompareRules.exact(List.of("id")).withPartitionBy(List.of("region"));
    ComparisonPlan plan = ComparisonPlan.of(source.schema(), target.schema(), rules);
    ReconcileConfig config = new ReconcileConfig(true, false, false, true, List.of("region"), 0, 0, List.of(), 0, 0, false,
        false, OptionalInt.empty(), false, 100);

    ReconReport report;
    try (TableReconciler reconciler = new TableReconciler(spark)) {
      report = reconciler.run(new ReconRequest("t", "run-1", config, rules, plan,
          new SparkSide("source", source, Side.SOURCE, plan, rules), new SparkSide("target", target, Side.TARGET, plan, rules),
          64, "{}", 0));
    }

    List<PartitionResult> partitions = report.partitions();
    assertEquals(26, partitions.size(), partitions.toString());
    assertEquals(partitions.stream().map(PartitionResult::partition).sorted().toList(),
        partitions.stream().map(PartitionResult::partition).toList());
    for (PartitionResult p : partitions) {
      boolean f = p.partition().contains("f");
      assertEquals(List.of(10L, f ? 9L : 10L, f ? Verdict.MISMATCH : Verdict.MATCH),
          List.of(p.sourceRows(), p.targetRows(), p.verdict()), p.toString());
    }
    assertEquals(1, report.missingRows());
  }

  @Test
  void aWideTableIsReconciledByEveryCheckAndTheChangedColumnIsNamed(SparkSession spark) {
    // Wide tables are where comparison tools' plans blow up (one expression per column, nested).
    int columns = 400;
    List<String> select = new java.util.ArrayList<>(List.of("id"));
    for (int i = 1; i < columns; i++) {
      select.add(switch (i % 5) {
        case 0 -> "CAST(id * " + i + " AS INT) AS c" + i;
        case 1 -> "concat('v', id, '-', " + i + ") AS c" + i;
        case 2 -> "CAST(id / " + i + " AS DECIMAL(18,4)) AS c" + i;
        case 3 -> "id * " + i + " / 7.0D AS c" + i;
        default -> "timestamp_seconds(1700000000 + id * " + i + ") AS c" + i;
      });
    }
    Dataset<Row> source = spark.range(0, 200).selectExpr(select.toArray(String[]::new));
    Dataset<Row> target = source.where("id <> 3")
        .withColumn("c251", org.apache.spark.sql.functions.expr("CASE WHEN id = 17 THEN 'tampered' ELSE c251 END"));
    CompareRules rules = CompareRules.exact(List.of("id"));
    ComparisonPlan plan = ComparisonPlan.of(source.schema(), target.schema(), rules);
    ReconcileConfig config = new ReconcileConfig(true, true, true, true, List.of(), 0, 0, List.of(), 0, 0, false, false,
        OptionalInt.empty(), false, 100);

    try (TableReconciler reconciler = new TableReconciler(spark)) {
      ReconReport report = reconciler.run(new ReconRequest("wide", "run-1", config, rules, plan,
          new SparkSide("source", source, Side.SOURCE, plan, rules), new SparkSide("target", target, Side.TARGET, plan, rules),
          64, "{}", 0));
      assertEquals(Verdict.MISMATCH, report.verdict());
      assertEquals(List.of(1L, 0L, 1L), List.of(report.missingRows(), report.extraRows(), report.changedRows()));
      Row changed = report.differences().where("diff_type = 'CHANGED'").head();
      assertEquals("{\"id\":17}", changed.getAs("key"));
      assertEquals(List.of("c251"), changed.getList(changed.fieldIndex("changed_columns")));
      // Every column is profiled, the key too.
      assertEquals(columns, report.columnMetrics().stream().filter(m -> m.metric().equals("nulls")).count());
    }
  }
}
