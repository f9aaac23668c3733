package dev.trickle.state;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.spark.SparkSessions;
import dev.trickle.testing.SharedSpark;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A ledger stays a few files however many writes it gets, and keeps every row through it. */
@ExtendWith(SharedSpark.class)
class DeltaLedgerTest {
  private static final StructType SCHEMA = new StructType()
      .add("table_name", DataTypes.StringType, false)
      .add("batch_id", DataTypes.LongType, false)
      .add("status", DataTypes.StringType, false);

  @TempDir
  Path dir;

  @Test
  void theWriteOfADueVersionCompactsAndVacuumsTheLedgerAndKeepsEveryRow(SparkSession spark) {
    DeltaLedger ledger = new DeltaLedger(spark, dir.toString(), "sync_batches", SCHEMA, 7);
    // Versions 0 to 7: four RUNNING rows, each updated to DONE, every write leaving a file.
    writeBatches(ledger, 4);

    DeltaTable table = DeltaTable.forPath(spark, ledger.path());
    List<String> operations = operations(table);
    assertEquals(List.of("VACUUM END", "VACUUM START", "OPTIMIZE", "UPDATE"), operations.subList(0, 4), "newest first: " + operations);
    assertEquals(1, table.detail().select("numFiles").first().getLong(0), "the four live files compacted into one");
    assertEquals(4, ledger.read().where(col("status").equalTo("DONE")).count());
    assertEquals(4, ledger.read().select("batch_id").distinct().count());
    // The files the UPDATEs replaced are within Delta's retention (7 days): the first version still reads.
    assertEquals(List.of("RUNNING"), spark.read().format("delta").option("versionAsOf", 0).load(ledger.path())
        .select("status").collectAsList().stream().map(r -> r.getString(0)).toList());
  }

  @Test
  void aCompactionThatFailsLeavesTheWriteCommitted(SparkSession spark) throws IOException {
    DeltaLedger ledger = new DeltaLedger(spark, dir.toString(), "recon_runs", SCHEMA, 3);
    ledger.append(List.of(RowFactory.create("orders", 0L, "DONE")));
    Path first = parquetFiles(ledger).get(0);
    for (long batch = 1; batch <= 2; batch++) {
      ledger.append(List.of(RowFactory.create("orders", batch, "DONE")));
    }
    // A data file gone from under the table: the compaction due at version 3 cannot read it.
    Files.delete(first);

    ledger.append(List.of(RowFactory.create("orders", 3L, "DONE")));

    DeltaTable table = DeltaTable.forPath(spark, ledger.path());
    assertEquals(List.of("WRITE", "WRITE", "WRITE", "WRITE"), operations(table), "the write landed, the compaction did not");
    SparkSession skipping = SparkSessions.isolated(spark, Map.of("spark.sql.files.ignoreMissingFiles", "true"));
    assertEquals(List.of(1L, 2L, 3L), skipping.read().format("delta").load(ledger.path()).select("batch_id").orderBy("batch_id")
        .collectAsList().stream().map(r -> r.getLong(0)).toList(), "every row but the lost file's");
  }

  @Test
  void sixWritersAtOnceEachAppendAndUpdateTheirRow(SparkSession spark) {
    DeltaLedger ledger = new DeltaLedger(spark, dir.toString(), "runs", SCHEMA, 0);
    ledger.append(List.of(RowFactory.create("setup", 0L, "DONE"))); // the table exists: conflicts, not creation races
    List<String> tables = List.of("a", "b", "c", "d", "e", "f");
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(tables.size());
    try {
      List<Future<?>> writers = tables.stream().<Future<?>>map(t -> threads.submit(() -> {
        start.await();
        ledger.append(List.of(RowFactory.create(t, 1L, "RUNNING")));
        // Conflicts with the other writers' commits meanwhile, up to six times: retried until it lands.
        ledger.update(col("table_name").equalTo(t), Map.of("status", lit("DONE")));
        return null;
      })).toList();
      start.countDown();
      for (Future<?> writer : writers) {
        writer.get(5, TimeUnit.MINUTES);
      }
    } catch (Exception e) {
      throw new AssertionError("a writer failed: " + e, e);
    } finally {
      threads.shutdownNow();
    }

    assertEquals(7, ledger.read().where(col("status").equalTo("DONE")).count());
  }

  @Test
  void dueOnlyAtPositiveMultiples() {
    assertFalse(LedgerMaintenance.due(0, 50));
    assertFalse(LedgerMaintenance.due(49, 50));
    assertTrue(LedgerMaintenance.due(50, 50));
    assertTrue(LedgerMaintenance.due(100, 50));
    assertFalse(LedgerMaintenance.due(50, 0), "0 turns maintenance off");
  }

  /** Each batch as a sync records it: a RUNNING row, then an UPDATE to DONE. */
  private static void writeBatches(DeltaLedger ledger, int batches) {
    for (long batch = 0; batch < batches; batch++) {
      ledger.append(List.of(RowFactory.create("orders", batch, "RUNNING")));
      ledger.update(col("batch_id").equalTo(batch), Map.of("status", lit("DONE")));
    }
  }

  private static List<Path> parquetFiles(DeltaLedger ledger) throws IOException {
    try (Stream<Path> files = Files.list(Path.of(ledger.path()))) {
      return files.filter(f -> f.toString().endsWith(".parquet")).toList();
    }
  }

  private static List<String> operations(DeltaTable table) {
    return table.history().select("operation").collectAsList().stream().map((Row r) -> r.getString(0)).toList();
  }
}
