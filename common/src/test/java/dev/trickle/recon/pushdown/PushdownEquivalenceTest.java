package dev.trickle.recon.pushdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.config.ReconcileConfig;
import dev.trickle.demo.LocalPostgres;
import dev.trickle.recon.CompareRules;
import dev.trickle.recon.ComparisonPlan;
import dev.trickle.recon.HashScheme;
import dev.trickle.recon.Metric;
import dev.trickle.recon.ReconReport;
import dev.trickle.recon.ReconRequest;
import dev.trickle.recon.Side;
import dev.trickle.recon.SideStatistics;
import dev.trickle.recon.SparkSide;
import dev.trickle.recon.TableReconciler;
import dev.trickle.recon.Verdict;
import dev.trickle.source.ColumnMapping;
import dev.trickle.testing.SharedPostgres;
import dev.trickle.testing.SharedSpark;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same PostgreSQL table against the same tampered Delta copy, with the source's aggregates
 * computed in PostgreSQL and without: identical verdicts, counts, key figures, profiles and
 * diff rows.
 */
@ExtendWith({SharedSpark.class, SharedPostgres.class})
class PushdownEquivalenceTest {
  private static final ReconcileConfig CONFIG = new ReconcileConfig(true, true, true, true, List.of("day"), 0, 0, List.of(),
      0, 0, false, false, OptionalInt.empty(), true, 100);

  @Test
  void pushdownAndSparkAgreeOnEveryFigureAndDiff(SparkSession spark, LocalPostgres pg, @TempDir Path dir) throws Exception {
    String db = SharedPostgres.freshDatabase("pushdown");
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE orders (id int4 PRIMARY KEY, amount numeric(10,2), note text, day date, "
          + "created timestamptz, score float8, code char(3), ok bool)");
      s.execute("INSERT INTO orders SELECT g, g * 1.25, CASE WHEN g % 9 = 0 THEN NULL ELSE 'note ' || g END, "
          + "DATE '2026-11-01' + (g % 4), TIMESTAMPTZ '2026-11-01 00:00:00+00' + g * INTERVAL '1 minute 0.000123 second', "
          + "g / 7.0, CASE WHEN g % 5 = 0 THEN 'ab' ELSE 'abc' END, g % 2 = 0 FROM generate_series(1, 300) g");
    }
    String target = dir.resolve("orders").toString();
    PostgresTextTest.sparkRead(spark, pg, db, "orders", "TRUE").write().format("delta").save(target);
    spark.sql("UPDATE delta.`" + target + "` SET note = 'changed', score = 0.5 WHERE id = 10");
    spark.sql("UPDATE delta.`" + target + "` SET day = DATE'2026-12-01' WHERE id = 11");
    spark.sql("DELETE FROM delta.`" + target + "` WHERE id IN (20, 21)");
    spark.sql("INSERT INTO delta.`" + target + "` SELECT 999, amount, note, day, created, score, code, ok FROM delta.`"
        + target + "` WHERE id = 30");
    Dataset<Row> targetRows = spark.read().format("delta").load(target);
    Dataset<Row> sourceRows = PostgresTextTest.sparkRead(spark, pg, db, "orders", "TRUE");
    ColumnMapping mapping = new ColumnMapping(dev.trickle.config.ColumnsConfig.none(), Optional.empty());

    CompareRules sparkRules = new CompareRules(List.of("id"), List.of("day"), List.of(), 0, 0, false, false, HashScheme.XXHASH64);
    ComparisonPlan plan = ComparisonPlan.of(sourceRows.schema(), targetRows.schema(), sparkRules);
    ReconReport withSpark = run(spark, sparkRules, plan, new SparkSide("orders", sourceRows, Side.SOURCE, plan, sparkRules),
        targetRows);

    CompareRules pushRules = sparkRules.withScheme(HashScheme.MD5_TEXT);
    Map<String, PgColumn> columns;
    try (Connection c = pg.connect(db)) {
      columns = PostgresTextTest.describe(c, "orders", Map.of());
    }
    PostgresSide pushed = new PostgresSide(spark, "orders", "\"orders\"", columns, null, () -> connect(pg, db),
        where -> PostgresTextTest.sparkRead(spark, pg, db, "orders", where), rows -> rows, mapping, plan, pushRules);
    ReconReport withPushdown = run(spark, pushRules, plan, pushed, targetRows);

