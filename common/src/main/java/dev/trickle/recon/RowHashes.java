package dev.trickle.recon;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.hex;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.xxhash64;

import dev.trickle.recon.ComparisonPlan.PlannedColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Per-row bookkeeping of a comparison, as columns: the canonical values, the partition label, the
 * key's bucket and the row hash. The row hash covers every compared column (the key included) in
 * name order, with a mask of where the NULLs are, so it depends neither on column order nor on
 * physical types; the bucket depends on the key only, so a row keeps its bucket when it changes.
 */
public final class RowHashes {
  /** The partition label column ("day=2026-11-20/region=eu", or {@link #WHOLE_TABLE}). */
  public static final String PARTITION = ComparisonPlan.RESERVED_PREFIX + "partition";
  public static final String BUCKET = ComparisonPlan.RESERVED_PREFIX + "bucket";
  public static final String ROW_HASH = ComparisonPlan.RESERVED_PREFIX + "row_hash";
  /** The label of the only partition when a table is not counted per partition. */
  public static final String WHOLE_TABLE = "*";

  private RowHashes() {}

  /** The column holding a row's own values as JSON, for diff rows. */
  public static final String ROW_JSON = ComparisonPlan.RESERVED_PREFIX + "row";

  /**
   * {@code side}'s rows as they are, plus their partition label and bucket. Cheap: only the key
   * and partition columns are canonicalised, so a drill-down can filter on buckets before the
   * rest of each row is touched.
   */
  static Dataset<Row> located(Dataset<Row> rows, Side side, ComparisonPlan plan, CompareRules rules, int buckets) {
    java.util.function.Function<PlannedColumn, Column> canonical = c -> canonical(rows, side, c, rules);
    return rows.select(col("*"),
        partitionLabel(plan.partitions(), canonical).as(PARTITION),
        bucket(plan.keys(), rules.scheme(), buckets, canonical).as(BUCKET));
  }

  /**
   * Located rows as canonical values (named as the plan names them), with partition, bucket and
   * row hash, and with {@code withJson} also the side's own row as JSON.
   */
  static Dataset<Row> hashed(Dataset<Row> located, Side side, ComparisonPlan plan, CompareRules rules, boolean withJson) {
    List<Column> select = new ArrayList<>();
    List<Column> values = new ArrayList<>();
    for (PlannedColumn c : plan.compared()) {
      Column v = canonical(located, side, c, rules);
      values.add(v);
      select.add(v.as(c.name()));
    }
    select.add(col(PARTITION));
    select.add(col(BUCKET));
    select.add(rowHash(plan.compared(), values, rules.scheme()).as(ROW_HASH));
    if (withJson) {
      List<String> own = side == Side.SOURCE ? plan.sourceColumns() : plan.targetColumns();
      select.add(to_json(struct(own.stream().map(n -> located.col(quote(n))).toArray(Column[]::new)),
          Map.of("ignoreNullFields", "false")).as(ROW_JSON));
    }
    return located.select(select.toArray(Column[]::new));
  }

  /** {@code side}'s compared columns as canonical values, named as the plan names them. */
  public static Dataset<Row> canonical(Dataset<Row> rows, Side side, ComparisonPlan plan, CompareRules rules) {
    return rows.select(plan.compared().stream().map(c -> canonical(rows, side, c, rules).as(c.name())).toArray(Column[]::new));
  }

  /** {@code side}'s key columns as canonical values, named as the plan names them. */
  public static Dataset<Row> canonicalKeys(Dataset<Row> rows, Side side, ComparisonPlan plan, CompareRules rules) {
    return rows.select(plan.keys().stream().map(c -> canonical(rows, side, c, rules).as(c.name())).toArray(Column[]::new));
  }

  /** The canonical key values of {@code rows} as expressions, in key order. */
  static List<Column> keyValues(Dataset<Row> rows, Side side, ComparisonPlan plan, CompareRules rules) {
    return plan.keys().stream().map(c -> canonical(rows, side, c, rules)).toList();
  }

  private static Column canonical(Dataset<Row> rows, Side side, PlannedColumn c, CompareRules rules) {
    return Canonical.value(c, side, rows.col(quote(c.nameOn(side))), rules);
  }

  /** The row hash of canonical values (in plan order) under {@code scheme}. */
  static Column rowHash(List<PlannedColumn> columns, List<Column> values, HashScheme scheme) {
    if (scheme == HashScheme.MD5_TEXT) {
      return SparkText.hash64(SparkText.row(values, columns.stream().map(PlannedColumn::storageType).toList()));
    }
    List<Column> inputs = new ArrayList<>(Canonical.nullMask(values));
    for (int i = 0; i < columns.size(); i++) {
      inputs.add(Canonical.hashInput(values.get(i), columns.get(i).storageType()));
    }
    return xxhash64(inputs.toArray(Column[]::new));
  }

  /** The key's bucket, 0 to buckets - 1. */
  static Column bucket(List<PlannedColumn> keys, HashScheme scheme, int buckets,
      java.util.function.Function<PlannedColumn, Column> canonical) {
    List<Column> values = keys.stream().map(canonical).toList();
    Column hash;
    if (scheme == HashScheme.MD5_TEXT) {
      hash = SparkText.hash64(SparkText.row(values, keys.stream().map(PlannedColumn::storageType).toList()));
    } else {
      List<Column> inputs = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        inputs.add(Canonical.hashInput(values.get(i), keys.get(i).storageType()));
      }
      hash = xxhash64(inputs.toArray(Column[]::new));
    }
    return pmod(hash, lit((long) buckets)).cast(DataTypes.IntegerType);
  }

  /** "name=value/name=value" of the canonical partition values; NULL shows as NULL. */
  static Column partitionLabel(List<PlannedColumn> partitions, java.util.function.Function<PlannedColumn, Column> canonical) {
    if (partitions.isEmpty()) {
      return lit(WHOLE_TABLE);
    }
    Column[] parts = partitions.stream()
        .map(p -> concat(lit(p.name() + "="), coalesce(labelText(canonical.apply(p), p.storageType()), lit("NULL"))))
        .toArray(Column[]::new);
    return concat_ws("/", parts);
  }

  /** How a partition value reads in a label; {@code PostgresText.label} matches it. */
  static Column labelText(Column v, DataType type) {
    if (type instanceof DateType) {
      return date_format(v, "yyyy-MM-dd");
    }
    if (type instanceof TimestampType) {
      return date_format(v, "yyyy-MM-dd HH:mm:ss.SSSSSS");
    }
    if (type instanceof BinaryType) {
      return lower(hex(v));
    }
    if (!CanonicalTypes.isAtomic(type)) {
      return to_json(v);
    }
    return v.cast(DataTypes.StringType);
  }

  static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
