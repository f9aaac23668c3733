package dev.trickle.jobs.sync;

import static dev.trickle.jobs.sync.SyncFixture.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trickle.state.SyncLedger;
import dev.trickle.testing.SharedSpark;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** delta-cdf end to end through the CLI: each batch leaves the target equal to the source. */
@ExtendWith(SharedSpark.class)
class DeltaCdfSyncTest {
  private static final String PIPELINE = """
      trickle {
        warehouse = "$DIR/lake"
        sources { old { type = delta, path = "$DIR/src" } }
        tables { items { source { ref = old, path = "items" }, keys = [id] } }
      }
      """;

  /** The source table {@code src/items} with its change data feed on, from {@code rows}. */
  private static String source(Dataset<Row> rows, Path dir) {
    String path = dir.resolve("src/items").toString();
    rows.write().format("delta").option("delta.enableChangeDataFeed", "true").save(path);
    return path;
  }

  private static void sql(SparkSession spark, String statement, Path dir) {
    spark.sql(statement.replace("SRC", "delta.`" + dir.resolve("src/items") + "`"));
  }

  @Test
  void insertsUpdatesDeletesAndAReinsertedKeyLandOnce(SparkSession spark, @TempDir Path dir) {
    SyncFixture f = new SyncFixture(spark, dir, PIPELINE);
    source(spark.range(20).selectExpr("id", "concat('n', id) AS name", "CAST(id * 10 AS DECIMAL(12,2)) AS amount"), dir);
    f.load("items");

    sql(spark, "INSERT INTO SRC VALUES (100, 'new', 1.00), (101, 'new', 2.00), (102, 'new', 3.00)", dir);
    sql(spark, "UPDATE SRC SET name = 'changed' WHERE id IN (1, 2)", dir);
    sql(spark, "DELETE FROM SRC WHERE id IN (3, 4, 5)", dir);
    sql(spark, "INSERT INTO SRC VALUES (5, 'back again', 55.00)", dir);
    sql(spark, "UPDATE SRC SET name = name WHERE id = 6", dir); // a change that changes nothing
    JsonNode batch = f.sync("items", 0);

    assertEquals("DONE", batch.get("status").asText(), batch.toString());
    assertEquals(3, batch.get("rows_inserted").asLong(), "100, 101, 102");
    assertEquals(3, batch.get("rows_updated").asLong(), "1, 2 and 5 (deleted, then inserted anew); 6 was set to itself");
    assertEquals(2, batch.get("rows_deleted").asLong(), "3 and 4");
    assertSameRows(spark.read().format("delta").load(dir.resolve("src/items").toString()), f.targetRows("items"),
        "id", "name", "amount");

    SyncLedger.Batch recorded = f.batches("items").get(0);
    assertEquals(SyncLedger.Status.DONE, recorded.status());
    assertEquals(f.targetVersion("items"), recorded.targetVersion());
    assertEquals(5L, recorded.to().getLong("version").getAsLong(), "the source version after its five changes");
  }

  private static final String CHAIN = """
      trickle {
        warehouse = "$DIR/lake"
        sources { old { type = delta, path = "$DIR/src" }, lake { type = delta, path = "$DIR/lake" } }
        tables {
          items { source { ref = old, path = "items" }, keys = [id] }
          merged { source { ref = old, path = "items" }, keys = [id], sync.apply = merge }
          onward { source { ref = lake, path = "items" }, keys = [id] }
        }
      }
      """;

  private static String lastOperation(SparkSession spark, String path) {
    return io.delta.tables.DeltaTable.forPath(spark, path).history(1).select("operation").first().getString(0);
  }

