package dev.trickle.target;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.to_json;

import dev.trickle.FaultPoint;
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
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Applies a change set to a Delta table in one MERGE, committed exactly once: the commit carries
 * Delta's transaction id ({@code txnAppId}, {@code txnVersion}), and Delta skips a MERGE whose
 * version the application already committed. Delta 4.3 takes these for MERGE from the session
 * ({@code spark.databricks.delta.write.txnAppId}/{@code txnVersion}; checked), not as merge options,
 * so the MERGE runs in a session of its own that carries them: set on the shared session, they
 * would also stamp any write another thread makes meanwhile (a runs row), and make Delta skip it.
 *
 * <p>The change rows have the target's columns and a change column ({@code U} upsert, {@code D}
 * delete). With a recompute scope (partitions whose every row is in the changes, mostly unchanged),
 * upserts update a matching row only when some value differs, so untouched rows are not
 * rewritten, and target rows inside the scope that no change row matches are deleted
 * ({@code WHEN NOT MATCHED BY SOURCE}). Without one, every upsert is a real change (readers cancel
 * carry-overs), so the update needs no comparison and Delta reads no target column but the key.
 */
public final class MergeApply {
  static final String TXN_APP_ID = "spark.databricks.delta.write.txnAppId";
  static final String TXN_VERSION = "spark.databricks.delta.write.txnVersion";
  /** Where a test can kill the JVM: right after the data commit, before the ledger hears of it. */
  public static final String AFTER_COMMIT = "sync.after-commit";

  private MergeApply() {}

  /** An idempotent commit's identity. */
  public record Txn(String appId, long version) {}

  /**
   * What to merge.
   *
   * @param rows target columns (plus new ones) and the change column
   * @param change the change column's name
   * @param keys key columns
   * @param keyBounds extra condition on the target (alias t) that every matching row meets, for file skipping
   * @param scope recompute scope on the target (alias t): unmatched target rows there are deleted
   * @param added columns to add to the target first
   */
  public record Merge(Dataset<Row> rows, String change, List<String> keys, Column keyBounds, Optional<Column> scope,
      List<StructField> added) {}

  /**
   * Merges and returns the commit that carried {@code txn}; empty when Delta had nothing to commit
   * or had committed this transaction before.
   */
  public static Optional<DeltaCommits.Commit> apply(SparkSession spark, String path, Merge merge, Txn txn) {
    DeltaCommits commits = new DeltaCommits(spark, path);
    addColumns(spark, path, merge.added());
    long before = commits.version();
    SparkSession session = SparkSessions.isolated(spark,
        Map.of(TXN_APP_ID, txn.appId(), TXN_VERSION, String.valueOf(txn.version())));
    DeltaTable table = DeltaTable.forPath(session, path);
    StructType target = table.toDF().schema();
    DeltaMergeBuilder builder = table.as("t")
        .merge(merge.rows().as("s"), matchCondition(merge.keys()).and(merge.keyBounds()))
        .whenMatched(col("s." + quote(merge.change())).equalTo(lit("D"))).delete()
        .whenMatched(col("s." + quote(merge.change())).equalTo(lit("U"))
            .and(merge.scope().isPresent() ? not(sameValues(target)) : lit(true)))
        .update(assignments(target))
        .whenNotMatched(col("s." + quote(merge.change())).equalTo(lit("U"))).insert(assignments(target));
    if (merge.scope().isPresent()) {
      builder = builder.whenNotMatchedBySource(merge.scope().get()).delete();
    }
    List<Row> metrics = builder.execute().collectAsList();
    FaultPoint.at(AFTER_COMMIT);
    Optional<Long> version = commits.versionOf(txn.appId(), txn.version(), before + 1);
    if (version.isEmpty() || metrics.isEmpty()) { // no commit, or Delta skipped a transaction it had
      return version.map(commits::counts);
    }
    Row m = metrics.get(0);
    return Optional.of(new DeltaCommits.Commit(version.get(), m.<Long>getAs("num_inserted_rows"),
        m.<Long>getAs("num_updated_rows"), m.<Long>getAs("num_deleted_rows")));
  }

  /** Adds new nullable columns (a separate, idempotent commit: a column already there is skipped). */
  static void addColumns(SparkSession spark, String path, List<StructField> added) {
    StructType current = DeltaTable.forPath(spark, path).toDF().schema();
    List<StructField> missing = added.stream()
        .filter(f -> java.util.Arrays.stream(current.fieldNames()).noneMatch(n -> n.equalsIgnoreCase(f.name()))).toList();
    if (missing.isEmpty()) {
      return;
    }
    String columns = missing.stream().map(f -> quote(f.name()) + " " + f.dataType().sql()).collect(Collectors.joining(", "));
    spark.sql("ALTER TABLE delta.`" + path.replace("`", "``") + "` ADD COLUMNS (" + columns + ")");
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
