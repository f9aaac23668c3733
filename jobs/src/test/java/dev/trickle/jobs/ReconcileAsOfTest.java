package dev.trickle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trickle.config.ConfigLoader;
import dev.trickle.jobs.cli.CliRun;
import dev.trickle.source.IcebergTables;
import dev.trickle.source.SourcePosition;
import dev.trickle.spark.SparkSessions;
import dev.trickle.state.DeltaLedger;
import dev.trickle.state.LoadLedger;
import dev.trickle.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live sources: reconcile compares the target with the source as of the last synced position,
 * so rows changed at the source since then are no false alarm; the position used is stored.
 */
@ExtendWith(SharedSpark.class)
class ReconcileAsOfTest {
  private static final String CONFIG = """
      trickle {
        warehouse = "%s/lake"
        sources { lake { type = %s } }
        tables { events { source { ref = lake, path = "%s" }, keys = [id], reconcile { profiles = false, keys = false } } }
      }
      """;

  private static void loaded(SparkSession spark, Path dir, SourcePosition position, long targetVersion) {
    LoadLedger loads = new LoadLedger(spark, dir.resolve("lake/_trickle/state").toString());
    loads.started("events", "load-1", "run-1", position, 1, Instant.now().minusSeconds(60), Optional.empty(), null);
    loads.finished("events", "load-1", "run-1", "DONE", 20L, targetVersion, null);
  }

  private static JsonNode reconcile(Path config, int expectedExit) throws Exception {
    CliRun run = CliRun.of("reconcile", "-c", config.toString(), "--json");
    assertEquals(expectedExit, run.exitCode(), run.toString());
    return new ObjectMapper().readTree(run.out()).get("tables").get(0);
  }

  @Test
  void deltaSourceChangedAfterThePositionStillMatchesAsOfThatVersion(SparkSession spark, @TempDir Path dir) throws Exception {
    String source = dir.resolve("events-delta").toString();
    spark.sql("SELECT id, CONCAT('e', id) AS name FROM range(20)").write().format("delta").save(source);
    spark.read().format("delta").load(source).write().format("delta").save(dir.resolve("lake/events").toString());
    loaded(spark, dir, SourcePosition.of("delta").with(SourcePosition.VERSION, 0), 0);
    spark.sql("INSERT INTO delta.`" + source + "` VALUES (100, 'late')");
    spark.sql("UPDATE delta.`" + source + "` SET name = 'renamed' WHERE id = 3");
    Path config = Files.writeString(dir.resolve("p.conf"), CONFIG.formatted(dir, "delta", source));

    JsonNode asOfLoad = reconcile(config, 0);
    assertEquals("MATCH", asOfLoad.get("verdict").asText());
    JsonNode position = new ObjectMapper().readTree(asOfLoad.get("as_of").asText());
    assertEquals("0", position.get("version").asText());
    assertEquals("snapshot", position.get("as_of_mode").asText());
    assertEquals("load:load-1", position.get("as_of_from").asText());

    // A later sync batch moved the position to the source's current version without applying
    // anything to the target: now the differences are real, and found.
    StructType batches = new StructType().add("table_name", DataTypes.StringType).add("batch_id", DataTypes.LongType)
        .add("to_position", DataTypes.StringType).add("target_version", DataTypes.LongType)
        .add("status", DataTypes.StringType).add("finished_at", DataTypes.TimestampType);
    new DeltaLedger(spark, dir.resolve("lake/_trickle/state").toString(), "sync_batches", batches).append(List.of(
        RowFactory.create("events", 1L, SourcePosition.of("delta").with(SourcePosition.VERSION, 2).toJson(), 0L, "DONE",
            Timestamp.from(Instant.now())),
        RowFactory.create("events", 2L, SourcePosition.of("delta").with(SourcePosition.VERSION, 1).toJson(), 5L, "DONE",
            Timestamp.from(Instant.now()))));
    JsonNode asOfBatch = reconcile(config, 1);
    assertEquals(1, asOfBatch.get("extra_rows").asLong() + asOfBatch.get("missing_rows").asLong());
    assertEquals(1, asOfBatch.get("changed_rows").asLong());
    JsonNode batchPosition = new ObjectMapper().readTree(asOfBatch.get("as_of").asText());
    assertEquals("sync_batch:1", batchPosition.get("as_of_from").asText(),
        "batch 2 wrote target version 5, which the target has not reached: passed over");
    assertEquals("2", batchPosition.get("version").asText());
  }

  @Test
  void icebergSourceChangedAfterThePositionStillMatchesAsOfThatSnapshot(SparkSession spark, @TempDir Path dir) throws Exception {
    // A catalog name of its own: Spark keeps a catalog's warehouse from its first use.
    Path config = Files.writeString(dir.resolve("p.conf"), """
        trickle {
          warehouse = "%1$s/lake"
          sources { asof_ice { type = iceberg, warehouse = "%1$s/ice" } }
          tables { events { source { ref = asof_ice, table = "db.events" }, keys = [id], reconcile { profiles = false } } }
        }
        """.formatted(dir));
    SparkSessions.applyRuntimeSettings(spark, ConfigLoader.load(config, java.util.Map.of(), java.util.Map.of()));
    spark.sql("CREATE TABLE asof_ice.db.events (id bigint, name string) USING iceberg");
    spark.sql("INSERT INTO asof_ice.db.events SELECT id, CONCAT('e', id) FROM range(20)");
    long snapshot = IcebergTables.currentSnapshotId(spark, "asof_ice.db.events");
    spark.table("asof_ice.db.events").write().format("delta").save(dir.resolve("lake/events").toString());
    loaded(spark, dir, SourcePosition.of("iceberg").with(SourcePosition.SNAPSHOT_ID, snapshot), 0);
    spark.sql("INSERT INTO asof_ice.db.events VALUES (100, 'late')");
    spark.sql("DELETE FROM asof_ice.db.events WHERE id = 4");

    JsonNode result = reconcile(config, 0);
    assertEquals("MATCH", result.get("verdict").asText());
    assertEquals(String.valueOf(snapshot), new ObjectMapper().readTree(result.get("as_of").asText()).get("snapshot_id").asText());
    assertEquals(20, result.get("source_rows").asLong());
  }
}
