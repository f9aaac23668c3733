package dev.trickle.recon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Test helper: compares two small in-memory sides and reads the results back. */
final class Compare {
  final HashDiff.Result result;
  final List<Row> differences;

  private Compare(HashDiff.Result result) {
    this.result = result;
    this.differences = result.differences().orderBy("key", "diff_type").collectAsList();
  }

  static Compare of(SparkSession spark, StructType sourceSchema, List<Row> source, StructType targetSchema,
      List<Row> target, CompareRules rules) {
    return of(spark.createDataFrame(source, sourceSchema), spark.createDataFrame(target, targetSchema), rules, 64);
  }

  static Compare of(Dataset<Row> source, Dataset<Row> target, CompareRules rules, int buckets) {
    return new Compare(HashDiff.of(source, target, rules, buckets));
  }

  static Row row(Object... values) {
    return RowFactory.create(values);
  }

  static List<Row> rows(Row... rows) {
    return new ArrayList<>(List.of(rows));
  }

  long mismatchedBuckets() {
    return result.mismatched().count();
  }

  /** diff_type -> keys (JSON), sorted. */
  Map<String, List<String>> byType() {
    Map<String, List<String>> out = new TreeMap<>();
    for (Row r : differences) {
      out.computeIfAbsent(r.getAs("diff_type"), k -> new ArrayList<>()).add(r.getAs("key"));
    }
    return out;
  }

  /** The changed columns of the CHANGED row with this key JSON. */
  List<String> changedColumns(String key) {
    for (Row r : differences) {
      if (r.getAs("key").equals(key) && r.getAs("diff_type").equals(Differences.CHANGED)) {
        return r.getList(r.fieldIndex("changed_columns"));
      }
    }
    throw new AssertionError("no CHANGED row for " + key + " in " + differences);
  }

  /** Equal sides: no differing rows, and (exact rules) not even a differing bucket. */
  void assertMatch() {
    assertEquals(List.of(), differences, "differences");
    assertEquals(0, mismatchedBuckets(), "equal rows must hash equally, so no bucket may differ");
  }

  void assertOnlyChanged(String key, String... columns) {
    assertEquals(Map.of(Differences.CHANGED, List.of(key)), byType(), differences.toString());
    assertEquals(List.of(columns), changedColumns(key));
  }
}
