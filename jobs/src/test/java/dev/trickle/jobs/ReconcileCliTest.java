package dev.trickle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trickle.jobs.cli.CliRun;
import dev.trickle.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code reconcile} end to end through the CLI: exit codes, console, --json and the recon tables. */
@ExtendWith(SharedSpark.class)
class ReconcileCliTest {
  private static final String CONFIG = """
      trickle {
        warehouse = "%s/lake"
        sources { files { type = parquet } }
        tables {
          orders {
            source { ref = files, path = "%s/orders-parquet" }
            keys = [id]
            columns { rename { note = remark } }
            reconcile { partition-by = [day] }
          }
        }
      }
      """;

  private static Path setUp(SparkSession spark, Path dir) throws Exception {
    Dataset<Row> source = spark.sql("""
        SELECT id, CAST(id * 1.25 AS DECIMAL(12,2)) AS amount, CONCAT('note ', id) AS note,
               DATE_ADD(DATE'2026-11-01', CAST(id % 3 AS INT)) AS day
        FROM range(1, 41)""");
    source.write().parquet(dir.resolve("orders-parquet").toString());
    // A faithful copy, as load would write it: renamed column, amount widened, columns reordered.
    spark.read().parquet(dir.resolve("orders-parquet").toString())
        .selectExpr("day", "CAST(amount AS DECIMAL(18,4)) AS amount", "note AS remark", "id")
        .write().format("delta").save(dir.resolve("lake/orders").toString());
    return Files.writeString(dir.resolve("p.conf"), CONFIG.formatted(dir, dir));
  }

