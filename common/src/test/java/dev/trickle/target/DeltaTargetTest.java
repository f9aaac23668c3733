package dev.trickle.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.config.TargetConfig;
import dev.trickle.testing.SharedSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The Delta target: created as configured, chunk appends applied exactly once, replaced on demand. */
@ExtendWith(SharedSpark.class)
class DeltaTargetTest {
  private static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.LongType).add("part", DataTypes.StringType).add("at", DataTypes.TimestampNTZType);

  private static DeltaTarget target(SparkSession spark, Path dir) {
    return new DeltaTarget(spark, new TargetConfig(Optional.of(dir.resolve("t").toString()), Optional.empty(), List.of("part"),
        Map.of("delta.enableDeletionVectors", "true", "delta.enableChangeDataFeed", "true")));
  }

  private static Dataset<Row> rows(SparkSession spark, long from, long to) {
    return spark.range(from, to).selectExpr("id", "CAST(id % 2 AS string) AS part", "CAST(NULL AS timestamp_ntz) AS at");
  }

  @Test
  void createdWithPartitioningAndProperties(SparkSession spark, @TempDir Path dir) {
    DeltaTarget target = target(spark, dir);
    assertFalse(target.exists());
    assertEquals(-1, target.version());
    target.createIfMissing(SCHEMA);
    Row detail = target.table().detail().head();
    assertEquals(List.of("part"), detail.getList(detail.fieldIndex("partitionColumns")));
    Map<String, String> properties = detail.getJavaMap(detail.fieldIndex("properties"));
    assertEquals("true", properties.get("delta.enableDeletionVectors"));
    assertEquals("true", properties.get("delta.enableChangeDataFeed"));
    assertTrue(DeltaTarget.sameColumns(SCHEMA, target.schema().orElseThrow()));
    assertFalse(target.hasData());
  }

  @Test
  void aChunkIsAppliedOnceWhateverTheRetries(SparkSession spark, @TempDir Path dir) {
    DeltaTarget target = target(spark, dir);
    target.createIfMissing(SCHEMA);
    assertEquals(10, target.appendOnce(rows(spark, 0, 10), "trickle-load-x-1", "trickle load x chunk 1"));
    assertEquals(5, target.appendOnce(rows(spark, 10, 15), "trickle-load-x-2", "trickle load x chunk 2"));
    long version = target.version();
    // A retry of chunk 1 after its commit landed: Delta skips it, and its rows are still reported.
    assertEquals(10, target.appendOnce(rows(spark, 0, 10), "trickle-load-x-1", "trickle load x chunk 1"));
    assertEquals(version, target.version(), "no new commit");
    assertEquals(15, target.read().count());
    assertEquals(10, target.committedRows("trickle load x chunk 1", 0).orElseThrow());
    assertTrue(target.committedRows("trickle load x chunk 3", 1).isEmpty());
  }

  @Test
  void replaceEmptiesTheTableAndTakesNewColumns(SparkSession spark, @TempDir Path dir) {
    DeltaTarget target = target(spark, dir);
    target.createIfMissing(SCHEMA);
    target.appendOnce(rows(spark, 0, 10), "a", "t");
    StructType wider = SCHEMA.add("note", DataTypes.StringType);
    target.replace(wider);
    assertEquals(0, target.read().count());
    assertTrue(DeltaTarget.sameColumns(wider, target.schema().orElseThrow()));
    assertEquals(10, spark.read().format("delta").option("versionAsOf", 1).load(dir.resolve("t").toString()).count(),
        "earlier versions stay readable");
  }
}
