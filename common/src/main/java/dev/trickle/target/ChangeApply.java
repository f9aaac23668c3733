package dev.trickle.target;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.to_json;

import dev.trickle.FaultPoint;
import dev.trickle.config.ApplyMethod;
import dev.trickle.spark.SparkSessions;
import io.delta.tables.DeltaMergeBuilder;
import io.delta.tables.DeltaTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaOptions;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Applies a batch's change set to a Delta table in one commit, committed exactly once: the commit
 * carries Delta's transaction id ({@code txnAppId}, {@code txnVersion}), and Delta skips a write
 * whose version the application already committed.
 *
 * <p>The change rows have the target's columns and a change column ({@code U} upsert, {@code D}
 * delete). Two ways to write them ({@link #method}):
 *
 * <ul>
 *   <li><b>Replace by key</b>, for a batch that only upserts (under {@code sync.apply = auto}):
 *       Delta's {@code replaceOn} write deletes the target's rows whose key is among the changes
 *       and appends the changes, in one commit. With deletion vectors its delete scans only the
 *       key column and marks rows, so scattered updates cost a key scan plus the new rows; a
 *       MERGE with an insert clause joins every column of every touched file instead (measured in
 *       docs/BENCHMARKS.md). The target's change feed shows such an update as a delete and an
 *       insert of the key in one commit.
 *   <li><b>MERGE</b> otherwise (deletes, a recompute scope, or {@code sync.apply = merge}). Delta
 *       4.3 takes a MERGE's transaction id from the session ({@code
 *       spark.databricks.delta.write.txnAppId}/{@code txnVersion}; checked), not as merge
 *       options, so the MERGE runs in a session of its own that carries them: set on the shared
 *       session, they would also stamp any write another thread makes meanwhile (a runs row),
 *       and make Delta skip it. With a recompute scope (partitions whose every row is in the
 *       changes, mostly unchanged), upserts update a matching row only when some value differs,
 *       so untouched rows are not rewritten, and target rows inside the scope that no change row
 *       matches are deleted ({@code WHEN NOT MATCHED BY SOURCE}). Without one, every upsert is a
 *       real change (readers cancel carry-overs), so the update needs no comparison and Delta
 *       reads no target column but the key.
 * </ul>
 */
public final class ChangeApply {
  static final String TXN_APP_ID = "spark.databricks.delta.write.txnAppId";
  static final String TXN_VERSION = "spark.databricks.delta.write.txnVersion";
  /** Where a test can kill the JVM: right after the data commit, before the ledger hears of it. */
  public static final String AFTER_COMMIT = "sync.after-commit";

  private ChangeApply() {}

  /** An idempotent commit's identity. */
  public record Txn(String appId, long version) {}

  /**
   * What to apply.
   *
   * @param rows target columns (plus new ones) and the change column
   * @param change the change column's name
   * @param keys key columns
   * @param keyBounds the changes' key ranges, for file skipping
   * @param deletes how many rows are deletes ({@code D})
   * @param scope recompute scope on the target (alias t): unmatched target rows there are deleted
   * @param added columns to add to the target first
   * @param method {@code sync.apply}
   */
  public record Batch(Dataset<Row> rows, String change, List<String> keys, KeyBounds keyBounds, long deletes,
      Optional<Column> scope, List<StructField> added, ApplyMethod method) {}

  /** How {@link #apply} writes {@code batch}, for step names and logs: "replace by key" or "MERGE". */
  public static String method(Batch batch) {
    return replacesByKey(batch) ? "replace by key" : "MERGE";
  }

  private static boolean replacesByKey(Batch batch) {
    return batch.method() == ApplyMethod.AUTO && batch.deletes() == 0 && batch.scope().isEmpty();
  }

  /**
   * Applies and returns the commit that carried {@code txn}; empty when Delta had nothing to
   * commit or had committed this transaction before.
   */
  public static Optional<DeltaCommits.Commit> apply(SparkSession spark, String path, Batch batch, Txn txn) {
    DeltaCommits commits = new DeltaCommits(spark, path);
    StructType target = addColumns(spark, path, batch.added());
    long before = commits.version();
    if (replacesByKey(batch)) {
      replaceByKey(path, batch, target, txn);
    } else {
      merge(spark, path, batch, target, txn);
    }
    FaultPoint.at(AFTER_COMMIT);
    // The counts come from the commit's own log entry, as recovery after a crash reads them.
    return commits.versionOf(txn.appId(), txn.version(), before + 1).map(commits::counts);
  }

