package dev.trickle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.jobs.cli.CliRun;
import dev.trickle.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The demo end to end, as a user runs it: every sample table lands in Delta and the config it wrote is valid. */
@ExtendWith(SharedSpark.class)
class DemoTest {

  @Test
  void theDemoLoadsEverySampleTable(SparkSession spark, @TempDir Path dir) {
    Path workdir = dir.resolve("demo");
    CliRun run = CliRun.of(Map.of("TRICKLE_MASK_SALT", "demo-salt"), "demo", "--workdir", workdir.toString(), "--rows", "500");
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("demo [8/8] show what was loaded"), run.out());
    assertTrue(run.out().contains("scripts/trickle sql -c "), run.out());
    assertTrue(run.out().contains("demo: stopped the embedded PostgreSQL"), run.out());

    String lake = workdir.resolve("lake").toString();
    assertEquals(500, spark.read().format("delta").load(lake + "/orders").count());
    assertEquals(50, spark.read().format("delta").load(lake + "/customers").count());
    long items = spark.read().format("delta").load(lake + "/orders").selectExpr("sum(1 + order_id % 3)").head().getLong(0);
    assertEquals(items, spark.read().format("delta").load(lake + "/order_items").count());
    assertEquals(spark.read().parquet(workdir.resolve("sources/parquet/events").toString()).count(),
        spark.read().format("delta").load(lake + "/events").count());
    assertEquals(spark.table("lake_ice.inventory.stock").count(),
        spark.read().format("delta").load(lake + "/stock").count());
    assertEquals(0, spark.read().format("delta").load(lake + "/customers").where("email LIKE '%@example.com'").count(),
        "emails are masked");

    assertTrue(Files.isRegularFile(workdir.resolve("demo.conf")));
    CliRun validate = CliRun.of(Map.of("TRICKLE_MASK_SALT", "demo-salt"), "validate", "-c", workdir.resolve("demo.conf").toString());
    assertEquals(0, validate.exitCode(), validate.toString());
  }

  @Test
  void rowsOutOfRangeAreBadUsage(@TempDir Path dir) {
    CliRun run = CliRun.of("demo", "--workdir", dir.toString(), "--rows", "5");
    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().contains("--rows 5 is out of range"), run.err());
  }
}
