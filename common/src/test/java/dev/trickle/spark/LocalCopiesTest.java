package dev.trickle.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.trickle.testing.SharedSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A local copy is computed once, read back without recomputing, and freed by close. */
@ExtendWith(SharedSpark.class)
class LocalCopiesTest {

  @Test
  void aCopyIsComputedOnceAndFreedOnClose(SparkSession spark) {
    LongAccumulator computed = spark.sparkContext().longAccumulator("rows computed");
    spark.udf().register("local_copies_test_seen", (Long id) -> {
      computed.add(1); // an accumulator: tasks get a copy of the closure, not this object
      return id * 2;
    }, org.apache.spark.sql.types.DataTypes.LongType);
    Dataset<Row> doubled = spark.range(100).selectExpr("local_copies_test_seen(id) AS twice");
    int persistedBefore = spark.sparkContext().getPersistentRDDs().size();
    LocalCopies copies = new LocalCopies();

    Dataset<Row> copy = copies.of(doubled);
    long once = computed.value();
    assertEquals(100, once, "the copy is computed when made");
    assertEquals(9900L, copy.agg(org.apache.spark.sql.functions.sum("twice")).first().getLong(0));
    assertEquals(100, copy.count());
    assertEquals(once, computed.value(), "reading the copy does not recompute it");
    assertInstanceOf(LogicalRDD.class, copy.queryExecution().analyzed(), "the copy's plan is the kept rows alone");
    assertEquals(persistedBefore + 1, spark.sparkContext().getPersistentRDDs().size());
    assertEquals(1, copies.held());

    copies.close();
    assertEquals(persistedBefore, spark.sparkContext().getPersistentRDDs().size(), "close frees the kept blocks");
    assertEquals(0, copies.held());
  }
}
