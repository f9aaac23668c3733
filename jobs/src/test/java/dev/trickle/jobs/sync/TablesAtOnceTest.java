package dev.trickle.jobs.sync;

import static dev.trickle.jobs.sync.SyncFixture.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trickle.jobs.cli.CliRun;
import dev.trickle.state.SyncLedger;
import dev.trickle.testing.SharedSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * load, sync and reconcile of three tables with trickle.table-parallelism = 3: the real jobs,
 * writing the same ledgers from three threads at once, each table ending as if run alone.
 */
@ExtendWith(SharedSpark.class)
class TablesAtOnceTest {
  private static final List<String> TABLES = List.of("a", "b", "c");
  private static final String PIPELINE = """
      trickle {
        warehouse = "$DIR/lake"
        table-parallelism = 3
        sources { old { type = delta, path = "$DIR/src" } }
        tables {
          a { source { ref = old, path = a }, keys = [id] }
          b { source { ref = old, path = b }, keys = [id] }
          c { source { ref = old, path = c }, keys = [id] }
        }
      }
      """;

  @Test
  void threeTablesLoadSyncAndReconcileAtOnceAndEachLedgerRowLands(SparkSession spark, @TempDir Path dir) {
    SyncFixture f = new SyncFixture(spark, dir, PIPELINE);
    for (String t : TABLES) {
      spark.range(30).selectExpr("id", "concat('" + t + "', id) AS name").write().format("delta")
          .option("delta.enableChangeDataFeed", "true").save(source(dir, t));
    }
    CliRun load = f.cli("load");
    assertEquals(0, load.exitCode(), load.toString());

    for (String t : TABLES) {
      spark.sql("UPDATE delta.`" + source(dir, t) + "` SET name = 'changed' WHERE id < 3");
      spark.sql("DELETE FROM delta.`" + source(dir, t) + "` WHERE id >= 27");
      spark.sql("INSERT INTO delta.`" + source(dir, t) + "` VALUES (100, 'new')");
    }
    CliRun sync = f.cli("sync");
    assertEquals(0, sync.exitCode(), sync.toString());
    CliRun reconcile = f.cli("reconcile");
    assertEquals(0, reconcile.exitCode(), reconcile.toString());

    for (String t : TABLES) {
      assertSameRows(spark.read().format("delta").load(source(dir, t)), f.targetRows(t), "id", "name");
      List<SyncLedger.Batch> batches = f.batches(t);
      assertEquals(1, batches.size(), t + ": " + batches);
      assertEquals(SyncLedger.Status.DONE, batches.get(0).status(), t);
      assertEquals(List.of(1L, 3L, 3L), List.of(batches.get(0).inserted(), batches.get(0).updated(), batches.get(0).deleted()),
          t + ": 100 inserted, 0 to 2 updated, 27 to 29 deleted");
    }
    Map<String, Long> loadsDone = counts(spark, dir.resolve("lake/_trickle/state/loads"), "status = 'DONE'");
    assertEquals(Map.of("a", 1L, "b", 1L, "c", 1L), loadsDone);
    Map<String, Long> matches = counts(spark, dir.resolve("lake/_trickle/recon/recon_runs"), "verdict = 'MATCH'");
    assertEquals(Map.of("a", 1L, "b", 1L, "c", 1L), matches);
    // Every command's row of every table was completed: none left RUNNING by a lost write.
    Map<String, Long> succeeded = counts(spark, dir.resolve("lake/_trickle/state/runs"), "status = 'SUCCEEDED'");
    assertEquals(Map.of("a", 3L, "b", 3L, "c", 3L), succeeded, "load, sync and reconcile of each table");
  }

  private static String source(Path dir, String table) {
    return dir.resolve("src").resolve(table).toString();
  }

  /** Rows matching {@code condition}, by table. */
  private static Map<String, Long> counts(SparkSession spark, Path table, String condition) {
    Map<String, Long> out = new TreeMap<>();
    for (Row r : spark.read().format("delta").load(table.toString()).where(condition).groupBy("table_name").count()
        .collectAsList()) {
      out.put(r.getString(0), r.getLong(1));
    }
    return out;
  }
}