  @Test
  void faithfulCopyMatchesThenTamperingIsNamedRowByRow(SparkSession spark, @TempDir Path dir) throws Exception {
    Path config = setUp(spark, dir);
    CliRun clean = CliRun.of("reconcile", "-c", config.toString());
    assertEquals(0, clean.exitCode(), clean.toString());
    assertTrue(clean.out().contains("orders: MATCH  source 40 row(s), target 40 row(s)"), clean.out());

    String target = dir.resolve("lake/orders").toString();
    spark.sql("UPDATE delta.`" + target + "` SET remark = 'tampered' WHERE id = 7");
    spark.sql("DELETE FROM delta.`" + target + "` WHERE id = 13");
    spark.sql("INSERT INTO delta.`" + target + "` VALUES (DATE'2026-11-02', 1.0, 'intruder', 99)");
    CliRun tampered = CliRun.of("reconcile", "-c", config.toString(), "--json");
    assertEquals(1, tampered.exitCode(), tampered.toString());
    JsonNode json = new ObjectMapper().readTree(tampered.out());
    JsonNode orders = json.get("tables").get(0);
    assertEquals("MISMATCH", orders.get("verdict").asText());
    assertEquals(1, orders.get("missing_rows").asLong());
    assertEquals(1, orders.get("extra_rows").asLong());
    assertEquals(1, orders.get("changed_rows").asLong());
    assertTrue(tampered.err().contains("CHANGED {\"id\":7} [remark]"), tampered.err());

    String runId = json.get("run_id").asText();
    String recon = dir.resolve("lake/_trickle/recon").toString();
    Map<String, Row> diffs = spark.read().format("delta").load(recon + "/recon_diffs").where("run_id = '" + runId + "'")
        .collectAsList().stream().collect(Collectors.toMap(r -> r.getAs("key"), r -> r));
    assertEquals(3, diffs.size(), diffs.toString());
    assertEquals("CHANGED", diffs.get("{\"id\":7}").getAs("diff_type"));
    assertEquals(List.of("remark"), diffs.get("{\"id\":7}").getList(diffs.get("{\"id\":7}").fieldIndex("changed_columns")));
    assertEquals("MISSING_IN_TARGET", diffs.get("{\"id\":13}").getAs("diff_type"));
    assertTrue(((String) diffs.get("{\"id\":13}").getAs("source_row")).contains("\"remark\":\"note 13\""));
    assertEquals("EXTRA_IN_TARGET", diffs.get("{\"id\":99}").getAs("diff_type"));

    List<Row> runs = spark.read().format("delta").load(recon + "/recon_runs").orderBy("started_at").collectAsList();
    assertEquals(List.of("MATCH", "MISMATCH"), runs.stream().map(r -> r.<String>getAs("verdict")).toList());
    Row partitions = spark.read().format("delta").load(recon + "/recon_partitions")
        .where("run_id = '" + runId + "'").selectExpr("count(*)", "sum(source_rows)", "sum(target_rows)",
            "count_if(verdict = 'MISMATCH')").head();
    assertEquals(3L, partitions.getLong(0), "one row per day");
    assertEquals(40L, partitions.getLong(1));
    assertEquals(40L, partitions.getLong(2));
    assertTrue(partitions.getLong(3) >= 1);
    List<Row> keys = spark.read().format("delta").load(recon + "/recon_keys").where("run_id = '" + runId + "'")
        .where("metric = 'distinct_keys'").collectAsList();
    assertEquals("40", keys.get(0).getAs("source_value"));
    assertEquals("40", keys.get(0).getAs("target_value"));
    Row remarkNulls = spark.read().format("delta").load(recon + "/recon_columns")
        .where("run_id = '" + runId + "' AND column_name = 'remark' AND metric = 'max'").head();
    assertEquals("note 9", remarkNulls.getAs("source_value"));
    assertEquals("tampered", remarkNulls.getAs("target_value"));
    assertEquals("MISMATCH", remarkNulls.getAs("verdict"));

    CliRun verdicts = CliRun.of("sql", "-c", config.toString(), "-f", "../notebooks/latest-verdicts.sql", "--json");
    assertEquals(0, verdicts.exitCode(), verdicts.toString());
    JsonNode latest = new ObjectMapper().readTree(verdicts.out()).get("rows");
    assertEquals(1, latest.size());
    assertEquals("MISMATCH", latest.get(0).get(1).asText());
    CliRun history = CliRun.of("sql", "-c", config.toString(), "-f", "../notebooks/mismatch-history.sql", "--json");
    assertEquals("2", new ObjectMapper().readTree(history.out()).get("rows").get(0).get(2).asText(), history.toString());
    CliRun latestDiffs = CliRun.of("sql", "-c", config.toString(), "-f", "../notebooks/latest-diffs.sql", "--json");
    assertEquals(3, new ObjectMapper().readTree(latestDiffs.out()).get("rows").size(), latestDiffs.toString());

    // Only the views a query names are read (each costs a read of its Delta log).
    for (String view : List.of("runs", "recon_runs", "recon_columns", "orders")) {
      spark.catalog().dropTempView(view);
    }
    CliRun counted = CliRun.of("sql", "-c", config.toString(), "-e", "SELECT count(*) FROM `runs` WHERE command = 'reconcile'", "--json");
    assertEquals(2, new ObjectMapper().readTree(counted.out()).get("rows").get(0).get(0).asInt(), counted.toString());
    assertTrue(spark.catalog().tableExists("runs"));
    assertTrue(!spark.catalog().tableExists("recon_columns") && !spark.catalog().tableExists("orders")
        && !spark.catalog().tableExists("recon_runs"), "views the query does not name are not read");
    CliRun wrong = CliRun.of("sql", "-c", config.toString(), "-e", "SELECT * FROM nothing_here");
    assertEquals(2, wrong.exitCode(), wrong.toString());
    assertTrue(wrong.err().contains("Views available: ") && wrong.err().contains("recon_columns"), wrong.err());
  }

  @Test
  void anUnreadableSideIsAnErrorVerdictAndExit3(SparkSession spark, @TempDir Path dir) throws Exception {
    Path config = setUp(spark, dir);
    CliRun noTarget = CliRun.of("reconcile", "-c", config.toString(), "-D", "tables.orders.target.path=" + dir.resolve("nowhere"));
    assertEquals(3, noTarget.exitCode(), noTarget.toString());
    assertTrue(noTarget.out().contains("orders: ERROR  Cannot reconcile table orders: its target"), noTarget.out());
    Row run = spark.read().format("delta").load(dir.resolve("lake/_trickle/recon/recon_runs").toString()).head();
    assertEquals("ERROR", run.getAs("verdict"));
  }

  @Test
  void keysThatNameNoColumnAreBadInputAndNothingIsWritten(SparkSession spark, @TempDir Path dir) throws Exception {
    Path config = setUp(spark, dir);
    CliRun bad = CliRun.of("reconcile", "-c", config.toString(), "-D", "tables.orders.reconcile.ignore-columns=[nope]");
    assertEquals(2, bad.exitCode(), bad.toString());
    assertTrue(bad.err().contains("Cannot reconcile table orders: ignore-columns: 'nope' is a column of neither side"), bad.err());
    assertTrue(!Files.exists(dir.resolve("lake/_trickle/recon/recon_runs")));
  }
}
