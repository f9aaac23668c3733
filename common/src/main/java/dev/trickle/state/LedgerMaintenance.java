package dev.trickle.state;

import dev.trickle.Throwables;
import dev.trickle.spark.SparkSessions;
import dev.trickle.spark.SparkSteps;
import io.delta.tables.DeltaTable;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one of trickle's own tables quick to read. Every ledger write adds a file and every UPDATE
 * leaves the file it rewrote behind, so months of nightly runs make a ledger thousands of tiny
 * files, and every command reads the ledgers (a scan of 5,000 one-row files took 7.9 s, of the same
 * rows compacted 0.24 s; scripts/bench-ledger.sh, docs/BENCHMARKS.md). Each time a write brings a table's Delta version to a
 * multiple of {@code every}, its small files are compacted and the files removed longer ago than the
 * table's retention ({@code delta.deletedFileRetentionDuration}, Delta's default 7 days) are vacuumed.
 * Best effort: a failure (a conflicting writer, a retention Delta refuses) is logged, the ledger's
 * rows are untouched, and the next due version tries again.
 */
final class LedgerMaintenance {
  /** Delta versions between two maintenances of a ledger. */
  static final long EVERY = 50;
  /** Files below this are compacted; compaction writes files of up to four times this. */
  private static final long SMALL_FILE_BYTES = 32L << 20;
  private static final Logger LOG = LoggerFactory.getLogger(LedgerMaintenance.class);
  /** Paths being maintained in this JVM: two threads whose writes both see a due version do it once. */
  private static final Set<String> RUNNING = ConcurrentHashMap.newKeySet();

  private LedgerMaintenance() {}

  static boolean due(long version, long every) {
    return every > 0 && version > 0 && version % every == 0;
  }

  /** Maintains the table at {@code path} if the version this JVM last saw of it (its own write's) is due. */
  static void afterWrite(SparkSession spark, String path, long every) {
    long version = DeltaLog.forTable(spark, path).unsafeVolatileSnapshot().version();
    if (!due(version, every) || !RUNNING.add(path)) {
      return;
    }
    try {
      maintain(spark, path);
    } catch (Exception e) { // SparkException is checked, and Scala code throws it undeclared
      LOG.warn("Cannot compact and vacuum {} (version {}): {}. Its rows are intact; it is tried again {} versions later.",
          path, version, Throwables.rootMessage(e), every);
    } finally {
      RUNNING.remove(path);
    }
  }

  /** Compacts the small files of the table at {@code path}, then vacuums it with its own retention. */
  static void maintain(SparkSession spark, String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    // OPTIMIZE reads its file sizes from the session: set in a session of its own, so no other
    // thread's OPTIMIZE of a target picks them up.
    SparkSession session = SparkSessions.isolated(spark, Map.of(
        "spark.databricks.delta.optimize.minFileSize", String.valueOf(SMALL_FILE_BYTES),
        "spark.databricks.delta.optimize.maxFileSize", String.valueOf(4 * SMALL_FILE_BYTES)));
    SparkSteps.step(session, "trickle-ledger-maintenance", "compact and vacuum " + name, () -> {
      DeltaTable table = DeltaTable.forPath(session, path);
      table.optimize().executeCompaction();
      table.vacuum();
    });
  }
}
