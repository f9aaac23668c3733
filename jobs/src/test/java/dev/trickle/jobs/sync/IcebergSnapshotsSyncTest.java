package dev.trickle.jobs.sync;

import static dev.trickle.jobs.sync.SyncFixture.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trickle.spark.SparkSessions;
import dev.trickle.testing.SharedSpark;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * iceberg-snapshots end to end: appends, copy-on-write updates and deletes, compaction, and
 * merge-on-read deletes (recomputed by partition) all land. Each test has its own catalog name:
 * Spark keeps a catalog once it has been used.
 */
@ExtendWith(SharedSpark.class)
class IcebergSnapshotsSyncTest {
  private static final String PIPELINE = """
      trickle {
        warehouse = "$DIR/lake"
        sources { CAT { type = iceberg, warehouse = "$DIR/ice" } }
        tables { items { source { ref = CAT, table = "db.items" }, keys = [id], target.partition-by = [region] } }
      }
      """;

  private static SyncFixture fixture(SparkSession spark, Path dir, String catalog) {
    SyncFixture f = new SyncFixture(spark, dir, PIPELINE.replace("CAT", catalog));
    SparkSessions.applyRuntimeSettings(spark, f.config());
    return f;
  }

  @Test
  void appendsOverwritesDeletesAndCompactionLand(SparkSession spark, @TempDir Path dir) {
    SyncFixture f = fixture(spark, dir, "ice_cow");
    spark.sql("CREATE TABLE ice_cow.db.items (id BIGINT, name STRING, region STRING) USING iceberg PARTITIONED BY (region)");
    spark.sql("INSERT INTO ice_cow.db.items SELECT id, concat('n', id), IF(id % 2 = 0, 'eu', 'us') FROM range(20)");
    f.load("items");

    spark.sql("INSERT INTO ice_cow.db.items VALUES (100, 'new', 'eu'), (101, 'new', 'us')");
    spark.sql("UPDATE ice_cow.db.items SET name = 'changed' WHERE id IN (1, 2)");
    spark.sql("DELETE FROM ice_cow.db.items WHERE id IN (3, 4, 5)");
    spark.sql("INSERT INTO ice_cow.db.items VALUES (5, 'back', 'eu')"); // deleted, then back in another partition
    spark.sql("CALL ice_cow.system.rewrite_data_files(table => 'db.items', options => map('rewrite-all', 'true'))");
    JsonNode batch = f.sync("items", 0);

    assertEquals("DONE", batch.get("status").asText(), batch.toString());
    assertEquals(2, batch.get("rows_inserted").asLong(), batch.toString());
    assertEquals(3, batch.get("rows_updated").asLong(), "1, 2 and 5");
    assertEquals(2, batch.get("rows_deleted").asLong(), "3 and 4");
    assertSameRows(spark.table("ice_cow.db.items"), f.targetRows("items"), "id", "name", "region");

    spark.sql("DELETE FROM ice_cow.db.items WHERE region = 'us'"); // a metadata-only delete of whole files
    f.sync("items", 0);
    assertSameRows(spark.table("ice_cow.db.items"), f.targetRows("items"), "id", "name", "region");
  }

  @Test
  void mergeOnReadDeletesRecomputeTheTouchedPartitions(SparkSession spark, @TempDir Path dir) {
    SyncFixture f = fixture(spark, dir, "ice_mor");
    spark.sql("CREATE TABLE ice_mor.db.items (id BIGINT, name STRING, region STRING) USING iceberg PARTITIONED BY (region) "
        + "TBLPROPERTIES ('write.delete.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read')");
    spark.sql("INSERT INTO ice_mor.db.items SELECT id, concat('n', id), IF(id % 2 = 0, 'eu', 'us') FROM range(20)");
    f.load("items");

    spark.sql("DELETE FROM ice_mor.db.items WHERE id = 4"); // a position delete in the eu file
    spark.sql("UPDATE ice_mor.db.items SET name = 'changed' WHERE id = 6");
    spark.sql("INSERT INTO ice_mor.db.items VALUES (200, 'new', 'us')");
    JsonNode batch = f.sync("items", 0);

    assertEquals(1, batch.get("rows_deleted").asLong(), batch.toString());
    assertEquals(1, batch.get("rows_updated").asLong(), batch.toString());
    assertEquals(1, batch.get("rows_inserted").asLong(), batch.toString());
    assertTrue(f.batches("items").get(0).note().contains("recomputed 2 partition(s)"), f.batches("items").get(0).note());
    assertSameRows(spark.table("ice_mor.db.items"), f.targetRows("items"), "id", "name", "region");
  }
}
