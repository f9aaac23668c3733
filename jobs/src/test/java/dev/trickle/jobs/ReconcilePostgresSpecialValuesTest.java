package dev.trickle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.demo.LocalPostgres;
import dev.trickle.jobs.cli.CliRun;
import dev.trickle.jobs.load.PgFixture;
import dev.trickle.testing.SharedPostgres;
import dev.trickle.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL's special values through load and reconcile, with the source's aggregates computed
 * in PostgreSQL (pushdown) and by Spark: float NaN and infinities, and infinite dates and
 * timestamps (which load clamps where Spark's JDBC reader does), reconcile clean after a faithful
 * load and name exactly a tampered one; so do numeric NaN and infinities in a numeric without
 * precision (read as text). A NaN in a numeric with precision, which no decimal holds (nor can such
 * a column hold an infinity), stops load and reconcile with one line naming the column and a fix.
 */
@ExtendWith({SharedSpark.class, SharedPostgres.class})
class ReconcilePostgresSpecialValuesTest {
  private static final String TABLE = "specials { source { ref = pg, table = public.specials }, keys = [id] }";

  private static PgFixture loaded(LocalPostgres pg, Path dir) {
    PgFixture f = PgFixture.create(pg, dir);
    f.sql("CREATE TABLE specials (id int PRIMARY KEY, f8 float8, f4 float4, tz timestamptz, ts timestamp, d date, n numeric)",
        """
        INSERT INTO specials VALUES
          (1, 'NaN', 'NaN', 'infinity', 'infinity', 'infinity', 'NaN'),
          (2, 'Infinity', 'Infinity', '-infinity', '-infinity', '-infinity', 'Infinity'),
          (3, '-Infinity', '-Infinity', '2026-01-01 10:00:00+00', '2026-01-01 10:00:00', '2026-01-01', '-Infinity'),
          (4, -'NaN'::float8, '-0', NULL, NULL, NULL, NULL),
          (5, 1.5, 1.5, '9999-12-31 23:59:59.999+00', '0001-01-01 00:00:00', '9999-12-31', 1.50)""");
    CliRun load = CliRun.of("load", "-c", f.config(TABLE).toString());
    assertEquals(0, load.exitCode(), load.toString());
    return f;
  }

  private static CliRun reconcile(PgFixture f, boolean pushdown) {
    return reconcile(f, "specials", pushdown);
  }

  private static CliRun reconcile(PgFixture f, String table, boolean pushdown) {
    return CliRun.of("reconcile", "-c", f.dir().resolve("pipeline.conf").toString(),
        "-D", "trickle.tables." + table + ".reconcile.pushdown=" + pushdown);
  }

  /** A table amounts (id, amount numeric(10,2)) whose second amount is {@code second}, and a pipeline over it. */
  private static PgFixture amounts(LocalPostgres pg, Path dir, String second, String tableSettings) {
    PgFixture f = PgFixture.create(pg, dir);
    f.sql("CREATE TABLE amounts (id int PRIMARY KEY, amount numeric(10,2))",
        "INSERT INTO amounts VALUES (1, 1.50), (2, " + second + "), (3, 2.25)");
    f.config("amounts { source { ref = pg, table = public.amounts }, keys = [id]" + tableSettings + " }");
    return f;
  }

  private static Row lastRun(SparkSession spark, PgFixture f) {
    return spark.read().format("delta").load(f.lake().resolve("_trickle/recon/recon_runs").toString())
        .orderBy(org.apache.spark.sql.functions.col("started_at").desc()).head();
  }

  private static List<String> diffs(SparkSession spark, PgFixture f, String runId) {
    Path diffs = f.lake().resolve("_trickle/recon/recon_diffs");
    if (!Files.exists(diffs)) {
      return List.of(); // written at the first difference
    }
    return spark.read().format("delta").load(diffs.toString())
        .where("run_id = '" + runId + "'").orderBy("key", "diff_type")
        .selectExpr("concat(key, ' ', diff_type, ' ', coalesce(array_join(changed_columns, ','), ''))")
        .collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  /** Reconciles with pushdown on, then off; each run's exit code and recon_runs row. */
  private static List<Row> bothWays(SparkSession spark, PgFixture f, int exitCode) {
    List<Row> runs = new ArrayList<>();
    for (boolean pushdown : new boolean[] {true, false}) {
      CliRun run = reconcile(f, pushdown);
      assertEquals(exitCode, run.exitCode(), "pushdown " + pushdown + ": " + run);
      Row last = lastRun(spark, f);
      String source = last.getAs("source");
      assertEquals(pushdown, source.contains("aggregates computed in PostgreSQL"), source);
      runs.add(last);
    }
    for (String count : List.of("source_rows", "target_rows", "missing_rows", "extra_rows", "changed_rows")) {
      assertEquals(runs.get(0).<Long>getAs(count), runs.get(1).<Long>getAs(count), count);
    }
    return runs;
  }

  @Test
  void aFaithfulCopyOfSpecialValuesMatchesWithAndWithoutPushdown(SparkSession spark, LocalPostgres pg, @TempDir Path dir) {
    PgFixture f = loaded(pg, dir);
    for (Row run : bothWays(spark, f, 0)) {
      assertEquals("MATCH", run.getAs("verdict"), run.toString());
      assertEquals(5L, run.<Long>getAs("source_rows"));
      assertEquals(List.of(), diffs(spark, f, run.getAs("run_id")));
      // equal hashes, not a drill-down that found the rows equal: both engines render each value alike
      assertEquals(0L, run.<Long>getAs("mismatched_buckets"), run.<String>getAs("source"));
      // min and max meet the infinities: both sides' figures agree, whichever engine computed them
      List<String> profiles = spark.read().format("delta").load(f.lake().resolve("_trickle/recon/recon_columns").toString())
          .where("run_id = '" + run.getAs("run_id") + "'").orderBy("column_name", "metric")
          .selectExpr("concat_ws(' ', column_name, metric, source_value, target_value, verdict)")
          .collectAsList().stream().map(r -> r.getString(0)).toList();
      assertFalse(profiles.isEmpty());
      assertEquals(List.of(), profiles.stream().filter(p -> !p.endsWith(" MATCH")).toList());
    }
  }

  @Test
  void aTamperedSpecialValueIsNamedWithAndWithoutPushdown(SparkSession spark, LocalPostgres pg, @TempDir Path dir) {
    PgFixture f = loaded(pg, dir);
    String target = "delta.`" + f.target("specials") + "`";
    spark.sql("UPDATE " + target + " SET tz = TIMESTAMP '2026-01-01 00:00:00' WHERE id = 1");
    spark.sql("UPDATE " + target + " SET d = DATE '2026-01-01' WHERE id = 2");
    spark.sql("UPDATE " + target + " SET f8 = 0 WHERE id = 4");
    spark.sql("UPDATE " + target + " SET n = 'Infinity' WHERE id = 3");
    // infinity (clamped) against the largest ordinary value a few microseconds below it
    spark.sql("UPDATE " + target + " SET ts = TIMESTAMP_NTZ '9999-12-31 23:59:59.998' WHERE id = 1");
    List<String> expected = List.of("{\"id\":1} CHANGED ts,tz", "{\"id\":2} CHANGED d", "{\"id\":3} CHANGED n",
        "{\"id\":4} CHANGED f8");
    for (Row run : bothWays(spark, f, 1)) {
      assertEquals("MISMATCH", run.getAs("verdict"));
      assertEquals(expected, diffs(spark, f, run.getAs("run_id")), run.<String>getAs("source"));
    }
  }

  @Test
  void numericNaNStopsTheLoadWithOneLineNamingTheColumnAndAFix(SparkSession spark, LocalPostgres pg, @TempDir Path dir) {
    PgFixture f = amounts(pg, dir, "'NaN'", ", load.retry.attempts = 1");
    Path config = f.dir().resolve("pipeline.conf");
    CliRun load = CliRun.of("load", "-c", config.toString());
    assertTrue(load.exitCode() == 2 || load.exitCode() == 3, load.toString());
    String error = (load.out() + load.err()).lines().filter(l -> l.startsWith("Cannot load table amounts")).findFirst()
        .orElseThrow(() -> new AssertionError("no error line: " + load));
    for (String part : List.of("\"public\".\"amounts\"", "column amount holds NaN", "columns.exclude", "amount::float8")) {
      assertTrue(error.contains(part), part + " in: " + error);
    }
    assertTrue(error.endsWith("will be skipped."), "the whole error is one line: " + error);
    assertFalse(error.contains(".."), error);
    assertEquals(0, rows(spark, f.target("amounts")), "no row was written");

    // The fix the error names works: the source read through a query that selects the column as float8
    // (--restart: the failed load left the target empty, with the old column type).
    f.config("amounts { source { ref = pg, query = \"SELECT id, amount::float8 AS amount FROM public.amounts\" }, keys = [id] }");
    CliRun again = CliRun.of("load", "-c", config.toString(), "--restart");
    assertEquals(0, again.exitCode(), again.toString());
    assertEquals(1, spark.read().format("delta").load(f.target("amounts")).where("isnan(amount)").count());
    for (boolean pushdown : new boolean[] {true, false}) {
      CliRun run = reconcile(f, "amounts", pushdown);
      assertEquals(0, run.exitCode(), run.toString());
    }
  }

  private static long recordedRuns(SparkSession spark, PgFixture f) {
    return rows(spark, f.lake().resolve("_trickle/recon/recon_runs").toString());
  }

  private static long rows(SparkSession spark, String target) {
    return Files.exists(Path.of(target, "_delta_log")) ? spark.read().format("delta").load(target).count() : 0;
  }

  @Test
  void numericNaNAtTheSourceStopsReconcileNamingTheColumn(SparkSession spark, LocalPostgres pg, @TempDir Path dir) {
    PgFixture f = amounts(pg, dir, "2.00", "");
    assertEquals(0, CliRun.of("load", "-c", f.dir().resolve("pipeline.conf").toString()).exitCode());
    f.sql("UPDATE amounts SET amount = 'NaN' WHERE id = 2");
    for (boolean pushdown : new boolean[] {true, false}) {
      long runs = recordedRuns(spark, f);
      CliRun run = reconcile(f, "amounts", pushdown);
      assertEquals(3, run.exitCode(), run.toString());
      assertEquals(runs + 1, recordedRuns(spark, f), "pushdown " + pushdown + ": the failed run is recorded");
      String error = run.out().lines().filter(l -> l.contains("Cannot reconcile table amounts")).findFirst()
          .orElseThrow(() -> new AssertionError("no error line: " + run));
      for (String part : List.of("column amount holds NaN", "columns.exclude", "amount::float8")) {
        assertTrue(error.contains(part), part + " in: " + error);
      }
      assertFalse(error.contains(".."), error);
      assertEquals("ERROR", lastRun(spark, f).getAs("verdict"), "pushdown " + pushdown);
    }
  }
}
