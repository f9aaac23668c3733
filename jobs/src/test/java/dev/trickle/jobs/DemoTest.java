package dev.trickle.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.ExitCode;
import dev.trickle.config.TableConfig;
import dev.trickle.config.TrickleConfig;
import dev.trickle.jobs.cli.CliRun;
import dev.trickle.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DecimalType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo end to end: load, reconcile, change every source, sync, reconcile, tamper. While its
 * PostgreSQL still runs, every target is compared with its source here, with plain Spark reads of
 * the sources (not trickle's), and the recon and sync ledgers are checked for the verdicts the
 * demo printed.
 */
@ExtendWith(SharedSpark.class)
class DemoTest {
  private static final Map<String, String> ENV = Map.of("TRICKLE_MASK_SALT", "demo-salt");

  @Test
  void theDemoLoadsReconcilesSyncsAndFindsTheTamper(SparkSession spark, @TempDir Path dir) {
    Path workdir = dir.resolve("demo");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stream = new PrintStream(printed, true, StandardCharsets.UTF_8);
    Demo demo = new Demo(workdir, 300, ENV, new Console(stream, stream, false));
    List<String> problems = new ArrayList<>();
    Map<String, Set<String>> tamperDiffs = new java.util.HashMap<>();
    ExitCode exit = demo.run(() -> {
      for (TableConfig table : demo.config().tables().values()) {
        if (!table.name().equals(Demo.TAMPERED)) {
          problems.addAll(differences(spark, demo.config(), table));
        }
      }
      tamperDiffs.putAll(keyDiffs(spark, demo.config(), demo.config().tables().get(Demo.TAMPERED)));
    });
    String out = printed.toString(StandardCharsets.UTF_8);
    assertEquals(ExitCode.OK, exit, out);
    assertEquals(List.of(), problems, "after sync every target equals its source\n" + out);

    String reconDir = demo.config().reconDir();
    Dataset<Row> runs = spark.read().format("delta").load(reconDir + "/recon_runs");
    assertEquals(2, demo.reconcileOutcomes().size());
    for (JobRunner.Outcome outcome : demo.reconcileOutcomes()) {
      List<Row> verdicts = runs.where(col("run_id").equalTo(outcome.runId())).select("table_name", "verdict").collectAsList();
      assertEquals(demo.config().tables().keySet(), verdicts.stream().map(r -> r.getString(0)).collect(Collectors.toSet()));
      assertTrue(verdicts.stream().allMatch(r -> r.getString(1).equals("MATCH")), verdicts + "\n" + out);
    }

    String tamperRun = demo.tamperedOutcome().runId();
    Row tampered = runs.where(col("run_id").equalTo(tamperRun))
        .select("table_name", "verdict", "missing_rows", "extra_rows", "changed_rows").head();
    assertEquals("events MISMATCH 1 1 1", tampered.getString(0) + " " + tampered.getString(1) + " " + tampered.getLong(2)
        + " " + tampered.getLong(3) + " " + tampered.getLong(4));
    List<Row> diffs = spark.read().format("delta").load(reconDir + "/recon_diffs").where(col("run_id").equalTo(tamperRun))
        .select("diff_type", "key", "changed_columns").collectAsList();
    assertEquals(3, diffs.size(), diffs.toString());
    Map<String, String> keyByType = diffs.stream().collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1)));
    // The test's own comparison of the events source and target names the same keys.
    assertEquals(tamperDiffs.get("missing"), Set.of(digits(keyByType.get("MISSING_IN_TARGET"))));
    assertEquals(tamperDiffs.get("extra"), Set.of(digits(keyByType.get("EXTRA_IN_TARGET"))));
    assertEquals(tamperDiffs.get("changed"), Set.of(digits(keyByType.get("CHANGED"))));
    assertEquals(List.of("kind"), diffs.stream().filter(r -> r.getString(0).equals("CHANGED")).findFirst().orElseThrow().getList(2));

    Map<String, Row> batches = spark.read().format("delta").load(demo.config().stateDir() + "/sync_batches")
        .select("table_name", "mode", "status", "rows_inserted", "rows_updated", "rows_deleted").collectAsList()
        .stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
    assertEquals(demo.config().tables().keySet(), batches.keySet());
    assertEquals("iceberg-snapshots", batches.get("stock").getString(1));
    assertEquals("parquet-files", batches.get("events").getString(1));
    assertEquals("delta-cdf", batches.get("products").getString(1));
    assertEquals("cdc", batches.get("order_items").getString(1));
    assertEquals("watermark", batches.get("orders").getString(1));
    assertEquals("watermark", batches.get("customers").getString(1));
    for (Row batch : batches.values()) {
      assertEquals("DONE", batch.getString(2), batch.toString());
      // Every source had inserts and deletes; the Parquet folder's change is a new and a removed file (no updates).
      boolean updates = !batch.getString(0).equals("events");
      assertTrue(batch.getLong(3) > 0 && batch.getLong(5) > 0 && (batch.getLong(4) > 0) == updates,
          "inserts, updates and deletes arrived: " + batch);
    }

    assertTrue(out.contains("That MISMATCH is expected"), out);
    assertTrue(out.contains("recon_diffs WHERE run_id = '" + tamperRun + "'"), out);
    assertTrue(out.contains("scripts/trickle status -c "), out);
    assertTrue(out.contains("demo: stopped the embedded PostgreSQL"), out);
    assertEquals(0, spark.read().format("delta").load(demo.config().warehouse() + "/customers")
        .where("email LIKE '%@example.com'").count(), "emails are masked");
    assertTrue(Files.isRegularFile(workdir.resolve("demo.conf")));
    CliRun validate = CliRun.of(ENV, "validate", "-c", workdir.resolve("demo.conf").toString());
    assertEquals(0, validate.exitCode(), validate.toString());
  }

  @Test
  void rowsOutOfRangeAreBadUsage(@TempDir Path dir) {
    CliRun run = CliRun.of("demo", "--workdir", dir.toString(), "--rows", "5");
    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().contains("--rows 5 is out of range"), run.err());
  }

  /** Rows in one side and not the other (both ways), over the target's columns except masked ones. */
  private static List<String> differences(SparkSession spark, TrickleConfig config, TableConfig table) {
    Dataset<Row> target = spark.read().format("delta").load(config.warehouse() + "/" + table.name());
    List<String> columns = new ArrayList<>(List.of(target.columns()));
    columns.removeAll(table.columns().mask().keySet());
    Dataset<Row> raw = source(spark, config, table);
    Dataset<Row> source = normalized(raw, target, columns);
    Dataset<Row> copy = normalized(target, raw, columns);
    List<String> out = new ArrayList<>();
    source.exceptAll(copy).limit(5).collectAsList().forEach(r -> out.add(table.name() + " lacks " + r));
    copy.exceptAll(source).limit(5).collectAsList().forEach(r -> out.add(table.name() + " has extra " + r));
    return out;
  }

  /** The events table's keys missing from, extra in and changed in the target, by the test's own join. */
  private static Map<String, Set<String>> keyDiffs(SparkSession spark, TrickleConfig config, TableConfig table) {
    Dataset<Row> target = spark.read().format("delta").load(config.warehouse() + "/" + table.name());
    List<String> columns = List.of(target.columns());
    Dataset<Row> raw = source(spark, config, table);
    Dataset<Row> lacks = normalized(raw, target, columns).exceptAll(normalized(target, raw, columns));
    Dataset<Row> extra = normalized(target, raw, columns).exceptAll(normalized(raw, target, columns));
    Set<String> lacking = keys(lacks);
    Set<String> surplus = keys(extra);
    Set<String> changed = lacking.stream().filter(surplus::contains).collect(Collectors.toSet());
    return Map.of("missing", minus(lacking, changed), "extra", minus(surplus, changed), "changed", changed);
  }

  private static Set<String> keys(Dataset<Row> rows) {
    return rows.select("event_id").collectAsList().stream().map(r -> r.getString(0)).collect(Collectors.toSet());
  }

  private static Set<String> minus(Set<String> a, Set<String> b) {
    return a.stream().filter(x -> !b.contains(x)).collect(Collectors.toSet());
  }

  private static String digits(String json) {
    return json.replaceAll("[^0-9]", "");
  }

  /** The source read with plain Spark: JDBC, Parquet, Iceberg or Delta. */
  private static Dataset<Row> source(SparkSession spark, TrickleConfig config, TableConfig table) {
    var src = config.sourceOf(table);
    return switch (src.kind()) {
      case JDBC -> {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        yield spark.read().jdbc(src.url().orElseThrow(), table.source().table().orElseThrow(), props);
      }
      case PARQUET -> spark.read().parquet(table.source().path().orElseThrow());
      case ICEBERG -> spark.table("lake_ice." + table.source().table().orElseThrow());
      case DELTA -> spark.read().format("delta").load(table.source().path().orElseThrow());
    };
  }

  /**
   * Every column as text; a column that is a decimal on either side is first cast to one decimal
   * type on both (an unbounded PostgreSQL numeric lands as exact text, Spark's JDBC reads it as
   * decimal(38,18)), so declared types do not matter.
   */
  private static Dataset<Row> normalized(Dataset<Row> rows, Dataset<Row> other, List<String> columns) {
    Column[] out = columns.stream().map(c -> {
      Column v = col(c);
      if (rows.schema().apply(c).dataType() instanceof DecimalType || other.schema().apply(c).dataType() instanceof DecimalType) {
        v = v.cast("decimal(38,10)");
      }
      return v.cast("string").as(c);
    }).toArray(Column[]::new);
    return rows.select(out);
  }
}
