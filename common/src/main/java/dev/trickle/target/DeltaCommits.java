package dev.trickle.target;

import io.delta.tables.DeltaTable;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.CommitInfo;
import org.apache.spark.sql.delta.actions.SetTransaction;
import scala.Option;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What a Delta table's log says about idempotent commits: the last transaction version an
 * application committed ({@code txnAppId}/{@code txnVersion}), the commit that carried one, and the
 * row counts of that commit. Sync uses it to tell whether a batch interrupted by a crash landed.
 */
public final class DeltaCommits {
  private final SparkSession spark;
  private final String path;

  public DeltaCommits(SparkSession spark, String path) {
    this.spark = spark;
    this.path = path;
  }

  /** A commit of the table with the rows it inserted, updated and deleted. */
  public record Commit(long version, long inserted, long updated, long deleted) {}

  public boolean exists() {
    return DeltaTable.isDeltaTable(spark, path);
  }

  /** The table's current version. */
  public long version() {
    return log().update(false, Option.empty(), Option.empty()).version();
  }

  /**
   * The highest {@code txnVersion} committed under {@code appId} at or after {@code fromVersion},
   * read from the commit files themselves (no Spark job, unlike the snapshot's transaction map).
   */
  public Optional<Long> transactionSince(String appId, long fromVersion) {
    Optional<Long> highest = Optional.empty();
    Iterator<Tuple2<Object, scala.collection.immutable.Seq<Action>>> changes = changesFrom(fromVersion);
    while (changes.hasNext()) {
      for (Action action : CollectionConverters.asJava(changes.next()._2())) {
        if (action instanceof SetTransaction txn && txn.appId().equals(appId)
            && highest.map(h -> txn.version() > h).orElse(true)) {
          highest = Optional.of(txn.version());
        }
      }
    }
    return highest;
  }

  /** The version of the commit at or after {@code fromVersion} that carried {@code (appId, txnVersion)}. */
  public Optional<Long> versionOf(String appId, long txnVersion, long fromVersion) {
    Iterator<Tuple2<Object, scala.collection.immutable.Seq<Action>>> changes = changesFrom(fromVersion);
    while (changes.hasNext()) {
      Tuple2<Object, scala.collection.immutable.Seq<Action>> commit = changes.next();
      for (Action action : CollectionConverters.asJava(commit._2())) {
        if (action instanceof SetTransaction txn && txn.appId().equals(appId) && txn.version() == txnVersion) {
          return Optional.of((Long) commit._1());
        }
      }
    }
    return Optional.empty();
  }

  /** The commit that carried {@code (appId, txnVersion)}, with the row counts Delta recorded for it. */
  public Optional<Commit> find(String appId, long txnVersion, long fromVersion) {
    return versionOf(appId, txnVersion, fromVersion).map(this::counts);
  }

  private Iterator<Tuple2<Object, scala.collection.immutable.Seq<Action>>> changesFrom(long fromVersion) {
    long from = Math.max(0, fromVersion);
    if (from > version()) {
      return scala.collection.Iterator$.MODULE$.empty();
    }
    return log().getChanges(from, Option.empty(), false);
  }

  /**
   * The row counts Delta recorded for a commit, read from its commit info in the log (no Spark
   * job): a MERGE's target rows inserted, updated and deleted; a plain write's output rows as
   * inserts; a replace by key ({@code replaceOn}, see {@link ChangeApply}) as updates as far as it
   * replaced rows and inserts beyond. Delta counts such a write's rows as if it had rewritten the
   * touched files (output rows include the copied ones, even where deletion vectors copied none),
   * so its new rows are output minus copied.
   */
  public Commit counts(long version) {
    Map<String, String> metrics = Map.of();
    Map<String, String> parameters = Map.of();
    Iterator<Tuple2<Object, scala.collection.immutable.Seq<Action>>> changes = changesFrom(version);
    Tuple2<Object, scala.collection.immutable.Seq<Action>> commit = changes.hasNext() ? changes.next() : null;
    if (commit != null && (Long) commit._1() == version) { // its log entry may have expired: then no counts
      for (Action action : CollectionConverters.asJava(commit._2())) {
        if (action instanceof CommitInfo info) {
          metrics = info.operationMetrics().isDefined() ? CollectionConverters.asJava(info.operationMetrics().get()) : Map.of();
          parameters = CollectionConverters.asJava(info.operationParameters());
        }
      }
    }
    if (parameters.containsKey("replaceOnCond")) {
      long written = metric(metrics, "numOutputRows", 0) - metric(metrics, "numCopiedRows", 0);
      long replaced = Math.min(written, metric(metrics, "numDeletedRows", 0));
      return new Commit(version, written - replaced, replaced, 0);
    }
    long inserted = metric(metrics, "numTargetRowsInserted", metric(metrics, "numOutputRows", 0));
    return new Commit(version, inserted, metric(metrics, "numTargetRowsUpdated", 0),
        metric(metrics, "numTargetRowsDeleted", 0));
  }

  private static long metric(Map<String, String> metrics, String name, long otherwise) {
    String value = metrics.get(name);
    return value == null ? otherwise : Long.parseLong(value);
  }

  private DeltaLog log() {
    return DeltaLog.forTable(spark, path);
  }
}
