package dev.trickle.jobs.sync;

import static dev.trickle.jobs.sync.SyncFixture.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trickle.testing.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** parquet-files end to end: new, rewritten and removed files, by exact file. */
@ExtendWith(SharedSpark.class)
class ParquetFilesSyncTest {
  private static final String PIPELINE = """
      trickle {
        warehouse = "$DIR/lake"
        sources { drops { type = parquet, path = "$DIR/src" } }
        tables { events { source { ref = drops, path = "events" }, keys = [id], columns.rename { name = label } } }
      }
      """;

  /** Writes {@code ids} (name = prefix + id) as exactly one Parquet file at {@code file}, replacing it. */
  private static void writeFile(SparkSession spark, Path file, String prefix, long... ids) throws IOException {
    Path tmp = Files.createTempDirectory(file.getParent().getParent(), "write");
    StringBuilder values = new StringBuilder();
    for (long id : ids) {
      values.append(values.isEmpty() ? "" : ",").append("(").append(id).append(", '").append(prefix).append(id).append("')");
    }
    spark.sql("SELECT * FROM VALUES " + values + " AS t(id, name)").selectExpr("CAST(id AS BIGINT) id", "name")
        .coalesce(1).write().parquet(tmp.resolve("out").toString());
    try (Stream<Path> out = Files.list(tmp.resolve("out"))) {
      Path part = out.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
      Files.createDirectories(file.getParent());
      Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static Dataset<Row> source(SparkSession spark, Path dir) {
    return spark.read().option("basePath", dir.resolve("src/events").toString()).parquet(dir.resolve("src/events").toString())
        .withColumnRenamed("name", "label");
  }

  @Test
  void newRewrittenAndRemovedFilesLand(SparkSession spark, @TempDir Path dir) throws IOException {
    SyncFixture f = new SyncFixture(spark, dir, PIPELINE);
    Path events = Files.createDirectories(dir.resolve("src/events"));
    writeFile(spark, events.resolve("region=eu/a.parquet"), "n", 0, 2, 4, 6, 8);
    writeFile(spark, events.resolve("region=us/b.parquet"), "n", 1, 3, 5, 7, 9);
    writeFile(spark, events.resolve("region=us/c.parquet"), "n", 21, 23);
    f.load("events");

    writeFile(spark, events.resolve("region=eu/d.parquet"), "new", 100); // a new key
    writeFile(spark, events.resolve("region=us/b.parquet"), "re", 5, 7, 9); // rewritten: 1 and 3 gone, 5, 7, 9 renamed
    Files.delete(events.resolve("region=us/c.parquet")); // removed: 21 and 23 gone
    writeFile(spark, events.resolve("region=eu/e.parquet"), "moved", 1); // 1 is back, elsewhere
    JsonNode batch = f.sync("events", 0);

    assertEquals(1, batch.get("rows_inserted").asLong(), batch.toString());
    assertEquals(4, batch.get("rows_updated").asLong(), "1 (moved), 5, 7, 9: " + batch);
    assertEquals(3, batch.get("rows_deleted").asLong(), "3, 21, 23: " + batch);
    assertSameRows(source(spark, dir), f.targetRows("events"), "id", "label", "region");

    assertEquals("NOOP", f.sync("events", 0).get("status").asText());
    writeFile(spark, events.resolve("region=eu/f.parquet"), "later", 300);
    JsonNode next = f.sync("events", 0);
    assertEquals(1, next.get("rows_inserted").asLong(), "after a no-op, the listing of batch 1 is the baseline: " + next);
    assertSameRows(source(spark, dir), f.targetRows("events"), "id", "label", "region");
  }

  @Test
  void aFolderEmptiedAtTheSourceEmptiesTheTargetAndFillsAgainWhenFilesArrive(SparkSession spark, @TempDir Path dir)
      throws IOException {
    SyncFixture f = new SyncFixture(spark, dir, PIPELINE);
    Path events = Files.createDirectories(dir.resolve("src/events"));
    writeFile(spark, events.resolve("region=eu/a.parquet"), "n", 0, 2, 4);
    writeFile(spark, events.resolve("region=us/b.parquet"), "n", 1, 3);
    f.load("events");

    Files.delete(events.resolve("region=eu/a.parquet"));
    Files.delete(events.resolve("region=us/b.parquet"));
    JsonNode emptied = f.sync("events", 0);
    assertEquals("DONE", emptied.get("status").asText(), emptied.toString());
    assertEquals(5, emptied.get("rows_deleted").asLong(), emptied.toString());
    assertEquals(0, f.targetRows("events").count());

    writeFile(spark, events.resolve("region=us/c.parquet"), "back", 3, 7);
    JsonNode refilled = f.sync("events", 0);
    assertEquals(2, refilled.get("rows_inserted").asLong(), refilled.toString());
    assertSameRows(source(spark, dir), f.targetRows("events"), "id", "label", "region");
  }
}