  @Test
  void anUpsertOnlyBatchReplacesRowsByKeyAndASyncOfThatTargetOnwardFollowsIt(SparkSession spark, @TempDir Path dir) {
    SyncFixture f = new SyncFixture(spark, dir, CHAIN);
    String src = source(spark.range(20).selectExpr("id", "concat('n', id) AS name", "CAST(id * 10 AS DECIMAL(12,2)) AS amount"), dir);
    f.load("items");
    f.load("merged");
    f.load("onward");

    sql(spark, "INSERT INTO SRC VALUES (100, 'new', 1.00), (101, 'new', 2.00)", dir);
    sql(spark, "UPDATE SRC SET name = 'changed' WHERE id IN (1, 2)", dir);
    JsonNode replaced = f.sync("items", 0);
    JsonNode merged = f.sync("merged", 0);

    for (JsonNode batch : java.util.List.of(replaced, merged)) {
      assertEquals(java.util.List.of(2L, 2L, 0L), java.util.List.of(batch.get("rows_inserted").asLong(),
          batch.get("rows_updated").asLong(), batch.get("rows_deleted").asLong()), batch.toString());
    }
    assertEquals("WRITE", lastOperation(spark, f.target("items")), "replaced by key (sync.apply = auto)");
    assertEquals("MERGE", lastOperation(spark, f.target("merged")), "sync.apply = merge");
    assertSameRows(spark.read().format("delta").load(src), f.targetRows("items"), "id", "name", "amount");
    assertSameRows(spark.read().format("delta").load(src), f.targetRows("merged"), "id", "name", "amount");

    // The replaced target's change feed has a delete and an insert per updated key in one commit:
    // a sync of that target onward takes the insert.
    JsonNode onward = f.sync("onward", 0);
    assertEquals("DONE", onward.get("status").asText(), onward.toString());
    assertEquals(4, onward.get("rows_inserted").asLong() + onward.get("rows_updated").asLong(), onward.toString());
    assertSameRows(f.targetRows("items"), f.targetRows("onward"), "id", "name", "amount");
  }

  @Test
  void nothingNewIsANoOpThatLeavesTheTargetVersion(SparkSession spark, @TempDir Path dir) {
    SyncFixture f = new SyncFixture(spark, dir, PIPELINE);
    source(spark.range(5).selectExpr("id", "'x' AS name", "CAST(1 AS DECIMAL(12,2)) AS amount"), dir);
    f.load("items");
    long before = f.targetVersion("items");

    JsonNode batch = f.sync("items", 0);

    assertEquals("NOOP", batch.get("status").asText());
    assertEquals(before, f.targetVersion("items"));
    assertEquals(before, batch.get("target_version").asLong());
  }

  @Test
  void aPlainOverwriteOfTheSourceLandsAsDeletesAndInserts(SparkSession spark, @TempDir Path dir) {
    SyncFixture f = new SyncFixture(spark, dir, PIPELINE);
    String src = source(spark.range(10).selectExpr("id", "'old' AS name", "CAST(1 AS DECIMAL(12,2)) AS amount"), dir);
    f.load("items");

    spark.range(5, 15).selectExpr("id", "'new' AS name", "CAST(2 AS DECIMAL(12,2)) AS amount")
        .write().format("delta").mode("overwrite").save(src);
    JsonNode batch = f.sync("items", 0);

    assertEquals(5, batch.get("rows_deleted").asLong(), batch.toString());
    assertSameRows(spark.read().format("delta").load(src), f.targetRows("items"), "id", "name", "amount");
  }

  @Test
  void vacuumedChangeFilesStopTheBatchWithTheFix(SparkSession spark, @TempDir Path dir) {
    SyncFixture f = new SyncFixture(spark, dir, PIPELINE);
    String src = source(spark.range(10).selectExpr("id", "'a' AS name", "CAST(1 AS DECIMAL(12,2)) AS amount"), dir);
    f.load("items");
    long before = f.targetVersion("items");
    sql(spark, "UPDATE SRC SET name = 'b' WHERE id < 3", dir);
    spark.conf().set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
    try {
      sql(spark, "VACUUM SRC RETAIN 0 HOURS", dir);
    } finally {
      spark.conf().unset("spark.databricks.delta.retentionDurationCheck.enabled");
    }

    JsonNode failed = f.sync("items", 2);

    String error = failed.get("error").asText();
    assertTrue(error.contains("Cannot read the change data feed") && error.contains("Reload the table with trickle load"), error);
    assertEquals(before, f.targetVersion("items"), "nothing applied");
    assertTrue(f.batches("items").isEmpty(), "no batch recorded");
  }
}
