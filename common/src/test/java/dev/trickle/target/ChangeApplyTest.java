package dev.trickle.target;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.callUDF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.config.ApplyMethod;
import dev.trickle.testing.SharedSpark;
import io.delta.tables.DeltaTable;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * One batch applied in one commit, by MERGE or by replacing rows by key: the target ends up
 * holding exactly the changes, once.
 */
@ExtendWith(SharedSpark.class)
class ChangeApplyTest {
  private static String target(SparkSession spark, Path dir, String rowsSql) {
    return target(spark, dir, rowsSql, true);
  }

  private static String target(SparkSession spark, Path dir, String rowsSql, boolean deletionVectors) {
    String path = dir.resolve("t").toString();
    spark.sql(rowsSql).write().format("delta").option("delta.enableDeletionVectors", String.valueOf(deletionVectors))
        .option("delta.enableChangeDataFeed", "true").save(path);
    return path;
  }

  /** Change rows (id, v, _change) from {@code values}, e.g. {@code (1, 'x', 'U')}. */
  private static Dataset<Row> changes(SparkSession spark, String values) {
    return spark.sql("SELECT CAST(id AS BIGINT) AS id, CAST(v AS STRING) AS v, _change FROM VALUES " + values
        + " AS c(id, v, _change)");
  }

  private static ChangeApply.Batch batch(Dataset<Row> rows, List<String> keys, ApplyMethod method) {
    long deletes = rows.where(col("_change").equalTo("D")).count();
    return new ChangeApply.Batch(rows, "_change", keys, KeyBounds.none(), deletes, Optional.empty(), List.of(), method);
  }

  private static String lastOperation(SparkSession spark, String path) {
    return DeltaTable.forPath(spark, path).history(1).select("operation").first().getString(0);
  }

  private static List<String> contents(SparkSession spark, String path) {
    return spark.read().format("delta").load(path).orderBy("id").collectAsList().stream()
        .map(r -> r.get(0) + "=" + r.get(1)).toList();
  }

  @Test
  void updatesDeletesAndInsertsLandOnceWhateverTheRetries(SparkSession spark, @TempDir Path dir) {
    String path = target(spark, dir, "SELECT id, CAST(id AS STRING) AS v FROM range(6)");
    ChangeApply.Batch batch = batch(changes(spark,
        "(1, 'one', 'U'), (2, 'two', 'U'), (4, NULL, 'D'), (9, NULL, 'D'), (7, 'seven', 'U')"), List.of("id"), ApplyMethod.AUTO);
    assertEquals("MERGE", ChangeApply.method(batch), "a batch with deletes merges");

    DeltaCommits.Commit commit = ChangeApply.apply(spark, path, batch, new ChangeApply.Txn("trickle-t", 1)).orElseThrow();
    assertEquals(List.of(1L, 2L, 1L), List.of(commit.inserted(), commit.updated(), commit.deleted()));
    assertEquals("MERGE", lastOperation(spark, path));
    assertEquals(List.of("0=0", "1=one", "2=two", "3=3", "5=5", "7=seven"), contents(spark, path));
    // The same batch again, as after a crash before its ledger row: Delta skips the transaction it has.
    long version = new DeltaCommits(spark, path).version();
    ChangeApply.apply(spark, path, batch, new ChangeApply.Txn("trickle-t", 1));
    assertEquals(version, new DeltaCommits(spark, path).version());
    assertEquals(List.of("0=0", "1=one", "2=two", "3=3", "5=5", "7=seven"), contents(spark, path));
  }

  @ParameterizedTest
  @EnumSource(ApplyMethod.class)
  void compositeKeysWithANullPartMatchNullSafely(ApplyMethod method, SparkSession spark, @TempDir Path dir) {
    String path = target(spark, dir,
        "SELECT * FROM VALUES (CAST(1 AS BIGINT), CAST(NULL AS STRING), 'x'), (2, 'b', 'y') AS t(id, k, v)");
    Dataset<Row> changes = spark.sql("SELECT * FROM VALUES (CAST(1 AS BIGINT), CAST(NULL AS STRING), 'z', 'U'), "
        + "(2, NULL, 'z', 'U') AS c(id, k, v, _change)");

    DeltaCommits.Commit commit = ChangeApply.apply(spark, path, batch(changes, List.of("id", "k"), method),
        new ChangeApply.Txn("trickle-t", 1)).orElseThrow();
    assertEquals(List.of(1L, 1L, 0L), List.of(commit.inserted(), commit.updated(), commit.deleted()));
    assertEquals(method == ApplyMethod.AUTO ? "WRITE" : "MERGE", lastOperation(spark, path));
    assertEquals(List.of("1|null|z", "2|null|z", "2|b|y"), spark.read().format("delta").load(path).orderBy(col("id"),
        col("k").asc_nulls_first()).collectAsList().stream().map(r -> r.get(0) + "|" + r.get(1) + "|" + r.get(2)).toList());
  }

