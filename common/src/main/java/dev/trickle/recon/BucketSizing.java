package dev.trickle.recon;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * How many hash buckets a comparison uses. Few buckets keep the aggregates small; but every
 * differing row spoils its whole bucket, and the drill-down handles every row of a spoilt bucket
 * (measured: 4,096 buckets with 3,000 differences spoilt half of them). So the count follows the
 * number of differences: about 32 buckets per expected difference, so that roughly 3% of buckets
 * (and rows) are drilled into, and at least one bucket per 1,024 rows (at most one per 8). The expected number is the
 * table's previous run's, or 1 in 10,000 rows for a first run. Powers of two, 64 to 2^20, divided
 * among the partitions seen last time.
 */
public final class BucketSizing {
  static final int MIN = 64;
  static final int MAX = 1 << 20;
  static final int PER_DIFFERENCE = 32;
  static final long ROWS_PER_BUCKET = 1024;
  static final long MIN_ROWS_PER_BUCKET = 8;

  private BucketSizing() {}

  /**
   * @param fixed the configured count ({@code reconcile.buckets}), empty for auto
   * @param rows the expected rows of the larger side
   * @param previousDifferences differing rows found by the table's previous run, if any
   * @param partitions partitions seen by the previous run (1 when unknown)
   */
  public static int choose(OptionalInt fixed, long rows, OptionalLong previousDifferences, long partitions) {
    if (fixed.isPresent()) {
      return fixed.getAsInt();
    }
    long expected = previousDifferences.orElse(Math.max(1, rows / 10_000));
    long wanted = Math.max(rows / ROWS_PER_BUCKET, expected * PER_DIFFERENCE);
    // Never fewer than about 8 rows per bucket: smaller buckets only make the aggregates bigger.
    long perPartition = Math.min(wanted, rows / MIN_ROWS_PER_BUCKET) / Math.max(1, partitions);
    long bounded = Math.max(MIN, Math.min(MAX, perPartition));
    return (int) Long.highestOneBit(bounded - 1) << 1;
  }
}
