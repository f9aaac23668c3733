package dev.trickle.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trickle.testing.SharedSpark;
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

/** The net change of a change log, on in-memory rows. */
@ExtendWith(SharedSpark.class)
class ChangesTest {
  private static final StructType LOG = new StructType()
      .add("id", DataTypes.LongType).add("v", DataTypes.StringType)
      .add("pos", DataTypes.LongType).add(Changes.CHANGE, DataTypes.StringType);

  private static Row image(long id, String v, long pos, String change) {
    return RowFactory.create(id, v, pos, change);
  }

  private static Set<String> net(SparkSession spark, Row... images) {
    Dataset<Row> log = spark.createDataFrame(List.of(images), LOG);
    return Changes.net(log, List.of("id"), "pos").collectAsList().stream()
        .map(r -> r.getLong(0) + ":" + r.getString(1) + ":" + r.getString(2)).collect(Collectors.toSet());
  }

  @Test
  void newestImagePerKeyWins(SparkSession spark) {
    assertEquals(Set.of("1:c:U", "2:b:D", "3:y:U"), net(spark,
        image(1, "a", 0, "U"), image(1, "c", 2, "U"), image(1, "b", 1, "U"),
        image(2, "a", 0, "U"), image(2, "b", 1, "D"),
        image(3, "x", 0, "D"), image(3, "y", 0, "U") /* a delete and an add in one commit: the add stands */));
  }

  @Test
  void carryOversCancelWithinAPositionOnly(SparkSession spark) {
    // 1: a copy-on-write rewrite re-adds an untouched row: nothing happened to it.
    // 2: updated at 0 (a -> b), carried over at 1: the update must survive the carry-over.
    assertEquals(Set.of("2:b:U"), net(spark,
        image(1, "a", 0, "D"), image(1, "a", 0, "U"),
        image(2, "a", 0, "D"), image(2, "b", 0, "U"), image(2, "b", 1, "D"), image(2, "b", 1, "U")));
  }
}
