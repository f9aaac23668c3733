package dev.trickle.recon;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import scala.Tuple2;

/**
 * Bucket aggregates computed with plain arrays: each task adds its rows into a count and a
 * wrapping hash sum per bucket (side by side in one {@code long[]} per partition label), and only those
 * arrays, in blocks of {@link #BLOCK} buckets, are shuffled and added up. A Spark {@code groupBy}
 * does the same through a hash map per row and took about twice as long as the scan it followed
 * (docs/BENCHMARKS.md); the arrays cost little more than the scan. A task that meets more labels
 * than {@link #TASK_MEMORY} holds hands its arrays on as it goes and starts again, so memory stays
 * bounded whatever the number of partitions.
 */
final class BucketTotals {
  static final int BLOCK = 4096;
  static final long TASK_MEMORY = 32L << 20;

  private BucketTotals() {}

  /**
   * The aggregates ({@link BucketAggregates#of} columns) of {@code hashed}, which has the partition
   * label, the bucket (0 to {@code buckets} - 1) and the row hash; with {@code partitioned} false
   * every row is in {@link RowHashes#WHOLE_TABLE} and the label is not read.
   */
  static Dataset<Row> of(Dataset<Row> hashed, int buckets, boolean partitioned) {
    int blocks = Math.max(1, (buckets + BLOCK - 1) / BLOCK);
    int shufflePartitions = Integer.parseInt(hashed.sparkSession().conf().get("spark.sql.shuffle.partitions"));
    Dataset<Row> narrow = partitioned
        ? hashed.select(RowHashes.PARTITION, RowHashes.BUCKET, RowHashes.ROW_HASH)
        : hashed.select(RowHashes.BUCKET, RowHashes.ROW_HASH);
    int maxLabels = labelsPerTask(buckets);
    JavaRDD<Row> totals = narrow.queryExecution().toRdd().toJavaRDD()
        .mapPartitionsToPair(rows -> partitioned ? taskTotals(rows, buckets, maxLabels) : taskTotals(rows, buckets))
        // Unpartitioned, there are only `blocks` keys to add up; per partition label, many more.
        .reduceByKey(BucketTotals::add, partitioned ? shufflePartitions : Math.max(1, Math.min(shufflePartitions, blocks)))
        .flatMap(block -> rows(block._1()._1(), block._1()._2(), block._2()).iterator());
    return hashed.sparkSession().createDataFrame(totals, schema());
  }

  /** How many labels' arrays a task holds at once within {@link #TASK_MEMORY}. */
  static int labelsPerTask(int buckets) {
    return (int) Math.max(1, TASK_MEMORY / (16L * buckets));
  }

  /** One task's (bucket, row hash) rows, all of {@link RowHashes#WHOLE_TABLE}, added into one array. */
  static Iterator<Tuple2<Tuple2<String, Integer>, long[]>> taskTotals(Iterator<InternalRow> rows, int buckets) {
    long[] totals = new long[2 * buckets];
    while (rows.hasNext()) {
      InternalRow row = rows.next();
      int at = 2 * row.getInt(0);
      totals[at]++;
      totals[at + 1] += row.getLong(1); // wraps on purpose
    }
    List<Tuple2<Tuple2<String, Integer>, long[]>> out = new ArrayList<>();
    handOn(RowHashes.WHOLE_TABLE, totals, buckets, out);
    return out.iterator();
  }

  /**
   * One task's (label, bucket, row hash) rows added into arrays, as (label, block) to
   * {rows, hash, rows, hash...}; past {@code maxLabels} labels the arrays so far are handed on and
   * the task starts again. Lazy, so a task holds at most one round of arrays and their blocks.
   */
  static Iterator<Tuple2<Tuple2<String, Integer>, long[]>> taskTotals(Iterator<InternalRow> rows, int buckets, int maxLabels) {
    return new Rounds<>() {
      private final Map<UTF8String, long[]> byLabel = new HashMap<>();
      private UTF8String lastLabel;
      private long[] last;

      @Override
      protected boolean nextRound(Deque<Tuple2<Tuple2<String, Integer>, long[]>> out) {
        if (rows.hasNext()) {
          add(rows.next(), out);
          return true;
        }
        if (byLabel.isEmpty()) {
          return false;
        }
        handOnAll(out);
        return true;
      }

      private void add(InternalRow row, Deque<Tuple2<Tuple2<String, Integer>, long[]>> out) {
        UTF8String label = row.getUTF8String(0);
        if (!label.equals(lastLabel)) {
          last = byLabel.get(label);
          if (last == null) {
            if (byLabel.size() == maxLabels) {
              handOnAll(out);
            }
            last = new long[2 * buckets];
            byLabel.put(label.clone(), last);
          }
          lastLabel = label.clone();
        }
        int at = 2 * row.getInt(1);
        last[at]++;
        last[at + 1] += row.getLong(2); // wraps on purpose
      }

      private void handOnAll(Deque<Tuple2<Tuple2<String, Integer>, long[]>> out) {
        byLabel.forEach((l, totals) -> handOn(l.toString(), totals, buckets, out));
        byLabel.clear();
        lastLabel = null;
      }
    };
  }

  /** Adds one label's non-empty blocks to {@code out}. */
  private static void handOn(String label, long[] totals, int buckets, Collection<Tuple2<Tuple2<String, Integer>, long[]>> out) {
    for (int start = 0; start < buckets; start += BLOCK) {
      int size = Math.min(BLOCK, buckets - start);
      boolean any = false;
      for (int i = 0; i < size && !any; i++) {
        any = totals[2 * (start + i)] != 0;
      }
      if (any) {
        out.add(new Tuple2<>(new Tuple2<>(label, start / BLOCK), Arrays.copyOfRange(totals, 2 * start, 2 * (start + size))));
      }
    }
  }

  /** Two blocks' totals added (into the first). */
  static long[] add(long[] a, long[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }

  /** A block's non-empty buckets as aggregate rows. */
  static List<Row> rows(String label, int block, long[] totals) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; 2 * i < totals.length; i++) {
      if (totals[2 * i] != 0) {
        out.add(RowFactory.create(label, block * BLOCK + i, totals[2 * i], totals[2 * i + 1]));
      }
    }
    return out;
  }

  static StructType schema() {
    return new StructType()
        .add(RowHashes.PARTITION, DataTypes.StringType, false)
        .add(RowHashes.BUCKET, DataTypes.IntegerType, false)
        .add(BucketAggregates.ROWS, DataTypes.LongType, false)
        .add(BucketAggregates.HASH, DataTypes.LongType, false);
  }
}
