package dev.trickle.recon;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import dev.trickle.recon.ComparisonPlan.PlannedColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * Names the rows that differ between two sides' hashed rows ({@link RowHashes#hashed}, usually only
 * those of mismatched buckets). Rows are matched by key and row hash as multisets, so duplicate
 * keys are never collapsed: per key, rows whose hash the other side lacks are left over. A key with
 * exactly one left-over row on each side is a CHANGED candidate, and a column-by-column comparison
 * (with float tolerance) decides whether it really differs; otherwise each left-over source row is
 * MISSING_IN_TARGET and each left-over target row EXTRA_IN_TARGET.
 *
 * <p>Output columns: the canonical key columns (plan names), {@code key} (JSON), {@code diff_type},
 * {@code changed_columns}, {@code source_row} and {@code target_row} (each side's own values as
 * JSON), {@code partition}, {@code source_key_rows} and {@code target_key_rows} (the key's rows on
 * each side, more than 1 for a duplicate key).
 */
public final class Differences {
  public static final String MISSING = "MISSING_IN_TARGET";
  public static final String EXTRA = "EXTRA_IN_TARGET";
  public static final String CHANGED = "CHANGED";

  private Differences() {}

  /**
   * The differing rows of {@code source} and {@code target}, both hashed with JSON rows: the
   * {@link #leftover} of their narrow projection, then {@link #detailed} from the same rows. Each
   * side is read several times: callers persist them.
   */
  public static Dataset<Row> between(Dataset<Row> source, Dataset<Row> target, ComparisonPlan plan, CompareRules rules) {
    Dataset<Row> leftover = leftover(source, target, plan);
    return detailed(leftover, source, target, plan, rules);
  }

  /**
   * Per key and row hash that the sides do not hold equally often: the key columns,
   * {@link RowHashes#ROW_HASH}, {@code s_n} and {@code t_n} (rows with that hash per side),
   * {@code left_s} and {@code left_t} (how many are left over), and per key
   * {@code source_key_rows}, {@code target_key_rows}, {@code key_left_s}, {@code key_left_t}. Needs
   * only the canonical key columns and the row hash of each side (the narrow projection).
   */
  public static Dataset<Row> leftover(Dataset<Row> source, Dataset<Row> target, ComparisonPlan plan) {
    List<String> keys = keyNames(plan);
    Dataset<Row> s = hashCounts(source, keys, "s");
    Dataset<Row> t = renameKeys(hashCounts(target, keys, "t"), keys, "__t_tk_");
    List<Column> joinedColumns = new ArrayList<>();
    for (String k : keys) {
      joinedColumns.add(coalesce(s.col(RowHashes.quote(k)), t.col(RowHashes.quote("__t_tk_" + k))).as(k));
    }
    joinedColumns.add(coalesce(s.col("s_hash"), t.col("t_hash")).as(RowHashes.ROW_HASH));
    joinedColumns.add(coalesce(s.col("s_n"), lit(0L)).as("s_n"));
    joinedColumns.add(coalesce(t.col("t_n"), lit(0L)).as("t_n"));
    Dataset<Row> joined = s.join(t, sameKey(s, t, keys, "__t_tk_").and(s.col("s_hash").equalTo(t.col("t_hash"))), "full_outer")
        .select(joinedColumns.toArray(Column[]::new));

    WindowSpec perKey = Window.partitionBy(keys.stream().map(k -> col(RowHashes.quote(k))).toArray(Column[]::new));
    return joined
        .withColumn("left_s", greatest(col("s_n").minus(col("t_n")), lit(0L)))
        .withColumn("left_t", greatest(col("t_n").minus(col("s_n")), lit(0L)))
        .withColumn("source_key_rows", sum(col("s_n")).over(perKey))
        .withColumn("target_key_rows", sum(col("t_n")).over(perKey))
        .withColumn("key_left_s", sum(col("left_s")).over(perKey))
        .withColumn("key_left_t", sum(col("left_t")).over(perKey))
        .where(col("left_s").plus(col("left_t")).gt(0));
  }

  /**
   * The {@link #leftover} rows classified, with each side's values: {@code source} and
   * {@code target} are hashed rows with JSON ({@link RowHashes#hashed}) holding at least the
   * left-over rows of their side (the rows of the mismatched buckets are enough).
   */
  public static Dataset<Row> detailed(Dataset<Row> leftover, Dataset<Row> source, Dataset<Row> target, ComparisonPlan plan,
      CompareRules rules) {
    return classified(withRows(leftover, source, target, plan), plan, rules);
  }

