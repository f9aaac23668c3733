package dev.trickle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.demo.LocalPostgres;
import dev.trickle.jobs.cli.CliRun;
import dev.trickle.jobs.load.PgFixture;
import dev.trickle.testing.SharedPostgres;
import dev.trickle.testing.SharedSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * reconcile of a PostgreSQL source through the CLI: the source's aggregates are computed in
 * PostgreSQL by default (reconcile.pushdown), and name exactly the differences the Spark path
 * names; rows changed at the source after the synced watermark (a renamed column here) are left
 * out either way.
 */
@ExtendWith({SharedSpark.class, SharedPostgres.class})
class ReconcilePostgresTest {
  private static final String TABLE = """
      orders { source { ref = pg, table = public.orders }, keys = [id], columns.rename { updated_at = changed_at },
        sync { mode = watermark, watermark-column = changed_at } }""";

  private static PgFixture loaded(LocalPostgres pg, Path dir) {
    PgFixture f = PgFixture.create(pg, dir);
    f.sql("CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric(10,2), note text, updated_at timestamptz)",
        "INSERT INTO orders SELECT g, g * 1.25, CASE WHEN g % 7 = 0 THEN NULL ELSE 'note ' || g END, "
            + "TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * INTERVAL '1 second' FROM generate_series(1, 200) g");
    CliRun load = CliRun.of("load", "-c", f.config(TABLE).toString());
    assertEquals(0, load.exitCode(), load.toString());
    return f;
  }

  private static CliRun reconcile(PgFixture f, String... overrides) {
    List<String> args = new java.util.ArrayList<>(List.of("reconcile", "-c", f.dir().resolve("pipeline.conf").toString()));
    for (String o : overrides) {
      args.add("-D");
      args.add(o);
    }
    return CliRun.of(args.toArray(String[]::new));
  }

  private static Row lastRun(SparkSession spark, PgFixture f) {
    return spark.read().format("delta").load(f.lake().resolve("_trickle/recon/recon_runs").toString())
        .orderBy(org.apache.spark.sql.functions.col("started_at").desc()).head();
  }

  /** RDDs kept in Spark's cache, but Delta's own table state (Delta keeps it for its log's next read). */
  private static long cachedByTrickle(SparkSession spark) {
    return scala.jdk.javaapi.CollectionConverters.asJava(spark.sparkContext().getPersistentRDDs()).values().stream()
        .filter(rdd -> rdd.name() == null || !rdd.name().startsWith("Delta Table State")).count();
  }

  private static String source(Row run) {
    return run.getAs("source");
  }

  private static List<String> diffs(SparkSession spark, PgFixture f, String runId) {
    return spark.read().format("delta").load(f.lake().resolve("_trickle/recon/recon_diffs").toString())
        .where("run_id = '" + runId + "'").orderBy("key", "diff_type")
        .selectExpr("concat(key, ' ', diff_type, ' ', coalesce(array_join(changed_columns, ','), ''))")
        .collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  @Test
  void pushdownNamesTheDifferencesTheSparkPathNames(SparkSession spark, LocalPostgres pg, @TempDir Path dir) {
    PgFixture f = loaded(pg, dir);
    CliRun clean = reconcile(f);
    assertEquals(0, clean.exitCode(), clean.toString());
    Row matched = lastRun(spark, f);
    assertEquals("MATCH", matched.getAs("verdict"));
    assertTrue(source(matched).contains("aggregates computed in PostgreSQL"), source(matched));

    String target = f.target("orders");
    spark.sql("UPDATE delta.`" + target + "` SET note = 'tampered' WHERE id = 5");
    spark.sql("UPDATE delta.`" + target + "` SET amount = 0.01 WHERE id = 14");
    spark.sql("DELETE FROM delta.`" + target + "` WHERE id = 6");
    spark.sql("INSERT INTO delta.`" + target + "` SELECT 1000, amount, note, changed_at FROM delta.`" + target + "` WHERE id = 8");

    CliRun pushed = reconcile(f);
    assertEquals(1, pushed.exitCode(), pushed.toString());
    Row pushedRun = lastRun(spark, f);
    assertTrue(source(pushedRun).contains("aggregates computed in PostgreSQL"), source(pushedRun));
    List<String> expected = List.of("{\"id\":1000} EXTRA_IN_TARGET ", "{\"id\":14} CHANGED amount", "{\"id\":5} CHANGED note",
        "{\"id\":6} MISSING_IN_TARGET ");
    assertEquals(expected, diffs(spark, f, pushedRun.getAs("run_id")));

    CliRun bySpark = reconcile(f, "trickle.tables.orders.reconcile.pushdown=false");
    assertEquals(1, bySpark.exitCode(), bySpark.toString());
    Row sparkRun = lastRun(spark, f);
    assertTrue(source(sparkRun).contains("aggregates computed by Spark: reconcile.pushdown is false"), source(sparkRun));
    assertEquals(expected, diffs(spark, f, sparkRun.getAs("run_id")));
    for (String count : List.of("source_rows", "target_rows", "missing_rows", "extra_rows", "changed_rows")) {
      assertEquals(pushedRun.<Long>getAs(count), sparkRun.<Long>getAs(count), count);
    }
  }

  @Test
  void rowsChangedAfterTheSyncedWatermarkAreLeftOutWithAndWithoutPushdown(SparkSession spark, LocalPostgres pg,
      @TempDir Path dir) {
    PgFixture f = loaded(pg, dir);
    // After the load's position: one row updated, one inserted.
    f.sql("UPDATE orders SET note = 'later', updated_at = TIMESTAMPTZ '2026-02-01 00:00:00+00' WHERE id = 3",
        "INSERT INTO orders VALUES (500, 1.00, 'new', TIMESTAMPTZ '2026-02-01 00:00:01+00')");
    for (String pushdown : List.of("true", "false")) {
      long cachedBefore = cachedByTrickle(spark);
      CliRun run = reconcile(f, "trickle.tables.orders.reconcile.pushdown=" + pushdown);
      assertEquals(0, run.exitCode(), pushdown + ": " + run);
      assertEquals(cachedBefore, cachedByTrickle(spark), "the late keys are freed after the check");
      Row last = lastRun(spark, f);
      assertEquals(2L, last.<Long>getAs("skipped_rows"), pushdown);
      assertEquals(199L, last.<Long>getAs("source_rows"), pushdown);
      assertEquals(pushdown.equals("true"), source(last).contains("computed in PostgreSQL"), source(last));
    }
    // A row changed behind the watermark's back (its watermark not moved) is a difference.
    f.sql("UPDATE orders SET amount = 99.99 WHERE id = 9");
    for (String pushdown : List.of("true", "false")) {
      CliRun run = reconcile(f, "trickle.tables.orders.reconcile.pushdown=" + pushdown);
      assertEquals(1, run.exitCode(), pushdown + ": " + run);
      assertEquals(List.of("{\"id\":9} CHANGED amount"), diffs(spark, f, lastRun(spark, f).getAs("run_id")), pushdown);
    }
  }

  @Test
  void aSourceWithoutAnIdenticalTextInBothEnginesIsComparedBySparkAndSaysWhy(SparkSession spark, LocalPostgres pg,
      @TempDir Path dir) {
    PgFixture f = loaded(pg, dir);
    CliRun run = reconcile(f, "trickle.tables.orders.columns.cast.amount=\"decimal(10,2)\"");
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(source(lastRun(spark, f)).contains("aggregates computed by Spark: columns.cast is set"),
        source(lastRun(spark, f)));
  }
}
