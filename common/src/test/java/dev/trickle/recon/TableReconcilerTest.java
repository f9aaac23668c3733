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
}