  /**
   * The upserts, written with {@code replaceOn}: Delta deletes every target row (alias t) for which
   * some written row (alias s) has the same key, within the key bounds, then appends the rows.
   * The options are Delta's own constants, so a Delta without them does not compile against this
   * (an overwrite that ignored {@code replaceOn} would replace the whole table).
   */
  private static void replaceByKey(String path, Batch batch, StructType target, Txn txn) {
    Dataset<Row> s = batch.rows().where(col(quote(batch.change())).equalTo(lit("U"))).as("s");
    // replaceOn resolves the condition's s.* columns below the written rows' top projection:
    // selected unaliased, the columns keep their qualifier s there.
    Dataset<Row> rows = s.select(java.util.Arrays.stream(target.fieldNames())
        .map(n -> col("s." + quote(n))).toArray(Column[]::new));
    String sameKey = batch.keys().stream().map(k -> "t." + quote(k) + " <=> s." + quote(k))
        .collect(Collectors.joining(" AND "));
    rows.write().format("delta").mode("overwrite")
        .option(DeltaOptions.TARGET_ALIAS_OPTION(), "t")
        .option(DeltaOptions.REPLACE_ON_OPTION(), batch.keyBounds().sql("t") + " AND " + sameKey)
        .option(DeltaOptions.TXN_APP_ID(), txn.appId())
        .option(DeltaOptions.TXN_VERSION(), txn.version())
        .save(path);
  }

  /** One MERGE in a session carrying {@code txn}. */
  private static void merge(SparkSession spark, String path, Batch batch, StructType target, Txn txn) {
    SparkSession session = SparkSessions.isolated(spark,
        Map.of(TXN_APP_ID, txn.appId(), TXN_VERSION, String.valueOf(txn.version())));
    DeltaMergeBuilder builder = DeltaTable.forPath(session, path).as("t")
        .merge(batch.rows().as("s"), matchCondition(batch.keys()).and(batch.keyBounds().on("t")))
        .whenMatched(col("s." + quote(batch.change())).equalTo(lit("D"))).delete()
        .whenMatched(col("s." + quote(batch.change())).equalTo(lit("U"))
            .and(batch.scope().isPresent() ? not(sameValues(target)) : lit(true)))
        .update(assignments(target))
        .whenNotMatched(col("s." + quote(batch.change())).equalTo(lit("U"))).insert(assignments(target));
    if (batch.scope().isPresent()) {
      builder = builder.whenNotMatchedBySource(batch.scope().get()).delete();
    }
    builder.execute();
  }

  /**
   * Adds new nullable columns (a separate, idempotent commit: a column already there is skipped)
   * and returns the target's schema with them.
   */
  static StructType addColumns(SparkSession spark, String path, List<StructField> added) {
    StructType current = DeltaTable.forPath(spark, path).toDF().schema();
    List<StructField> missing = added.stream()
        .filter(f -> java.util.Arrays.stream(current.fieldNames()).noneMatch(n -> n.equalsIgnoreCase(f.name()))).toList();
    if (missing.isEmpty()) {
      return current;
    }
    String columns = missing.stream().map(f -> quote(f.name()) + " " + f.dataType().sql()).collect(Collectors.joining(", "));
    spark.sql("ALTER TABLE delta.`" + path.replace("`", "``") + "` ADD COLUMNS (" + columns + ")");
    return DeltaTable.forPath(spark, path).toDF().schema();
  }

  static Column matchCondition(List<String> keys) {
    Column out = lit(true);
    for (String k : keys) {
      out = out.and(col("t." + quote(k)).eqNullSafe(col("s." + quote(k))));
    }
    return out;
  }

  private static Column sameValues(StructType target) {
    Column out = lit(true);
    for (StructField f : target.fields()) {
      Column t = col("t." + quote(f.name()));
      Column s = col("s." + quote(f.name()));
      if (f.dataType() instanceof MapType) { // maps have no equality in Spark; their JSON text does
        t = to_json(t);
        s = to_json(s);
      }
      out = out.and(t.eqNullSafe(s));
    }
    return out;
  }

  private static Map<String, Column> assignments(StructType target) {
    Map<String, Column> out = new LinkedHashMap<>();
    for (StructField f : target.fields()) {
      out.put(quote(f.name()), col("s." + quote(f.name())));
    }
    return out;
  }

  static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