  @Test
  void anUpsertOnlyBatchReplacesTheRowsOfItsKeysInOneCommitOnce(SparkSession spark, @TempDir Path dir) {
    String path = target(spark, dir, "SELECT id, CAST(id AS STRING) AS v FROM range(6)");
    ChangeApply.Batch batch = batch(changes(spark, "(1, 'one', 'U'), (4, 'four', 'U'), (7, 'seven', 'U')"),
        List.of("id"), ApplyMethod.AUTO);
    assertEquals("replace by key", ChangeApply.method(batch));
    long before = new DeltaCommits(spark, path).version();

    DeltaCommits.Commit commit = ChangeApply.apply(spark, path, batch, new ChangeApply.Txn("trickle-t", 1)).orElseThrow();
    assertEquals(new DeltaCommits.Commit(before + 1, 1, 2, 0), commit);
    assertEquals("WRITE", lastOperation(spark, path));
    List<String> after = List.of("0=0", "1=one", "2=2", "3=3", "4=four", "5=5", "7=seven");
    assertEquals(after, contents(spark, path));
    Dataset<Row> log = spark.read().json(String.format("%s/_delta_log/%020d.json", path, commit.version()));
    assertTrue(log.where(col("add.deletionVector").isNotNull()).count() > 0, "the replaced rows are marked, their file kept");
    // The change feed has each replaced key's delete and insert in the one commit (readers take the insert).
    assertEquals(List.of("1:delete:1", "1:insert:one", "4:delete:4", "4:insert:four", "7:insert:seven"),
        spark.read().format("delta").option("readChangeFeed", "true").option("startingVersion", commit.version())
            .option("endingVersion", commit.version()).load(path).orderBy("id", "_change_type").collectAsList().stream()
            .map(r -> r.getAs("id") + ":" + r.getAs("_change_type") + ":" + r.getAs("v")).toList());

    // The same batch again, as after a crash before its ledger row: Delta skips the transaction it has.
    assertEquals(Optional.empty(), ChangeApply.apply(spark, path, batch, new ChangeApply.Txn("trickle-t", 1)));
    assertEquals(commit.version(), new DeltaCommits(spark, path).version());
    assertEquals(after, contents(spark, path));
  }

  @Test
  void withoutDeletionVectorsAReplaceRewritesTheTouchedFilesAndCountsTheSame(SparkSession spark, @TempDir Path dir) {
    String path = target(spark, dir, "SELECT id, CAST(id AS STRING) AS v FROM range(6)", false);
    ChangeApply.Batch batch = batch(changes(spark, "(1, 'one', 'U'), (4, 'four', 'U'), (7, 'seven', 'U')"),
        List.of("id"), ApplyMethod.AUTO);

    DeltaCommits.Commit commit = ChangeApply.apply(spark, path, batch, new ChangeApply.Txn("trickle-t", 1)).orElseThrow();
    assertEquals(List.of(1L, 2L, 0L), List.of(commit.inserted(), commit.updated(), commit.deleted()));
    assertEquals(List.of("0=0", "1=one", "2=2", "3=3", "4=four", "5=5", "7=seven"), contents(spark, path));
    assertEquals(commit, new DeltaCommits(spark, path).counts(commit.version()), "what recovery reads from the log");
  }

  @Test
  void aReplaceWithinKeyBoundsTouchesOnlyKeysOfTheBatch(SparkSession spark, @TempDir Path dir) {
    String path = target(spark, dir, "SELECT id, CAST(id AS STRING) AS v FROM range(100)");
    Dataset<Row> rows = changes(spark, "(50, 'fifty', 'U'), (52, 'fifty-two', 'U'), (200, 'new', 'U')");
    KeyBounds bounds = new KeyBounds(List.of(new KeyBounds.Bound("id", DataTypes.LongType, 50L, 200L)));
    ChangeApply.Batch batch = new ChangeApply.Batch(rows, "_change", List.of("id"), bounds, 0, Optional.empty(), List.of(),
        ApplyMethod.AUTO);

    DeltaCommits.Commit commit = ChangeApply.apply(spark, path, batch, new ChangeApply.Txn("trickle-t", 1)).orElseThrow();
    assertEquals(List.of(1L, 2L, 0L), List.of(commit.inserted(), commit.updated(), commit.deleted()));
    Dataset<Row> after = spark.read().format("delta").load(path);
    assertEquals(101, after.count());
    assertEquals(List.of("50=fifty", "51=51", "52=fifty-two", "200=new"), after.where("id IN (50, 51, 52, 200)")
        .orderBy("id").collectAsList().stream().map(r -> r.get(0) + "=" + r.get(1)).toList());
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
        () -> ChangeApply.apply(spark, path, batch(held, List.of("id"), ApplyMethod.MERGE), new ChangeApply.Txn("trickle-t", 7)));
    assertTrue(MERGE_RUNNING.await(60, TimeUnit.SECONDS));
    spark.range(1).write().format("delta").mode("append").save(other);
    OTHER_WRITE_DONE.countDown();

    assertEquals(1L, merged.get(60, TimeUnit.SECONDS).orElseThrow().updated());
    assertEquals(Optional.empty(), new DeltaCommits(spark, other).versionOf("trickle-t", 7, 0));
    assertEquals(2L, spark.read().format("delta").load(other).count());
  }
}
