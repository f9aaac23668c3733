package dev.trickle.sync;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.trickle.ExitCode;
import dev.trickle.Throwables;
import dev.trickle.TrickleException;
import dev.trickle.source.SourcePosition;
import dev.trickle.target.DeltaCommits;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code delta-cdf}: a Delta source's change data feed from the version after the start to the
 * current one. Inserts and update post-images become upserts, deletes and pre-images deletes;
 * the newest image per key wins. A plain overwrite of the source shows in the feed as a delete of
 * every old row and an insert of every new one, so it lands too. A feed that cannot be read
 * (change files vacuumed, the feed switched off for a version) is an error naming the fix, never
 * a silent gap.
 */
final class DeltaCdfChanges implements ChangeReader {
  private static final String CHANGE_TYPE = "_change_type";
  private static final String COMMIT_VERSION = "_commit_version";
  private static final String COMMIT_TIMESTAMP = "_commit_timestamp";

  private final SparkSession spark;
  private final String path;
  private final List<String> keys;

  /** {@code keys} in source column names. */
  DeltaCdfChanges(SparkSession spark, String path, List<String> keys) {
    this.spark = spark;
    this.path = path;
    this.keys = List.copyOf(keys);
  }

  @Override
  public String mode() {
    return "delta-cdf";
  }

  @Override
  public ChangeSet read(SyncStart start) {
    long from = start.position().getLong(SourcePosition.VERSION).orElseThrow(() -> TrickleException.badInput(
        "Cannot sync from " + path + ": the recorded start position " + start.position()
            + " has no Delta version. Reload the table with trickle load, then sync again."));
    long current = new DeltaCommits(spark, path).version();
    if (current == from) {
      return ChangeSet.unchanged(start.position());
    }
    if (current < from) {
      throw TrickleException.badInput("Cannot sync from " + path + ": its version " + current
          + " is older than the synced version " + from + " (was the table re-created?). Reload the table with trickle load.");
    }
    Dataset<Row> feed = spark.read().format("delta")
        .option("readChangeFeed", "true")
        .option("startingVersion", from + 1)
        .option("endingVersion", current)
        .load(path);
    Dataset<Row> images = feed
        .withColumn(Changes.CHANGE, when(col(CHANGE_TYPE).isin("insert", "update_postimage"), lit(Changes.UPSERT))
            .otherwise(lit(Changes.DELETE)))
        .drop(CHANGE_TYPE, COMMIT_TIMESTAMP);
    SourcePosition to = SourcePosition.of("delta").with(SourcePosition.VERSION, current)
        .with(SourcePosition.TAKEN_AT, Instant.now());
    return ChangeSet.of(Changes.net(images, keys, COMMIT_VERSION), to);
  }

  @Override
  public TrickleException failure(String table, Throwable e) {
    if (e instanceof TrickleException t) {
      return t;
    }
    if (!isMissingChangeData(e)) {
      return ChangeReader.super.failure(table, e);
    }
    return new TrickleException(ExitCode.BAD_INPUT, "Cannot read the change data feed of " + path + " for table "
        + table + ": " + Throwables.rootMessage(e) + ". The change files a batch needs were vacuumed, or the feed "
        + "was off (delta.enableChangeDataFeed) for some version; sync cannot tell what changed. Reload the table "
        + "with trickle load; the next sync starts from the load. Nothing was applied.", e);
  }

  /** Change files or log entries that are gone, or versions written without the feed. */
  static boolean isMissingChangeData(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (t instanceof java.io.FileNotFoundException || MISSING_MARKERS.stream().anyMatch(message::contains)) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static final List<String> MISSING_MARKERS = List.of("DELTA_MISSING_CHANGE_DATA",
      "DELTA_CHANGE_TABLE_FEED_DISABLED", "DELTA_VERSION_NOT_FOUND", "DELTA_FILE_NOT_FOUND",
      "DELTA_VERSIONS_NOT_CONTIGUOUS", "FILE_NOT_EXIST");
}
