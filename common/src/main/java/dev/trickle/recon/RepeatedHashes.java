package dev.trickle.recon;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import scala.Tuple2;

/**
 * How many 64-bit hashes occur more than once, counted with plain arrays: each task hands its
 * hashes on in blocks, split into one array per range (the hash modulo the range count); each
 * range's arrays meet in one task, which sorts them and counts runs. On 10M unique keys a Spark
 * {@code groupBy} took 5.5 s, this 1.7 s (docs/BENCHMARKS.md). Memory stays bounded whatever the
 * table's size: a task holds one block of {@link #BLOCK} hashes, a range about
 * {@link #RANGE_HASHES}.
 */
final class RepeatedHashes {
  static final int BLOCK = 1 << 20;
  static final long RANGE_HASHES = 1 << 20;
  private static final int MAX_RANGES = 1 << 16;

  private RepeatedHashes() {}

  /** Rows, distinct hashes, and hashes seen more than once. */
  record Counts(long rows, long distinct, long repeated) implements Serializable {
    Counts plus(Counts other) {
      return new Counts(rows + other.rows, distinct + other.distinct, repeated + other.repeated);
    }
  }

  /** Counts of {@code hashes}, whose only column is a non-null long; {@code rows} (about) sizes the ranges. */
  static Counts of(Dataset<Row> hashes, long rows) {
    return of(hashes, rows, RANGE_HASHES, BLOCK);
  }

  static Counts of(Dataset<Row> hashes, long rows, long rangeHashes, int block) {
    JavaRDD<InternalRow> input = hashes.queryExecution().toRdd().toJavaRDD();
    int shufflePartitions = Integer.parseInt(hashes.sparkSession().conf().get("spark.sql.shuffle.partitions"));
    int ranges = (int) Math.min(MAX_RANGES, Math.max(shufflePartitions, (rows + rangeHashes - 1) / rangeHashes));
    return input.mapPartitionsToPair(task -> byRange(task, ranges, block))
        .groupByKey(new HashPartitioner(ranges))
        .map(range -> runs(range._2()))
        .fold(new Counts(0, 0, 0), Counts::plus);
  }

  /** One task's hashes, a block at a time, one array per range of each block. Lazy. */
  static Iterator<Tuple2<Integer, long[]>> byRange(Iterator<InternalRow> rows, int ranges, int block) {
    return new Rounds<>() {
      private long[] hashes = new long[Math.min(block, 1024)];

      @Override
      protected boolean nextRound(Deque<Tuple2<Integer, long[]>> out) {
        if (!rows.hasNext()) {
          return false;
        }
        int n = 0;
        while (n < block && rows.hasNext()) {
          if (n == hashes.length) {
            hashes = Arrays.copyOf(hashes, Math.min(block, 2 * n));
          }
          hashes[n++] = rows.next().getLong(0);
        }
        split(hashes, n, ranges, out);
        return true;
      }
    };
  }

  private static void split(long[] hashes, int n, int ranges, Deque<Tuple2<Integer, long[]>> out) {
    int[] sizes = new int[ranges];
    for (int i = 0; i < n; i++) {
      sizes[Math.floorMod(hashes[i], ranges)]++;
    }
    long[][] split = new long[ranges][];
    for (int r = 0; r < ranges; r++) {
      split[r] = new long[sizes[r]];
      sizes[r] = 0;
    }
    for (int i = 0; i < n; i++) {
      int r = Math.floorMod(hashes[i], ranges);
      split[r][sizes[r]++] = hashes[i];
    }
    for (int r = 0; r < ranges; r++) {
      if (split[r].length > 0) {
        out.add(new Tuple2<>(r, split[r]));
      }
    }
  }

  /** One range's arrays: sorted together, equal neighbours counted. */
  static Counts runs(Iterable<long[]> parts) {
    int total = 0;
    for (long[] part : parts) {
      total += part.length;
    }
    long[] all = new long[total];
    int at = 0;
    for (long[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    Arrays.sort(all);
    long distinct = 0;
    long repeated = 0;
    for (int i = 0; i < total; i++) {
      if (i == 0 || all[i] != all[i - 1]) {
        distinct++;
      } else if (i == 1 || all[i - 1] != all[i - 2]) {
        repeated++; // the second of a run
      }
    }
    return new Counts(total, distinct, repeated);
  }
}
