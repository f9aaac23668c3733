package dev.trickle.target;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.callUDF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.testing.SharedSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
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

  /** Opened by the merge's source once the MERGE runs; the merge then waits for {@link #OTHER_WRITE_DONE}. */
  private static final CountDownLatch MERGE_RUNNING = new CountDownLatch(1);
  private static final CountDownLatch OTHER_WRITE_DONE = new CountDownLatch(1);

  @Test
  void aWriteOnAnotherThreadDuringTheMergeDoesNotCarryTheMergesTransaction(SparkSession spark, @TempDir Path dir)
      throws Exception {
    // A command records a table's runs row on another thread while the next table's MERGE runs;
    // Delta stamps any write with the transaction id it finds in the session, and would skip the
    // row's write if that id were already there.
    String path = target(spark, dir, "SELECT id, CAST(id AS STRING) AS v FROM range(6)");
    String other = dir.resolve("other").toString();
    spark.range(1).write().format("delta").save(other);
    spark.udf().register("hold_merge", (UDF1<Long, Long>) id -> {
      MERGE_RUNNING.countDown();
      assertTrue(OTHER_WRITE_DONE.await(60, TimeUnit.SECONDS));
      return id;
    }, DataTypes.LongType);
    Dataset<Row> held = changes(spark, "(1, 'one', 'U')").withColumn("id", callUDF("hold_merge", col("id")));

    CompletableFuture<Optional<DeltaCommits.Commit>> merged = CompletableFuture.supplyAsync(
        () -> MergeApply.apply(spark, path, merge(held, List.of("id")), new MergeApply.Txn("trickle-t", 7)));
    assertTrue(MERGE_RUNNING.await(60, TimeUnit.SECONDS));
    spark.range(1).write().format("delta").mode("append").save(other);
    OTHER_WRITE_DONE.countDown();

    assertEquals(1L, merged.get(60, TimeUnit.SECONDS).orElseThrow().updated());
    assertEquals(Optional.empty(), new DeltaCommits(spark, other).versionOf("trickle-t", 7, 0));
    assertEquals(2L, spark.read().format("delta").load(other).count());
  }
}
