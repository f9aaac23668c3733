package dev.trickle.recon;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.testing.SharedSpark;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import scala.Tuple2;

/** Array-based bucket aggregates equal a plain Spark groupBy's, wrapping sums included. */
@ExtendWith(SharedSpark.class)
class BucketTotalsTest {
  private static final StructType HASHED = new StructType()
      .add(RowHashes.PARTITION, DataTypes.StringType, false)
      .add(RowHashes.BUCKET, DataTypes.IntegerType, false)
      .add(RowHashes.ROW_HASH, DataTypes.LongType, false);

  /** Rows over {@code labels} labels and {@code buckets} buckets, hashes near the long range's ends so sums wrap. */
  private static List<Row> rows(int n, int buckets, int labels) {
    Random random = new Random(7);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long hash = random.nextBoolean() ? Long.MAX_VALUE - random.nextInt(1000) : Long.MIN_VALUE + random.nextInt(1000);
      out.add(RowFactory.create(labels == 1 ? RowHashes.WHOLE_TABLE : "day=" + (i % labels), random.nextInt(buckets), hash));
    }
    return out;
  }

  /** (label, bucket) to {rows, wrapped hash sum}, summed in Java. */
  private static Map<String, List<Long>> expected(List<Row> rows) {
    Map<String, List<Long>> out = new TreeMap<>();
    for (Row r : rows) {
      out.merge(r.getString(0) + "#" + r.getInt(1), List.of(1L, r.getLong(2)),
          (a, b) -> List.of(a.get(0) + b.get(0), a.get(1) + b.get(1)));
    }
    return out;
  }

  private static Map<String, List<Long>> collected(Dataset<Row> aggregates) {
    Map<String, List<Long>> out = new TreeMap<>();
    for (Row r : aggregates.collectAsList()) {
      out.put(r.getString(0) + "#" + r.getInt(1), List.of(r.getLong(2), r.getLong(3)));
    }
    return out;
  }

  @ParameterizedTest(name = "{0} label(s)")
  @ValueSource(ints = {1, 3})
  void aggregatesEqualAGroupByAcrossTasksLabelsAndBlocks(int labels, SparkSession spark) {
    int buckets = BucketTotals.BLOCK * 2 + 17; // three blocks, the last one short
    List<Row> rows = rows(20_000, buckets, labels);
    Dataset<Row> hashed = spark.createDataFrame(rows, HASHED).repartition(5);
    Dataset<Row> aggregates = BucketAggregates.of(hashed, buckets, labels > 1);

    assertEquals(expected(rows), collected(aggregates));
    Dataset<Row> grouped = hashed.groupBy(col(RowHashes.PARTITION), col(RowHashes.BUCKET))
        .agg(count(lit(1)).as(BucketAggregates.ROWS), WrappingSum.of(col(RowHashes.ROW_HASH)).as(BucketAggregates.HASH));
    assertEquals(collected(grouped), collected(aggregates));
    assertEquals(List.of(RowHashes.PARTITION, RowHashes.BUCKET, BucketAggregates.ROWS, BucketAggregates.HASH),
        List.of(aggregates.columns()));
  }

  @Test
  void aTaskHandsBlocksOnBeforeItHasReadAllItsRows() {
    List<InternalRow> input = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      input.add(new GenericInternalRow(new Object[] {UTF8String.fromString("day=" + i), 0, 1L}));
    }
    int[] read = {0};
    Iterator<InternalRow> counting = new Iterator<>() {
      private final Iterator<InternalRow> rows = input.iterator();

      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public InternalRow next() {
        read[0]++;
        return rows.next();
      }
    };
    Iterator<Tuple2<Tuple2<String, Integer>, long[]>> blocks = BucketTotals.taskTotals(counting, 64, 4);
    blocks.next();
    // Memory stays bounded: the first labels' arrays leave before the hundredth label is read.
    assertTrue(read[0] <= 5, "rows read before the first block was handed on: " + read[0]);
    int handedOn = 1;
    while (blocks.hasNext()) {
      blocks.next();
      handedOn++;
    }
    assertEquals(100, handedOn);
  }

  @Test
  void noRowsGiveNoAggregates(SparkSession spark) {
    Dataset<Row> empty = spark.createDataFrame(List.of(), HASHED);
    assertEquals(0, BucketAggregates.of(empty, 64, true).count() + BucketAggregates.of(empty, 64, false).count());
  }

  @Test
  void aTaskOverItsLabelBudgetHandsOnAndStillAddsUp() {
    int buckets = 10;
    List<InternalRow> input = new ArrayList<>();
    List<Row> asRows = new ArrayList<>();
    String[] labels = {"a", "b", "c", "a", "b", "a", "c", "c"};
    for (int i = 0; i < labels.length; i++) {
      input.add(new GenericInternalRow(new Object[] {UTF8String.fromString(labels[i]), i % buckets, 100L + i}));
      asRows.add(RowFactory.create(labels[i], i % buckets, 100L + i));
    }
    Iterator<InternalRow> it = input.iterator();
    List<Tuple2<Tuple2<String, Integer>, long[]>> handedOn = new ArrayList<>();
    BucketTotals.taskTotals(it, buckets, 2).forEachRemaining(handedOn::add);

    // Two labels fit: "c" hands "a" and "b" on, and so on; the pieces still add up per label.
    assertTrue(handedOn.size() > 3, "expected the task to hand on more than one block per label: " + handedOn.size());
    Map<String, long[]> summed = new TreeMap<>();
    for (Tuple2<Tuple2<String, Integer>, long[]> t : handedOn) {
      summed.merge(t._1()._1(), t._2().clone(), BucketTotals::add);
    }
    List<Row> out = new ArrayList<>();
    summed.forEach((label, totals) -> out.addAll(BucketTotals.rows(label, 0, totals)));
    Map<String, List<Long>> got = new TreeMap<>();
    out.forEach(r -> got.put(r.getString(0) + "#" + r.getInt(1), List.of(r.getLong(2), r.getLong(3))));
    assertEquals(expected(asRows), got);
  }
}
