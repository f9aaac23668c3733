package dev.trickle.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import dev.trickle.ExitCode;
import dev.trickle.TrickleException;
import dev.trickle.config.ConfigLoader;
import dev.trickle.config.TrickleConfig;
import dev.trickle.spark.SparkSessions;
import dev.trickle.testing.SharedSpark;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots of file and table sources see one state, whatever is committed after them. */
@ExtendWith(SharedSpark.class)
class FileSourceSnapshotTest {

  private static TrickleConfig config(Path dir) {
    return ConfigLoader.fromConfig("t", ConfigLoader.combine(ConfigFactory.parseString("""
        trickle {
          warehouse = "%1$s/lake"
          sources {
            d { type = delta }
            p { type = parquet, path = "%1$s" }
            ice { type = iceberg, warehouse = "%1$s/ice" }
          }
          tables {
            dt { source { ref = d, path = "%1$s/delta" }, keys = [id] }
            pt { source { ref = p, path = "parquet" }, keys = [id] }
            it { source { ref = ice, table = "db.items" }, keys = [id] }
          }
        }
        """.formatted(dir)), Map.of(), Map.of()));
  }

  @Test
  void deltaSnapshotPinsTheVersion(SparkSession spark, @TempDir Path dir) {
    TrickleConfig config = config(dir);
    spark.range(5).write().format("delta").save(dir.resolve("delta").toString());
    Source source = Sources.open(spark, config, config.tables().get("dt"));
    try (SourceSnapshot snapshot = source.snapshot()) {
      spark.range(5, 8).write().format("delta").mode("append").save(dir.resolve("delta").toString());
      assertEquals(0L, snapshot.position().getLong(SourcePosition.VERSION).getAsLong());
      assertEquals(5, snapshot.read().count());
      assertEquals(5, source.snapshotAt(snapshot.position()).orElseThrow().read().count(), "going back to version 0");
    }
    assertEquals(8, source.read().count());
  }

  @Test
  void icebergSnapshotPinsTheSnapshotId(SparkSession spark, @TempDir Path dir) {
    TrickleConfig config = config(dir);
    SparkSessions.applyRuntimeSettings(spark, config);
    spark.sql("CREATE TABLE ice.db.items (id bigint) USING iceberg");
    spark.sql("INSERT INTO ice.db.items VALUES (1), (2)");
    Source source = Sources.open(spark, config, config.tables().get("it"));
    try (SourceSnapshot snapshot = source.snapshot()) {
      spark.sql("DELETE FROM ice.db.items WHERE id = 1");
      assertEquals(2, snapshot.read().count());
      assertEquals(2, source.snapshotAt(snapshot.position()).orElseThrow().read().count(), "going back a snapshot");
      assertNotEquals(snapshot.position().getLong(SourcePosition.SNAPSHOT_ID),
          source.snapshot().position().getLong(SourcePosition.SNAPSHOT_ID));
    }
    assertEquals(1, source.read().count());
  }

  @Test
  void parquetSnapshotPinsTheFileListingWithPartitionColumns(SparkSession spark, @TempDir Path dir) {
    TrickleConfig config = config(dir);
    String folder = dir.resolve("parquet").toString();
    spark.range(6).selectExpr("id", "id % 2 as part").write().partitionBy("part").parquet(folder);
    Source source = Sources.open(spark, config, config.tables().get("pt"));
    try (SourceSnapshot snapshot = source.snapshot()) {
      spark.range(6, 9).selectExpr("id", "id % 2 as part").write().mode("append").partitionBy("part").parquet(folder);
      assertEquals(6, snapshot.read().count());
      assertEquals(3, snapshot.read().where("part = 1").count());
      assertEquals(true, source.snapshotAt(snapshot.position()).isEmpty(), "a Parquet folder keeps no history");
      assertNotEquals(snapshot.position().get(SourcePosition.LISTING), source.snapshot().position().get(SourcePosition.LISTING));
    }
    assertEquals(9, source.read().count());
  }

  @Test
  void aMissingTableIsBadInputNamingIt(SparkSession spark, @TempDir Path dir) {
    TrickleConfig config = config(dir);
    TrickleException e = assertThrows(TrickleException.class,
        () -> Sources.open(spark, config, config.tables().get("dt")).schema());
    assertEquals(ExitCode.BAD_INPUT, e.exitCode());
    assertEquals(true, e.getMessage().startsWith("Cannot read source table d:"), e.getMessage());
  }

  @Test
  void positionsRoundTripThroughJson() {
    SourcePosition p = SourcePosition.of("jdbc").with(SourcePosition.WAL_LSN, "0/16B6C50").with(SourcePosition.WATERMARK, "2026-01-01T00:00:00Z");
    assertEquals(p, SourcePosition.parse(p.toJson()));
    assertEquals("{\"kind\":\"jdbc\",\"wal_lsn\":\"0/16B6C50\",\"watermark\":\"2026-01-01T00:00:00Z\"}", p.toJson());
  }
}