  /**
   * The {@link #leftover} rows with one row of each side attached where that side has rows left
   * over: the first half of {@link #detailed}, which reads both sides. Callers that keep it
   * ({@link #classified} reads it three times) read the sides once.
   */
  public static Dataset<Row> withRows(Dataset<Row> leftover, Dataset<Row> source, Dataset<Row> target, ComparisonPlan plan) {
    List<String> keys = keyNames(plan);
    return withDetails(withDetails(leftover, source, plan, keys, "s"), target, plan, keys, "t");
  }

  /** {@link #withRows} classified: the second half of {@link #detailed}. */
  public static Dataset<Row> classified(Dataset<Row> detailed, ComparisonPlan plan, CompareRules rules) {
    List<String> keys = keyNames(plan);
    Column pair = col("key_left_s").equalTo(1).and(col("key_left_t").equalTo(1));
    return changed(detailed.where(pair), plan, rules, keys)
        .unionByName(unpaired(detailed.where(pair.unary_$bang()), keys));
  }

  private static List<String> keyNames(ComparisonPlan plan) {
    return plan.keys().stream().map(PlannedColumn::name).toList();
  }

  /** Per key and row hash: how many rows of the side have it. */
  private static Dataset<Row> hashCounts(Dataset<Row> hashed, List<String> keys, String prefix) {
    List<Column> groupBy = new ArrayList<>();
    keys.forEach(k -> groupBy.add(col(RowHashes.quote(k))));
    groupBy.add(col(RowHashes.ROW_HASH));
    return hashed.groupBy(groupBy.toArray(Column[]::new)).agg(count(lit(1)).as(prefix + "_n"))
        .withColumnRenamed(RowHashes.ROW_HASH, prefix + "_hash");
  }

  /**
   * Left-over (key, hash) rows with one of the side's rows of that key and hash attached: its
   * canonical values, JSON and partition as {@code <prefix>_canon}, {@code _json},
   * {@code _partition} (NULL where the side has none left over).
   */
  private static Dataset<Row> withDetails(Dataset<Row> leftover, Dataset<Row> side, ComparisonPlan plan, List<String> keys,
      String prefix) {
    Dataset<Row> wantedRows = renameKeys(leftover.where(col("left_" + prefix).gt(0)), keys, "__t_w_")
        .select(java.util.stream.Stream.concat(keys.stream().map(k -> col(RowHashes.quote("__t_w_" + k))),
            java.util.stream.Stream.of(col(RowHashes.ROW_HASH).as("__t_w_hash"))).toArray(Column[]::new));
    Column on = sameKey(side, wantedRows, keys, "__t_w_").and(side.col(RowHashes.ROW_HASH).equalTo(wantedRows.col("__t_w_hash")));
    List<Column> groupBy = new ArrayList<>();
    keys.forEach(k -> groupBy.add(col(RowHashes.quote(k))));
    groupBy.add(col(RowHashes.ROW_HASH));
    Column canon = struct(plan.compared().stream().map(c -> col(RowHashes.quote(c.name()))).toArray(Column[]::new));
    Dataset<Row> details = side.join(wantedRows, on, "left_semi").groupBy(groupBy.toArray(Column[]::new)).agg(
        first(canon).as(prefix + "_canon"),
        first(col(RowHashes.ROW_JSON)).as(prefix + "_json"),
        first(col(RowHashes.PARTITION)).as(prefix + "_partition"));
    Dataset<Row> d = renameKeys(details, keys, "__t_d_").withColumnRenamed(RowHashes.ROW_HASH, "__t_d_hash");
    Column match = sameKey(leftover, d, keys, "__t_d_").and(leftover.col(RowHashes.ROW_HASH).equalTo(d.col("__t_d_hash")));
    List<Column> out = new ArrayList<>();
    for (String c : leftover.columns()) {
      out.add(leftover.col(RowHashes.quote(c)));
    }
    out.add(d.col(prefix + "_canon"));
    out.add(d.col(prefix + "_json"));
    out.add(d.col(prefix + "_partition"));
    // Whole rows are never broadcast (they would pass through the driver): shuffle them.
    return leftover.join(d.hint("shuffle_hash"), match, "left_outer").select(out.toArray(Column[]::new));
  }

