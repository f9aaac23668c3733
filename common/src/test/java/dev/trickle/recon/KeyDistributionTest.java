package dev.trickle.recon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.trickle.testing.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Key figures: the ungrouped path for distinct keys, the grouped one when hashes repeat. */
@ExtendWith(SharedSpark.class)
class KeyDistributionTest {
  private static final StructType SINGLE = new StructType().add("id", DataTypes.LongType);
  private static final StructType PAIR = new StructType().add("a", DataTypes.LongType).add("b", DataTypes.LongType);

  private static Dataset<Row> keys(StructType schema, List<Row> rows, int partitions) {
    return SharedSpark.session().createDataFrame(rows, schema).repartition(partitions);
  }

  @Test
  void distinctKeysOverManyTasks() {
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 5000; i++) {
      rows.add(RowFactory.create(i * 7 - 100));
    }
    KeyDistribution.Stats stats = KeyDistribution.compute(keys(SINGLE, rows, 6), List.of("id"));
    assertEquals(new KeyDistribution.Stats(5000, 5000, 0, 0, 0, "{\"id\":-100}", "{\"id\":34893}", List.of()), stats);
  }

  @Test
  void duplicatesInDifferentTasksAreCountedWithExamples() {
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 1000; i++) {
      rows.add(RowFactory.create(i));
    }
    rows.add(RowFactory.create(17L));
    rows.add(RowFactory.create(17L));
    rows.add(RowFactory.create(400L));
    KeyDistribution.Stats stats = KeyDistribution.compute(keys(SINGLE, rows, 5), List.of("id"));
    assertEquals(1003, stats.rows());
    assertEquals(1000, stats.distinct());
    assertEquals(2, stats.duplicateKeys());
    assertEquals(3, stats.duplicateRows());
    assertEquals(List.of("{\"key\":{\"id\":17},\"rows\":3}", "{\"key\":{\"id\":400},\"rows\":2}"), stats.examples());
  }

  @Test
  void nullsInCompositeKeysHashAlikeButStayDistinct() {
    // xxhash64 skips NULLs, so (1, NULL) and (NULL, 1) share a hash: the grouped path decides.
    List<Row> rows = List.of(RowFactory.create(1L, null), RowFactory.create(null, 1L), RowFactory.create(2L, 3L),
        RowFactory.create(null, null), RowFactory.create(null, null));
    KeyDistribution.Stats stats = KeyDistribution.compute(keys(PAIR, rows, 3), List.of("a", "b"));
    assertEquals(new KeyDistribution.Stats(5, 4, 1, 1, 4, "{\"a\":2,\"b\":3}", "{\"a\":2,\"b\":3}",
        List.of("{\"key\":{\"a\":null,\"b\":null},\"rows\":2}")), stats);
  }

  @Test
  void noKeysAtAll() {
    KeyDistribution.Stats stats = KeyDistribution.compute(keys(SINGLE, List.of(), 2), List.of("id"));
    assertEquals(0, stats.rows());
    assertEquals(0, stats.distinct());
    assertNull(stats.minKey());
    assertNull(stats.maxKey());
  }

  @Test
  void repeatedHashesAreCountedOncePerValue() {
    SparkSession spark = SharedSpark.session();
    Dataset<Row> hashes = spark.range(0, 20_000, 1, 7).selectExpr("CASE WHEN id < 30 THEN id % 4 ELSE id END AS h");
    assertEquals(new RepeatedHashes.Counts(20_000, 19_974, 4), RepeatedHashes.of(hashes, 20_000));
    assertEquals(new RepeatedHashes.Counts(0, 0, 0), RepeatedHashes.of(spark.range(0).selectExpr("id AS h"), 0));
  }

  @Test
  void manyRangesAndBlocksPerTaskCountAlike() {
    SparkSession spark = SharedSpark.session();
    // 7 tasks of about 2,860 hashes, handed on in blocks of 100, over 200 ranges; 42 occurs 21 times.
    Dataset<Row> hashes = spark.range(0, 20_000, 1, 7).selectExpr("CASE WHEN id % 1000 = 0 THEN 42 ELSE id END AS h");
    assertEquals(new RepeatedHashes.Counts(20_000, 19_980, 1), RepeatedHashes.of(hashes, 20_000, 100, 100));
  }
}
