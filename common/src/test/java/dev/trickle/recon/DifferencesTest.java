package dev.trickle.recon;

import static dev.trickle.recon.Compare.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trickle.testing.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Injected differences are found, classified and counted exactly, on single, composite and UUID
 * keys: changed, missing, extra, a row moved to another key, duplicate keys, NULL against ''.
 */
@ExtendWith(SharedSpark.class)
class DifferencesTest {
  private static final StructType SINGLE = new StructType()
      .add("id", DataTypes.LongType).add("name", DataTypes.StringType).add("amount", DataTypes.IntegerType);

  private static List<Row> base(int n) {
    List<Row> out = new ArrayList<>();
    for (long i = 1; i <= n; i++) {
      out.add(row(i, "name " + i, (int) (i * 10)));
    }
    return out;
  }

  @Test
  void everyKindOfDifferenceOnASingleKey(SparkSession spark) {
    List<Row> source = base(30);
    List<Row> target = base(30);
    target.set(1, row(2L, "name 2", 21));          // changed amount
    target.set(2, row(3L, "", 30));                // a name emptied
    source.set(3, row(4L, null, 40));
    target.set(3, row(4L, "", 40));                // NULL against ''
    target.set(19, row(77L, "name 20", 200));      // key 20 moved to 77: missing 20, extra 77
    target.remove(9);                              // key 10 missing
    target.add(row(99L, "name 99", 990));          // extra
    target.add(row(5L, "name 5", 50));             // duplicate of key 5 in the target
    Compare c = Compare.of(spark, SINGLE, source, SINGLE, target, CompareRules.exact(List.of("id")));
    assertEquals(Map.of(
        Differences.CHANGED, List.of("{\"id\":2}", "{\"id\":3}", "{\"id\":4}"),
        Differences.MISSING, List.of("{\"id\":10}", "{\"id\":20}"),
        Differences.EXTRA, List.of("{\"id\":5}", "{\"id\":77}", "{\"id\":99}")), c.byType());
    assertEquals(List.of("amount"), c.changedColumns("{\"id\":2}"));
    assertEquals(List.of("name"), c.changedColumns("{\"id\":3}"));
    assertEquals(List.of("name"), c.changedColumns("{\"id\":4}"));
    Row duplicate = c.differences.stream().filter(r -> r.getAs("key").equals("{\"id\":5}")).findFirst().orElseThrow();
    assertEquals(1L, (long) duplicate.getAs("source_key_rows"));
    assertEquals(2L, (long) duplicate.getAs("target_key_rows"));
    Row changed = c.differences.stream().filter(r -> r.getAs("key").equals("{\"id\":4}")).findFirst().orElseThrow();
    assertEquals("{\"id\":4,\"name\":null,\"amount\":40}", changed.getAs("source_row"));
    assertEquals("{\"id\":4,\"name\":\"\",\"amount\":40}", changed.getAs("target_row"));
  }

  @Test
  void duplicateKeysAreNeverCollapsed(SparkSession spark) {
    List<Row> source = base(5);
    source.add(row(3L, "name 3", 30));             // key 3 twice, identically, on both sides: equal
    source.add(row(4L, "name 4", 40));             // key 4 twice at the source, once at the target
    source.add(row(5L, "other", 1));               // key 5 twice at the source, changed twice at the target
    List<Row> target = base(5);
    target.add(row(3L, "name 3", 30));
    target.set(4, row(5L, "x", 2));
    target.add(row(5L, "y", 3));
    Compare c = Compare.of(spark, SINGLE, source, SINGLE, target, CompareRules.exact(List.of("id")));
    assertEquals(Map.of(
        Differences.MISSING, List.of("{\"id\":4}", "{\"id\":5}", "{\"id\":5}"),
        Differences.EXTRA, List.of("{\"id\":5}", "{\"id\":5}")), c.byType());
  }

  @Test
  void compositeKeys(SparkSession spark) {
    StructType schema = new StructType().add("region", DataTypes.StringType).add("day", DataTypes.DateType)
        .add("seq", DataTypes.IntegerType).add("v", DataTypes.DoubleType);
    java.sql.Date d1 = java.sql.Date.valueOf("2026-11-19");
    java.sql.Date d2 = java.sql.Date.valueOf("2026-11-20");
    List<Row> source = new ArrayList<>(List.of(row("eu", d1, 1, 1.0), row("eu", d2, 1, 2.0), row("us", d1, 1, 3.0),
        row(null, d1, 1, 4.0), row("eu", d1, 2, 5.0)));
    List<Row> target = new ArrayList<>(List.of(row("eu", d1, 1, 1.0), row("eu", d2, 1, 2.5), row("us", d2, 1, 3.0),
        row(null, d1, 1, 4.0), row("eu", d1, 2, 5.0)));
    Compare c = Compare.of(spark, schema, source, schema, target, CompareRules.exact(List.of("region", "day", "seq")));
    assertEquals(Map.of(
        Differences.CHANGED, List.of("{\"region\":\"eu\",\"day\":\"2026-11-20\",\"seq\":1}"),
        Differences.MISSING, List.of("{\"region\":\"us\",\"day\":\"2026-11-19\",\"seq\":1}"),
        Differences.EXTRA, List.of("{\"region\":\"us\",\"day\":\"2026-11-20\",\"seq\":1}")), c.byType());
    assertEquals(List.of("v"), c.changedColumns("{\"region\":\"eu\",\"day\":\"2026-11-20\",\"seq\":1}"));
  }

  @Test
  void uuidKeys(SparkSession spark) {
    StructType schema = new StructType().add("id", DataTypes.StringType).add("v", DataTypes.LongType);
    List<Row> source = new ArrayList<>();
    List<Row> target = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 40; i++) {
      String id = new UUID(random.nextLong(), random.nextLong()).toString();
      ids.add(id);
      source.add(RowFactory.create(id, (long) i));
      target.add(RowFactory.create(id, (long) i));
    }
    target.set(3, RowFactory.create(ids.get(3), 1000L));
    target.remove(7);
    String extra = new UUID(1, 2).toString();
    target.add(RowFactory.create(extra, 5L));
    Compare c = Compare.of(spark, schema, source, schema, target, CompareRules.exact(List.of("id")));
    assertEquals(Map.of(
        Differences.CHANGED, List.of("{\"id\":\"" + ids.get(3) + "\"}"),
        Differences.MISSING, List.of("{\"id\":\"" + ids.get(7) + "\"}"),
        Differences.EXTRA, List.of("{\"id\":\"" + extra + "\"}")), c.byType());
  }

  @Test
  void identicalSidesHaveNoMismatchedBucketAtAll(SparkSession spark) {
    Compare c = Compare.of(spark, SINGLE, base(50), SINGLE, base(50), CompareRules.exact(List.of("id")));
    c.assertMatch();
  }
}
