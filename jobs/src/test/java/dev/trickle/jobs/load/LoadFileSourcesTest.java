package dev.trickle.jobs.load;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.jobs.cli.CliRun;
import dev.trickle.state.LoadLedger;
import dev.trickle.state.SourceFilesLedger;
import dev.trickle.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet, Delta and Iceberg sources into Delta: chunked by partition, partitions above
 * max-chunk-bytes cut
 * further (file groups for Parquet, key ranges for Delta and Iceberg), and every row and value
 * equal afterwards, compared with Spark's own readers of each format.
 */
@ExtendWith(SharedSpark.class)
class LoadFileSourcesTest {

  /** 2,000 rows, 70% in part a and 30% in b, with decimals, instants, unicode, '' and NULL, arrays. */
  private static Dataset<Row> sample(SparkSession spark) {
    return spark.range(1, 2001).selectExpr("id",
        "CASE WHEN id % 10 < 7 THEN 'a' ELSE 'b' END AS part",
        "CAST(id * 1.25 AS decimal(12,2)) AS amount",
        "timestamp_micros(1700000000000000 + id * 1000001) AS ts",
        "date_add(DATE'2024-01-01', CAST(id % 300 AS int)) AS day",
        "CASE id % 4 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN 'héllo ✓ 日本' ELSE concat('n', id) END AS name",
        "array(concat('t', id % 3), CAST(NULL AS string)) AS tags",
        "id / 3.0D AS score").repartition(4);
  }

  private static Path config(Path dir, String source, String table) throws Exception {
    return Files.writeString(dir.resolve("pipeline.conf"), """
        trickle {
          warehouse = "%s/lake"
          sources { %s }
          tables { t { %s, keys = [id], load.max-chunk-bytes = 16k } }
        }
        """.formatted(dir, source, table));
  }

  private static void assertSameRows(Dataset<Row> source, Dataset<Row> target) {
    assertEquals(source.count(), target.count());
    Dataset<Row> ordered = target.select(List.of(source.columns()).stream().map(c -> col(c)).toArray(org.apache.spark.sql.Column[]::new));
    assertEquals(0, source.exceptAll(ordered).count(), "source rows missing in the target");
    assertEquals(0, ordered.exceptAll(source).count(), "target rows not in the source");
  }

  private static List<String> predicates(SparkSession spark, Path dir) {
    return new LoadLedger(spark, dir.resolve("lake/_trickle/state").toString()).latest("t").orElseThrow().plan().stream()
        .map(dev.trickle.plan.Chunk::predicate).toList();
  }

  @Test
  void parquetFolderChunksByPartitionAndFileGroups(SparkSession spark, @TempDir Path dir) throws Exception {
    String folder = dir.resolve("drops/events").toString();
    sample(spark).write().partitionBy("part").parquet(folder);
    Path file = config(dir, "drops { type = parquet, path = \"" + dir.resolve("drops") + "\" }", "source { ref = drops, path = events }");
    CliRun run = CliRun.of("load", "-c", file.toString());
    assertEquals(0, run.exitCode(), run.toString());

    assertSameRows(spark.read().parquet(folder), spark.read().format("delta").load(dir.resolve("lake/t").toString()));
    List<String> predicates = predicates(spark, dir);
    assertTrue(predicates.size() >= 4, predicates.toString());
    assertTrue(predicates.stream().anyMatch(p -> p.startsWith("(`part` = 'a') AND (_metadata.file_name IN (")), predicates.toString());
    assertTrue(predicates.size() < 10, "chunks of about 16k: " + predicates);
    String loadId = new LoadLedger(spark, dir.resolve("lake/_trickle/state").toString()).latest("t").orElseThrow().loadId();
    assertEquals(8, new SourceFilesLedger(spark, dir.resolve("lake/_trickle/state").toString())
        .listing("t", SourceFilesLedger.forLoad(loadId)).files().size(), "the load's listing is recorded for sync");
  }

  @Test
  void aColumnOnlySomeParquetFilesCarryIsLoadedWithItsValues(SparkSession spark, @TempDir Path dir) throws Exception {
    Path folder = dir.resolve("drops/events");
    // Named so the file without the column sorts first: the one Spark takes the schema from
    // unless told to merge them.
    parquetFile(spark.range(1, 101).selectExpr("id", "id * 2 AS amount"), dir, folder.resolve("part=a/a-old.parquet"));
    parquetFile(spark.range(1000, 1010).selectExpr("id", "id * 2 AS amount", "concat('web-', id) AS channel"), dir,
        folder.resolve("part=a/z-new.parquet"));
    parquetFile(spark.range(1100, 1110).selectExpr("id", "id * 2 AS amount", "concat('web-', id) AS channel"), dir,
        folder.resolve("part=b/z-new.parquet"));
    Path file = config(dir, "drops { type = parquet, path = \"" + dir.resolve("drops") + "\" }", "source { ref = drops, path = events }");
    CliRun run = CliRun.of("load", "-c", file.toString());
    assertEquals(0, run.exitCode(), run.toString());

    Dataset<Row> target = spark.read().format("delta").load(dir.resolve("lake/t").toString());
    assertTrue(List.of(target.columns()).contains("channel"), List.of(target.columns()).toString());
    assertEquals(20, target.where("channel LIKE 'web-%'").count(), "the newer files' values");
    assertEquals(100, target.where("channel IS NULL").count(), "the older files' rows, without a value");
  }

