package dev.trickle.target;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trickle.testing.SharedSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** One batch applied by MERGE: the target ends up holding exactly the changes, once. */
@ExtendWith(SharedSpark.class)
class MergeApplyTest {
  private static String target(SparkSession spark, Path dir, String rowsSql) {
    String path = dir.resolve("t").toString();
    spark.sql(rowsSql).write().format("delta").option("delta.enableDeletionVectors", "true")
        .option("delta.enableChangeDataFeed", "true").save(path);
    return path;
  }

  /** Change rows (id, v, _change) from {@code values}, e.g. {@code (1, 'x', 'U')}. */
  private static Dataset<Row> changes(SparkSession spark, String values) {
    return spark.sql("SELECT CAST(id AS BIGINT) AS id, CAST(v AS STRING) AS v, _change FROM VALUES " + values
        + " AS c(id, v, _change)");
  }

  private static MergeApply.Merge merge(Dataset<Row> rows, List<String> keys) {
    return new MergeApply.Merge(rows, "_change", keys, lit(true), Optional.empty(), List.of());
  }

  private static List<String> contents(SparkSession spark, String path) {
    return spark.read().format("delta").load(path).orderBy("id").collectAsList().stream()
        .map(r -> r.get(0) + "=" + r.get(1)).toList();
  }

  @Test
  void updatesDeletesAndInsertsLandOnceWhateverTheRetries(SparkSession spark, @TempDir Path dir) {
    String path = target(spark, dir, "SELECT id, CAST(id AS STRING) AS v FROM range(6)");
    MergeApply.Merge merge = merge(changes(spark,
        "(1, 'one', 'U'), (2, 'two', 'U'), (4, NULL, 'D'), (9, NULL, 'D'), (7, 'seven', 'U')"), List.of("id"));

    DeltaCommits.Commit commit = MergeApply.apply(spark, path, merge, new MergeApply.Txn("trickle-t", 1)).orElseThrow();
    assertEquals(List.of(1L, 2L, 1L), List.of(commit.inserted(), commit.updated(), commit.deleted()));
    assertEquals(List.of("0=0", "1=one", "2=two", "3=3", "5=5", "7=seven"), contents(spark, path));
    // The same batch again, as after a crash before its ledger row: Delta skips the transaction it has.
    long version = new DeltaCommits(spark, path).version();
    MergeApply.apply(spark, path, merge, new MergeApply.Txn("trickle-t", 1));
    assertEquals(version, new DeltaCommits(spark, path).version());
    assertEquals(List.of("0=0", "1=one", "2=two", "3=3", "5=5", "7=seven"), contents(spark, path));
  }

  @Test
  void compositeKeysWithANullPartMatchNullSafely(SparkSession spark, @TempDir Path dir) {
    String path = target(spark, dir,
        "SELECT * FROM VALUES (CAST(1 AS BIGINT), CAST(NULL AS STRING), 'x'), (2, 'b', 'y') AS t(id, k, v)");
    Dataset<Row> changes = spark.sql("SELECT * FROM VALUES (CAST(1 AS BIGINT), CAST(NULL AS STRING), 'z', 'U'), "
        + "(2, NULL, 'z', 'U') AS c(id, k, v, _change)");

    DeltaCommits.Commit commit = MergeApply.apply(spark, path, merge(changes, List.of("id", "k")),
        new MergeApply.Txn("trickle-t", 1)).orElseThrow();
    assertEquals(List.of(1L, 1L, 0L), List.of(commit.inserted(), commit.updated(), commit.deleted()));
    assertEquals(List.of("1|null|z", "2|null|z", "2|b|y"), spark.read().format("delta").load(path).orderBy(col("id"),
        col("k").asc_nulls_first()).collectAsList().stream().map(r -> r.get(0) + "|" + r.get(1) + "|" + r.get(2)).toList());
  }
}
