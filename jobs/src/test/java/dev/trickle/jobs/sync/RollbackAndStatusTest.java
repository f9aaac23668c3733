package dev.trickle.jobs.sync;

import static dev.trickle.jobs.sync.SyncFixture.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trickle.jobs.cli.CliRun;
import dev.trickle.state.SyncLedger;
import dev.trickle.state.SyncLedger.Status;
import dev.trickle.testing.SharedSpark;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** rollback then sync; status before and after; the bad-input paths of both and of sync. */
@ExtendWith(SharedSpark.class)
class RollbackAndStatusTest {
  private static final String PIPELINE = """
      trickle {
        warehouse = "$DIR/lake"
        sources { old { type = delta, path = "$DIR/src" } }
        tables {
          items { source { ref = old, path = "items" }, keys = [id] }
          never { source { ref = old, path = "items" }, keys = [id], target.path = "$DIR/lake/never" }
        }
      }
      """;

  @Test
  void rollbackRestoresABatchAndTheNextSyncAppliesTheUndoneChangesAgain(SparkSession spark, @TempDir Path dir) {
    SyncFixture f = new SyncFixture(spark, dir, PIPELINE);
    String src = dir.resolve("src/items").toString();
    spark.range(20).selectExpr("id", "'a' AS name").write().format("delta").option("delta.enableChangeDataFeed", "true").save(src);
    f.load("items");
    spark.sql("UPDATE delta.`" + src + "` SET name = 'b' WHERE id < 5");
    f.sync("items", 0);
    long sourceAtBatch1 = f.batches("items").get(0).to().getLong("version").getAsLong();
    spark.sql("DELETE FROM delta.`" + src + "` WHERE id >= 15");
    spark.sql("INSERT INTO delta.`" + src + "` VALUES (100, 'c')");
    f.sync("items", 0);

    JsonNode rollback = f.json(f.cli("rollback", "--table", "items", "--to-batch", "1", "--json"), 0);
    assertEquals(1, rollback.get("to_batch").asLong(), rollback.toString());
    assertSameRows(spark.read().format("delta").option("versionAsOf", sourceAtBatch1).load(src), f.targetRows("items"), "id", "name");
    List<SyncLedger.Batch> batches = f.batches("items");
    assertEquals(Status.ROLLED_BACK, batches.get(1).status());
    assertEquals(SyncLedger.ROLLBACK_MODE, batches.get(2).mode());
    assertEquals(Status.DONE, batches.get(2).status());
    assertEquals(f.targetVersion("items"), batches.get(2).targetVersion());

    JsonNode again = f.sync("items", 0);
    assertEquals(4, again.get("batch_id").asLong());
    assertEquals(5, again.get("rows_deleted").asLong(), again.toString());
    assertEquals(1, again.get("rows_inserted").asLong(), again.toString());
    assertSameRows(spark.read().format("delta").load(src), f.targetRows("items"), "id", "name");
  }

  @Test
  void statusShowsBatchesLagReconcileAndLock(SparkSession spark, @TempDir Path dir) throws Exception {
    SyncFixture f = new SyncFixture(spark, dir, PIPELINE);
    String src = dir.resolve("src/items").toString();
    spark.range(10).selectExpr("id", "'a' AS name").write().format("delta").option("delta.enableChangeDataFeed", "true").save(src);
    f.load("items");
    spark.sql("UPDATE delta.`" + src + "` SET name = 'b' WHERE id < 3");
    f.sync("items", 0);
    spark.sql("DELETE FROM delta.`" + src + "` WHERE id = 9");
    StructType recon = new StructType().add("run_id", DataTypes.StringType).add("table_name", DataTypes.StringType)
        .add("verdict", DataTypes.StringType).add("finished_at", DataTypes.TimestampType);
    spark.createDataFrame(List.of(RowFactory.create("r1", "items", "MATCH", Timestamp.from(Instant.parse("2026-01-02T03:04:05Z")))), recon)
        .write().format("delta").save(dir.resolve("lake/_trickle/recon/recon_runs").toString());

    CliRun run = f.cli("status", "--json");
    assertEquals(0, run.exitCode(), run.toString());
    JsonNode tables = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out()).get("tables");
    JsonNode items = byTable(tables, "items");
    assertEquals("syncing", items.get("phase").asText());
    assertEquals(3, items.get("last_batch").get("rows_updated").asLong(), items.toString());
    assertTrue(items.get("lag").asText().startsWith("1 version(s) behind"), items.toString());
    assertTrue(items.get("reconcile").asText().startsWith("MATCH at 2026-01-02"), items.toString());
    assertEquals("free", items.get("lock").asText());
    JsonNode never = byTable(tables, "never");
    assertEquals("not loaded", never.get("phase").asText());
    assertTrue(run.err().contains("items") && run.err().contains("1 version(s) behind"), "a table for people on stderr: " + run.err());
  }

  private static JsonNode byTable(JsonNode tables, String name) {
    for (JsonNode t : tables) {
      if (t.get("table").asText().equals(name)) {
        return t;
      }
    }
    throw new AssertionError("no " + name + " in " + tables);
  }

  @Test
  void badRequestsExit2AndTouchNothing(SparkSession spark, @TempDir Path dir) {
    SyncFixture f = new SyncFixture(spark, dir, PIPELINE);
    String src = dir.resolve("src/items").toString();
    spark.range(3).selectExpr("id", "'a' AS name").write().format("delta").option("delta.enableChangeDataFeed", "true").save(src);
    spark.range(3).selectExpr("id", "'a' AS name").write().format("delta").save(dir.resolve("lake/never").toString());

    JsonNode never = f.json(f.cli("sync", "--table", "never", "--json"), 2);
    assertTrue(never.get("error").asText().contains("it was never loaded. Run trickle load"), never.toString());
    JsonNode noTarget = f.json(f.cli("sync", "--table", "items", "--json"), 2);
    assertTrue(noTarget.get("error").asText().contains("is not a Delta table yet. Run trickle load"), noTarget.toString());
    f.load("items");
    JsonNode noBatch = f.json(f.cli("rollback", "--table", "items", "--to-batch", "7", "--json"), 2);
    assertTrue(noBatch.get("error").asText().contains("there is no such batch"), noBatch.toString());
    assertEquals(List.of(), f.batches("items"));
  }
}
