package dev.trickle.recon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Many one-value comparisons in one Spark run: case i is row id = i, holding its pair of values
 * in its own column c&lt;i&gt; (NULL on both sides everywhere else). Checks each case's outcome at
 * both levels: the row hashes (equal values must hash equally) and the row-level differences.
 */
final class Cases {
  private record Case(String name, DataType sourceType, Object source, DataType targetType, Object target, boolean equal) {}

  private final List<Case> cases = new ArrayList<>();

  Cases equal(String name, DataType sourceType, Object source, DataType targetType, Object target) {
    cases.add(new Case(name, sourceType, source, targetType, target, true));
    return this;
  }

  Cases differ(String name, DataType sourceType, Object source, DataType targetType, Object target) {
    cases.add(new Case(name, sourceType, source, targetType, target, false));
    return this;
  }

  /** Runs every case under {@code rules} (key: id) and asserts each one's outcome. */
  void check(SparkSession spark, CompareRules rules) {
    StructType sourceSchema = new StructType().add("id", DataTypes.LongType);
    StructType targetSchema = new StructType().add("id", DataTypes.LongType);
    for (int i = 0; i < cases.size(); i++) {
      sourceSchema = sourceSchema.add("c" + i, cases.get(i).sourceType());
      targetSchema = targetSchema.add("c" + i, cases.get(i).targetType());
    }
    List<Row> source = new ArrayList<>();
    List<Row> target = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Object[] s = new Object[cases.size() + 1];
      Object[] t = new Object[cases.size() + 1];
      s[0] = (long) i;
      t[0] = (long) i;
      s[i + 1] = cases.get(i).source();
      t[i + 1] = cases.get(i).target();
      source.add(RowFactory.create(s));
      target.add(RowFactory.create(t));
    }
    Dataset<Row> sourceRows = spark.createDataFrame(source, sourceSchema);
    Dataset<Row> targetRows = spark.createDataFrame(target, targetSchema);

    Map<Long, Long> sourceHashes = hashes(sourceRows, Side.SOURCE, sourceRows, targetRows, rules);
    Map<Long, Long> targetHashes = hashes(targetRows, Side.TARGET, sourceRows, targetRows, rules);
    Compare compared = Compare.of(sourceRows, targetRows, rules, 16);
    Map<String, List<String>> changed = new HashMap<>();
    for (Row r : compared.differences) {
      assertEquals(Differences.CHANGED, r.getAs("diff_type"), "only CHANGED rows expected: " + compared.differences);
      changed.put(r.getAs("key"), r.getList(r.fieldIndex("changed_columns")));
    }
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      String key = "{\"id\":" + i + "}";
      if (c.equal()) {
        assertEquals(null, changed.get(key), c.name() + ": values should compare equal");
        if (!rules.floatTolerance()) {
          assertEquals(sourceHashes.get((long) i), targetHashes.get((long) i), c.name() + ": equal values must hash equally");
        }
      } else {
        assertEquals(List.of("c" + i), changed.get(key), c.name() + ": values should differ");
        assertNotEquals(sourceHashes.get((long) i), targetHashes.get((long) i), c.name() + ": differing values must hash apart");
      }
    }
  }

  private static Map<Long, Long> hashes(Dataset<Row> rows, Side side, Dataset<Row> source, Dataset<Row> target,
      CompareRules rules) {
    ComparisonPlan plan = ComparisonPlan.of(source.schema(), target.schema(), rules);
    Map<Long, Long> out = new HashMap<>();
    RowHashes.hashed(RowHashes.located(rows, side, plan, rules, 16), side, plan, rules, false)
        .select("id", RowHashes.ROW_HASH).collectAsList()
        .forEach(r -> out.put(r.getLong(0), r.getLong(1)));
    return out;
  }
}
