package dev.trickle.recon;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import scala.Tuple2;

/**
 * How many 64-bit hashes occur more than once, counted with plain arrays: each task hands its
 * hashes on in one array per range (the hash modulo the range count), each range's arrays meet
 * in one task, which sorts them and counts runs. On 10M unique keys a Spark {@code groupBy} took
 * 5.5 s, this 1.7 s (docs/BENCHMARKS.md). A task holds its input's hashes (8 bytes a row), and a
 * range task about as many, since there are at least twice as many ranges as input partitions.
 */
final class RepeatedHashes {
  private RepeatedHashes() {}

  /** Rows, distinct hashes, and hashes seen more than once. */
  record Counts(long rows, long distinct, long repeated) implements Serializable {
    Counts plus(Counts other) {
      return new Counts(rows + other.rows, distinct + other.distinct, repeated + other.repeated);
    }
  }

  /** Counts of {@code hashes}, whose only column is a non-null long. */
  static Counts of(Dataset<Row> hashes) {
    JavaRDD<InternalRow> rows = hashes.queryExecution().toRdd().toJavaRDD();
    int shufflePartitions = Integer.parseInt(hashes.sparkSession().conf().get("spark.sql.shuffle.partitions"));
    int ranges = Math.max(shufflePartitions, 2 * rows.getNumPartitions());
    return rows.mapPartitionsToPair(task -> byRange(task, ranges))
        .groupByKey(new HashPartitioner(ranges))
        .map(range -> runs(range._2()))
        .fold(new Counts(0, 0, 0), Counts::plus);
  }

  /** One task's hashes, one array per range. */
  static Iterator<Tuple2<Integer, long[]>> byRange(Iterator<InternalRow> rows, int ranges) {
    long[] all = new long[1024];
    int n = 0;
    while (rows.hasNext()) {
      if (n == all.length) {
        all = Arrays.copyOf(all, 2 * n);
      }
      all[n++] = rows.next().getLong(0);
    }
    int[] sizes = new int[ranges];
    for (int i = 0; i < n; i++) {
      sizes[Math.floorMod(all[i], ranges)]++;
    }
    long[][] split = new long[ranges][];
    for (int r = 0; r < ranges; r++) {
      split[r] = new long[sizes[r]];
      sizes[r] = 0;
    }
    for (int i = 0; i < n; i++) {
      int r = Math.floorMod(all[i], ranges);
      split[r][sizes[r]++] = all[i];
    }
    List<Tuple2<Integer, long[]>> out = new ArrayList<>();
    for (int r = 0; r < ranges; r++) {
      if (split[r].length > 0) {
        out.add(new Tuple2<>(r, split[r]));
      }
    }
    return out.iterator();
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