  private static Dataset<Row> renameKeys(Dataset<Row> rows, List<String> keys, String prefix) {
    Dataset<Row> out = rows;
    for (String k : keys) {
      out = out.withColumnRenamed(k, prefix + k);
    }
    return out;
  }

  /** Null-safe equality of every key column ({@code right}'s renamed with {@code prefix}). */
  private static Column sameKey(Dataset<Row> left, Dataset<Row> right, List<String> keys, String prefix) {
    Column on = lit(true);
    for (String k : keys) {
      on = on.and(left.col(RowHashes.quote(k)).eqNullSafe(right.col(RowHashes.quote(prefix + k))));
    }
    return on;
  }

  /** Keys with one left-over row a side: CHANGED when some column really differs. */
  private static Dataset<Row> changed(Dataset<Row> pairs, ComparisonPlan plan, CompareRules rules, List<String> keys) {
    Column[] byKey = keys.stream().map(k -> col(RowHashes.quote(k))).toArray(Column[]::new);
    Dataset<Row> paired = pairs.groupBy(byKey).agg(
        first(when(col("left_s").gt(0), col("s_canon")), true).as("sc"),
        first(when(col("left_t").gt(0), col("t_canon")), true).as("tc"),
        first(when(col("left_s").gt(0), col("s_json")), true).as("source_row"),
        first(when(col("left_t").gt(0), col("t_json")), true).as("target_row"),
        first(when(col("left_s").gt(0), col("s_partition")), true).as("partition"),
        first(col("source_key_rows")).as("source_key_rows"),
        first(col("target_key_rows")).as("target_key_rows"));
    List<Column> names = new ArrayList<>();
    for (PlannedColumn c : plan.values()) {
      Column s = col("sc").getField(c.name());
      Column t = col("tc").getField(c.name());
      names.add(when(ColumnEquality.equal(s, t, c, rules), lit(null).cast(DataTypes.StringType)).otherwise(lit(c.name())));
    }
    Column changedColumns = names.isEmpty() ? array().cast("array<string>") : array_compact(array(names.toArray(Column[]::new)));
    return output(paired.withColumn("changed_columns", changedColumns)
        .where(size(col("changed_columns")).gt(0))
        .withColumn("diff_type", lit(CHANGED)), keys);
  }

  /** Every left-over row of a key that is not a one-to-one pair, as MISSING or EXTRA. */
  private static Dataset<Row> unpaired(Dataset<Row> rows, List<String> keys) {
    Column empty = array().cast("array<string>");
    Dataset<Row> missing = rows.where(col("left_s").gt(0))
        .withColumn("copy", explode(sequence(lit(1L), col("left_s"))))
        .withColumn("diff_type", lit(MISSING))
        .withColumn("changed_columns", empty)
        .withColumn("source_row", col("s_json"))
        .withColumn("target_row", lit(null).cast(DataTypes.StringType))
        .withColumn("partition", col("s_partition"));
    Dataset<Row> extra = rows.where(col("left_t").gt(0))
        .withColumn("copy", explode(sequence(lit(1L), col("left_t"))))
        .withColumn("diff_type", lit(EXTRA))
        .withColumn("changed_columns", empty)
        .withColumn("source_row", lit(null).cast(DataTypes.StringType))
        .withColumn("target_row", col("t_json"))
        .withColumn("partition", col("t_partition"));
    return output(missing, keys).unionByName(output(extra, keys));
  }

  private static Dataset<Row> output(Dataset<Row> rows, List<String> keys) {
    List<Column> out = new ArrayList<>();
    keys.forEach(k -> out.add(col(RowHashes.quote(k))));
    out.add(to_json(struct(keys.stream().map(k -> col(RowHashes.quote(k))).toArray(Column[]::new)),
        Map.of("ignoreNullFields", "false")).as("key"));
    out.add(col("diff_type"));
    out.add(col("changed_columns"));
    out.add(col("source_row"));
    out.add(col("target_row"));
    out.add(col("partition"));
    out.add(col("source_key_rows"));
    out.add(col("target_key_rows"));
    return rows.select(out.toArray(Column[]::new));
  }

  /** How many differences of each type: {@code diff_type, rows}. */
  public static Dataset<Row> counts(Dataset<Row> differences) {
    return differences.groupBy("diff_type").agg(count(lit(1)).as("rows"));
  }
}
