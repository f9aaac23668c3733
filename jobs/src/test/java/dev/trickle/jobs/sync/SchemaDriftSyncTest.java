package dev.trickle.jobs.sync;

import static dev.trickle.jobs.sync.SyncFixture.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trickle.testing.SharedSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Schema drift at a Parquet source: new columns under evolve and strict, and an incompatible type. */
@ExtendWith(SharedSpark.class)
class SchemaDriftSyncTest {
  private static final String PIPELINE = """
      trickle {
        warehouse = "$DIR/lake"
        sources { drops { type = parquet, path = "$DIR/src" } }
        tables { orders { source { ref = drops, path = "orders" }, keys = [id], sync.schema = POLICY } }
      }
      """;

  private static SyncFixture loaded(SparkSession spark, Path dir, String policy) {
    SyncFixture f = new SyncFixture(spark, dir, PIPELINE.replace("POLICY", policy));
    spark.sql("SELECT id, CAST(id * 1.5 AS DOUBLE) AS amount FROM range(5)").coalesce(1).write()
        .parquet(dir.resolve("src/orders").toString());
    f.load("orders");
    return f;
  }

  @Test
  void evolveAddsANewNullableColumn(SparkSession spark, @TempDir Path dir) {
    SyncFixture f = loaded(spark, dir, "evolve");
    spark.sql("SELECT id, CAST(id AS DOUBLE) AS amount, 'web' AS channel FROM range(5, 8)").coalesce(1).write()
        .mode("append").parquet(dir.resolve("src/orders").toString());

    JsonNode batch = f.sync("orders", 0);

    assertEquals(3, batch.get("rows_inserted").asLong(), batch.toString());
    assertTrue(f.batches("orders").get(0).note().contains("new column(s) [channel string]"), f.batches("orders").get(0).note());
    assertEquals(List.of("id", "amount", "channel"), List.of(f.targetRows("orders").columns()));
    assertSameRows(spark.read().option("mergeSchema", "true").parquet(dir.resolve("src/orders").toString()),
        f.targetRows("orders"), "id", "amount", "channel");
  }

  @Test
  void strictStopsTheBatchBeforeAnyWrite(SparkSession spark, @TempDir Path dir) {
    SyncFixture f = loaded(spark, dir, "strict");
    long before = f.targetVersion("orders");
    spark.sql("SELECT id, CAST(id AS DOUBLE) AS amount, 'web' AS channel FROM range(5, 8)").coalesce(1).write()
        .mode("append").parquet(dir.resolve("src/orders").toString());

    JsonNode failed = f.sync("orders", 2);

    String error = failed.get("error").asText();
    assertTrue(error.contains("under sync.schema = strict") && error.contains("new column(s) [channel string]")
        && error.contains("Set sync.schema = evolve"), error);
    assertEquals(before, f.targetVersion("orders"));
    assertEquals(List.of(), f.batches("orders"));
  }

  @Test
  void anIncompatibleTypeStopsTheBatchNamingColumnTypesAndFix(SparkSession spark, @TempDir Path dir) {
    SyncFixture f = loaded(spark, dir, "evolve");
    long before = f.targetVersion("orders");
    spark.sql("SELECT id, concat('about ', id) AS amount FROM range(5, 8)").coalesce(1).write()
        .mode("append").parquet(dir.resolve("src/orders").toString());

    JsonNode failed = f.sync("orders", 2);

    // The folder's files now disagree on the column's type, which no read of the folder can take.
    String error = failed.get("error").asText();
    // Which file is named first depends on the files' (random) names: either order.
    assertTrue(error.contains("column amount is ") && error.contains("double in file:") && error.contains("binary (STRING) in file:")
        && error.contains("Rewrite the files of one type to the other"), error);
    assertEquals(before, f.targetVersion("orders"));
  }

  /** Writes {@code query}'s rows as exactly one Parquet file named {@code name} in the source folder. */
  private static void writeFile(SparkSession spark, Path dir, String name, String query) throws java.io.IOException {
    Path tmp = dir.resolve("tmp-" + name);
    spark.sql(query).coalesce(1).write().parquet(tmp.toString());
    try (java.util.stream.Stream<Path> out = java.nio.file.Files.list(tmp)) {
      Path part = out.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
      java.nio.file.Files.move(part, dir.resolve("src/orders").resolve(name));
    }
  }

  @Test
  void evolveAddsAColumnOnlySomeOfTheBatchsNewFilesCarry(SparkSession spark, @TempDir Path dir) throws java.io.IOException {
    SyncFixture f = loaded(spark, dir, "evolve");
    // Two files in one batch, the one written before the column appeared first by name.
    writeFile(spark, dir, "a-old.parquet", "SELECT id, CAST(id AS DOUBLE) AS amount FROM range(5, 7)");
    writeFile(spark, dir, "b-new.parquet", "SELECT id, CAST(id AS DOUBLE) AS amount, 'web' AS channel FROM range(7, 9)");

    JsonNode batch = f.sync("orders", 0);

    assertEquals(4, batch.get("rows_inserted").asLong(), batch.toString());
    assertEquals(List.of("id", "amount", "channel"), List.of(f.targetRows("orders").columns()), batch.toString());
    assertSameRows(spark.read().option("mergeSchema", "true").parquet(dir.resolve("src/orders").toString()),
        f.targetRows("orders"), "id", "amount", "channel");
  }
}