    assertEquals(Verdict.MISMATCH, withSpark.verdict());
    assertEquals(withSpark.verdict(), withPushdown.verdict());
    assertEquals(List.of(300L, 299L, 2L, 1L, 2L), List.of(withSpark.sourceRows(), withSpark.targetRows(),
        withSpark.missingRows(), withSpark.extraRows(), withSpark.changedRows()));
    assertEquals(List.of(withSpark.sourceRows(), withSpark.targetRows(), withSpark.missingRows(), withSpark.extraRows(),
        withSpark.changedRows()), List.of(withPushdown.sourceRows(), withPushdown.targetRows(), withPushdown.missingRows(),
        withPushdown.extraRows(), withPushdown.changedRows()));
    assertEquals(rows(withSpark.partitions()), rows(withPushdown.partitions()));
    assertEquals(metrics(withSpark.keyMetrics(), false), metrics(withPushdown.keyMetrics(), false));
    assertEquals(metrics(withSpark.columnMetrics(), true), metrics(withPushdown.columnMetrics(), true));
    assertTrue(metrics(withPushdown.columnMetrics(), true).size() > 20);
    assertEquals(diffs(withSpark), diffs(withPushdown));
    assertTrue(withPushdown.source().contains("PostgreSQL"));
  }

  @Test
  void ignoreCaseNeverMakesEqualInPostgresWhatSparkFindsDifferent(SparkSession spark, LocalPostgres pg) throws Exception {
    String db = SharedPostgres.freshDatabase("ignorecase");
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE cities (id int4 PRIMARY KEY, name text)");
      // PostgreSQL lowers 'İ' to 'i' and a final 'Σ' to 'σ'; Spark (Java) to 'i' + U+0307 and 'ς'.
      s.execute("INSERT INTO cities VALUES (1, 'İSTANBUL'), (2, 'ΟΔΟΣ'), (3, 'ABC'), (4, 'GRÜSSE'), (5, 'Ünye')");
    }
    Dataset<Row> sourceRows = PostgresTextTest.sparkRead(spark, pg, db, "cities", "TRUE").drop("nu");
    Dataset<Row> targetRows = spark.createDataFrame(List.of(RowFactory.create(1, "istanbul"), RowFactory.create(2, "οδοσ"),
        RowFactory.create(3, "abc"), RowFactory.create(4, "grüsse"), RowFactory.create(5, "ünye")), sourceRows.schema());
    CompareRules sparkRules = new CompareRules(List.of("id"), List.of(), List.of(), 0, 0, false, true, HashScheme.XXHASH64);
    ComparisonPlan plan = ComparisonPlan.of(sourceRows.schema(), targetRows.schema(), sparkRules);
    ReconReport withSpark = run(spark, sparkRules, plan, new SparkSide("cities", sourceRows, Side.SOURCE, plan, sparkRules),
        targetRows);
    CompareRules pushRules = sparkRules.withScheme(HashScheme.MD5_TEXT);
    Map<String, PgColumn> columns;
    try (Connection c = pg.connect(db)) {
      columns = PostgresTextTest.describe(c, "cities", Map.of());
    }
    PostgresSide pushed = new PostgresSide(spark, "cities", "\"cities\"", columns, null, () -> connect(pg, db),
        where -> PostgresTextTest.sparkRead(spark, pg, db, "cities", where).drop("nu"), rows -> rows,
        new ColumnMapping(dev.trickle.config.ColumnsConfig.none(), Optional.empty()), plan, pushRules);
    ReconReport withPushdown = run(spark, pushRules, plan, pushed, targetRows);

    assertEquals(List.of(Verdict.MISMATCH, 2L), List.of(withSpark.verdict(), withSpark.changedRows()), diffs(withSpark));
    assertEquals(List.of(withSpark.verdict(), withSpark.changedRows()), List.of(withPushdown.verdict(), withPushdown.changedRows()));
    assertEquals(diffs(withSpark), diffs(withPushdown));
  }

  private static ReconReport run(SparkSession spark, CompareRules rules, ComparisonPlan plan, SideStatistics source,
      Dataset<Row> target) {
    try (TableReconciler reconciler = new TableReconciler(spark)) {
      ReconReport report = reconciler.run(new ReconRequest("orders", "run", CONFIG, rules, plan, source,
          new SparkSide("target", target, Side.TARGET, plan, rules), 64, "{}", 0));
      // No mismatched bucket, no drill-down: no differences at all.
      diffsCache.put(report, report.differences() == null ? "[]" : report.differences().orderBy("key", "diff_type")
          .select("key", "diff_type", "changed_columns", "source_row", "target_row", "partition").collectAsList().toString());
      return report;
    }
  }

  private static final Map<ReconReport, String> diffsCache = new java.util.IdentityHashMap<>();

  private static String diffs(ReconReport report) {
    return diffsCache.get(report);
  }

  private static List<String> rows(List<ReconReport.PartitionResult> partitions) {
    return partitions.stream().map(p -> p.partition() + ":" + p.sourceRows() + "/" + p.targetRows() + ":" + p.verdict()).toList();
  }

  /**
   * Metric values; approx_distinct is not computed in PostgreSQL, and the bucket histogram
   * depends on the hash scheme (buckets differ between xxhash64 and MD5), so both are left out.
   */
  private static List<String> metrics(List<Metric> metrics, boolean columns) {
    return metrics.stream().filter(m -> !m.metric().equals("approx_distinct") && !m.metric().equals("bucket_histogram"))
        .map(m -> (columns ? m.column() + "." : "") + m.metric() + "=" + m.sourceValue() + "|" + m.targetValue() + ":" + m.verdict())
        .sorted().collect(Collectors.toList());
  }

  private static Connection connect(LocalPostgres pg, String db) {
    try {
      return pg.connect(db);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
