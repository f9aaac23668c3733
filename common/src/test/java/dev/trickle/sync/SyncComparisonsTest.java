package dev.trickle.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trickle.recon.CompareRules;
import dev.trickle.recon.ComparisonPlan;
import dev.trickle.recon.Differences;
import dev.trickle.recon.HashDiff;
import dev.trickle.recon.Side;
import dev.trickle.testing.SharedSpark;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The comparisons behind the watermark and diff modes, on in-memory rows. */
@ExtendWith(SharedSpark.class)
class SyncComparisonsTest {
  private static final StructType SOURCE = new StructType()
      .add("id", DataTypes.LongType).add("amount", DataTypes.createDecimalType(10, 1)).add("name", DataTypes.StringType);
  private static final StructType TARGET = new StructType()
      .add("id", DataTypes.IntegerType).add("amount", DataTypes.createDecimalType(12, 2)).add("name", DataTypes.StringType);

  private static Set<String> rows(Dataset<Row> rows) {
    return rows.collectAsList().stream().map(Row::toString).collect(Collectors.toSet());
  }

  @Test
  void diffNamesTheSourcesRowsToUpsertAndTheTargetsKeysToDelete(SparkSession spark) {
    Dataset<Row> source = spark.createDataFrame(List.of(
        RowFactory.create(1L, new BigDecimal("1.5"), "same"), // 1.50 in the target: another scale is no change
        RowFactory.create(2L, new BigDecimal("2.0"), "new name"),
        RowFactory.create(3L, new BigDecimal("3.0"), "only in the source")), SOURCE);
    Dataset<Row> target = spark.createDataFrame(List.of(
        RowFactory.create(1, new BigDecimal("1.50"), "same"),
        RowFactory.create(2, new BigDecimal("2.00"), "old name"),
        RowFactory.create(4, new BigDecimal("4.00"), "only in the target")), TARGET);
    CompareRules rules = CompareRules.exact(List.of("id"));
    ComparisonPlan plan = ComparisonPlan.of(source.schema(), target.schema(), rules);
    Dataset<Row> leftover = Differences.leftover(HashDiff.narrow(source, Side.SOURCE, plan, rules, 4),
        HashDiff.narrow(target, Side.TARGET, plan, rules, 4), plan);

    Dataset<Row> upserts = DiffChanges.changes(source, leftover, plan, rules, List.of(source.columns()));
    assertEquals(Set.of("[2,2.0,new name,U]", "[3,3.0,only in the source,U]"), rows(upserts),
        "the source's own values (scale 1), not canonical ones");
    assertEquals(Set.of("[4]"), rows(DiffChanges.deletes(target, leftover, plan, rules, List.of("id"))));
  }

  @Test
  void rowsEqualToTheTargetAndDeletesOfAbsentKeysAreNoOps(SparkSession spark) {
    StructType changeSchema = TARGET.add(Changes.CHANGE, DataTypes.StringType);
    Dataset<Row> changes = spark.createDataFrame(List.of(
        RowFactory.create(1, new BigDecimal("1.50"), "same", "U"),
        RowFactory.create(2, new BigDecimal("2.00"), "new", "U"),
        RowFactory.create(3, new BigDecimal("3.00"), null, "U"),
        RowFactory.create(4, null, null, "D"),
        RowFactory.create(5, null, null, "D")), changeSchema);
    Dataset<Row> target = spark.createDataFrame(List.of(
        RowFactory.create(1, new BigDecimal("1.50"), "same"),
        RowFactory.create(2, new BigDecimal("2.00"), "old"),
        RowFactory.create(3, new BigDecimal("3.00"), "was set"),
        RowFactory.create(4, new BigDecimal("4.00"), "gone")), TARGET);

    Dataset<Row> real = Changes.withoutNoOps(changes, target, List.of("id"), List.of(TARGET.fields()));

    assertEquals(Set.of("[2,2.00,new,U]", "[3,3.00,null,U]", "[4,null,null,D]"), rows(real),
        "1 is as the target has it; 5 is not in the target");
  }

  @Test
  void aKeyScanNamesTheKeysOnlyOneSideHas(SparkSession spark) {
    Dataset<Row> source = spark.createDataFrame(List.of(RowFactory.create(1, "a"), RowFactory.create(2, "b"),
        RowFactory.create(3, "c")), new StructType().add("id", DataTypes.IntegerType).add("raw", DataTypes.StringType));
    Dataset<Row> target = spark.createDataFrame(List.of(RowFactory.create(2), RowFactory.create(3), RowFactory.create(9)),
        new StructType().add("id", DataTypes.IntegerType));

    Dataset<Row> oneSided = KeyScan.oneSided(source, target, List.of("id"));

    assertEquals(Set.of("[1,a,source]", "[9,null,target]"), rows(oneSided));
  }
}