  @Test
  void aParquetFolderWithoutDataFilesIsAOneLineErrorNamingTheFolder(@TempDir Path dir) throws Exception {
    Path folder = Files.createDirectories(dir.resolve("drops/events/part=a"));
    Files.writeString(folder.resolve("_SUCCESS"), "");
    Path file = config(dir, "drops { type = parquet, path = \"" + dir.resolve("drops") + "\" }", "source { ref = drops, path = events }");
    CliRun run = CliRun.of("load", "-c", file.toString());
    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().contains("Cannot read the Parquet files of " + dir.resolve("drops/events") + ": the folder holds no data files"),
        run.err());
    assertEquals(1, run.err().strip().lines().filter(l -> l.contains("Cannot")).count(), run.err());
    assertTrue(!Files.exists(dir.resolve("lake/t")), "no target was created");
  }

  /** Writes {@code rows} as the one Parquet file {@code file}. */
  private static void parquetFile(Dataset<Row> rows, Path dir, Path file) throws Exception {
    Path scratch = dir.resolve("scratch-" + file.getFileName() + "-" + file.getParent().getFileName());
    rows.coalesce(1).write().parquet(scratch.toString());
    try (var files = Files.list(scratch)) {
      Path written = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
      Files.createDirectories(file.getParent());
      Files.move(written, file);
    }
  }

  @Test
  void deltaTableChunksByPartitionAndKeyRanges(SparkSession spark, @TempDir Path dir) throws Exception {
    String path = dir.resolve("old/events").toString();
    sample(spark).write().format("delta").partitionBy("part").save(path);
    Path file = config(dir, "old { type = delta }", "source { ref = old, path = \"" + path + "\" }");
    CliRun run = CliRun.of("load", "-c", file.toString());
    assertEquals(0, run.exitCode(), run.toString());

    assertSameRows(spark.read().format("delta").load(path), spark.read().format("delta").load(dir.resolve("lake/t").toString()));
    List<String> predicates = predicates(spark, dir);
    assertTrue(predicates.size() > 2, predicates.toString());
    assertTrue(predicates.stream().anyMatch(p -> p.matches("\\(`part` = '.'\\) AND \\(`id` >= .*")), predicates.toString());
  }

  @Test
  void icebergTableChunksByIdentityPartitionAndKeyRanges(SparkSession spark, @TempDir Path dir) throws Exception {
    // A catalog name no other test uses: Spark keeps a catalog it has set up for the session's life.
    Path file = config(dir, "files_ice { type = iceberg, warehouse = \"" + dir.resolve("ice") + "\" }",
        "source { ref = files_ice, table = \"shop.events\" }");
    CliRun validate = CliRun.of("validate", "-c", file.toString());
    assertEquals(0, validate.exitCode(), validate.toString());
    spark.conf().set("spark.sql.catalog.files_ice", "org.apache.iceberg.spark.SparkCatalog");
    spark.conf().set("spark.sql.catalog.files_ice.type", "hadoop");
    spark.conf().set("spark.sql.catalog.files_ice.warehouse", dir.resolve("ice").toString());
    sample(spark).writeTo("files_ice.shop.events").partitionedBy(col("part")).create();

    CliRun run = CliRun.of("load", "-c", file.toString());
    assertEquals(0, run.exitCode(), run.toString());
    assertSameRows(spark.table("files_ice.shop.events"), spark.read().format("delta").load(dir.resolve("lake/t").toString()));
    assertTrue(predicates(spark, dir).size() > 2, predicates(spark, dir).toString());

    // The same table read by its folder, without the catalog.
    Path byPath = Files.writeString(dir.resolve("by-path.conf"), Files.readString(file)
        .replace("source { ref = files_ice, table = \"shop.events\" }", "source { ref = files_ice, path = \"" + dir.resolve("ice/shop/events") + "\" }")
        .replace("files_ice { type = iceberg, warehouse = \"" + dir.resolve("ice") + "\" }", "files_ice { type = iceberg }")
        .replace(dir + "/lake", dir + "/lake2"));
    CliRun path = CliRun.of("load", "-c", byPath.toString());
    assertEquals(0, path.exitCode(), path.toString());
    assertSameRows(spark.table("files_ice.shop.events"), spark.read().format("delta").load(dir.resolve("lake2/t").toString()));
  }
}
