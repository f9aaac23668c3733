package dev.trickle.recon.pushdown;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import dev.trickle.recon.ComparisonPlan.PlannedColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Keys read from PostgreSQL written as JSON by Spark itself, so they read exactly as the keys of
 * a Spark side ({@code {"id":7}}, dates as "2026-11-20").
 */
final class KeyJson {
  private static final Map<String, String> OPTIONS = Map.of("ignoreNullFields", "false");
  private final SparkSession spark;
  private final List<PlannedColumn> keys;

  KeyJson(SparkSession spark, List<PlannedColumn> keys) {
    this.spark = spark;
    this.keys = keys;
  }

  private StructType schema() {
    StructType out = new StructType();
    for (PlannedColumn k : keys) {
      out = out.add(k.name(), k.storageType(), true);
    }
    return out;
  }

  private Column key() {
    return struct(keys.stream().map(k -> col("`" + k.name().replace("`", "``") + "`")).toArray(Column[]::new));
  }

  String key(Object[] values) {
    if (values == null) {
      return null;
    }
    return spark.createDataFrame(List.of(RowFactory.create(values)), schema()).select(to_json(key(), OPTIONS)).head().getString(0);
  }

  /** Keys with their row counts (last value) as {"key":{...},"rows":n}. */
  List<String> examples(List<Object[]> keysWithCounts) {
    if (keysWithCounts.isEmpty()) {
      return List.of();
    }
    List<Row> rows = new ArrayList<>();
    keysWithCounts.forEach(v -> rows.add(RowFactory.create(v)));
    List<String> out = new ArrayList<>();
    spark.createDataFrame(rows, schema().add("n", DataTypes.LongType))
        .select(to_json(struct(key().as("key"), col("n").as("rows")), OPTIONS))
        .collectAsList().forEach(r -> out.add(r.getString(0)));
    return out;
  }
}
