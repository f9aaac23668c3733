package dev.trickle.recon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.config.ReconcileConfig;
import dev.trickle.testing.SharedSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10% of 100,000 rows differ: every count is still exact, recon_diffs holds max-diffs rows, and
 * no task sends the driver more than its metrics and small aggregates: nothing collects rows.
 */
@ExtendWith(SharedSpark.class)
class ManyDifferencesTest {
  private static final long ROWS = 100_000;

  @Test
  void tenPercentDifferingRowsAreCountedExactlyWithoutCollectingData(SparkSession spark, @TempDir Path dir) throws Exception {
    String padding = "x".repeat(100);
    Dataset<Row> source = spark.range(1, ROWS + 1)
        .selectExpr("id", "CAST(id % 1000 AS INT) AS grp", "CONCAT('" + padding + "', id) AS payload");
    // Changed: id % 20 = 1 (5%). Missing: id % 40 = 2 (2.5%). Extra: 2,500 new ids (2.5%).
    Dataset<Row> target = spark.range(1, ROWS + 1).where("id % 40 != 2")
        .selectExpr("id", "CAST(id % 1000 AS INT) AS grp",
            "CASE WHEN id % 20 = 1 THEN 'changed' ELSE CONCAT('" + padding + "', id) END AS payload")
        .unionByName(spark.range(ROWS + 1, ROWS + 2_501)
            .selectExpr("id", "CAST(id % 1000 AS INT) AS grp", "CONCAT('" + padding + "', id) AS payload"));
    long expectedChanged = ROWS / 20;
    long expectedMissing = ROWS / 40;
    long expectedExtra = 2_500;

    CompareRules rules = CompareRules.exact(List.of("id"));
    ComparisonPlan plan = ComparisonPlan.of(source.schema(), target.schema(), rules);
    ReconcileConfig config = new ReconcileConfig(true, true, true, true, List.of(), 0, 0, List.of(), 0, 0, false, false,
        OptionalInt.empty(), false, 500);
    int buckets = BucketSizing.choose(OptionalInt.empty(), ROWS, OptionalLong.empty(), 1);

    // What a task sends the driver: its result rows plus its metrics (about 100 KB in plans this
    // size). Rows of either side, or the differing rows, collected or broadcast would make a
    // task's result several MB: each side is 11.8 MB in 2 partitions, the differences 2.5 MB.
    AtomicLong largestResult = new AtomicLong();
    SparkListener listener = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskMetrics() != null) {
          largestResult.accumulateAndGet(end.taskMetrics().resultSize(), Math::max);
        }
      }
    };
    spark.sparkContext().addSparkListener(listener);
    ReconReport report;
    long written;
    try (TableReconciler reconciler = new TableReconciler(spark)) {
      report = reconciler.run(new ReconRequest("big", "run-1", config, rules, plan,
          new SparkSide("source", source, Side.SOURCE, plan, rules), new SparkSide("target", target, Side.TARGET, plan, rules),
          buckets, "{}", 0));
      written = new ReconTables(spark, dir.toString()).write(report, config.maxDiffs(), "counts,keys,profiles,hashes");
    } finally {
      spark.sparkContext().listenerBus().waitUntilEmpty();
      spark.sparkContext().removeSparkListener(listener);
    }

    assertEquals(Verdict.MISMATCH, report.verdict());
    assertEquals(expectedMissing, report.missingRows());
    assertEquals(expectedExtra, report.extraRows());
    assertEquals(expectedChanged, report.changedRows());
    assertEquals(ROWS, report.sourceRows());
    assertEquals(ROWS - expectedMissing + expectedExtra, report.targetRows());
    assertEquals(500, written);
    assertEquals(500, spark.read().format("delta").load(dir.resolve(ReconTables.DIFFS).toString()).count());
    assertTrue(largestResult.get() < 1_000_000, "a task sent the driver " + largestResult.get() + " bytes");
  }
}
