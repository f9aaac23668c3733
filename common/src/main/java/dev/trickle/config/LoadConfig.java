package dev.trickle.config;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How {@code load} cuts and copies a table.
 *
 * @param splitBy jdbc: the column chunk ranges are cut on (source name); empty means the first key
 * @param chunks a fixed chunk count; empty means auto
 * @param targetChunkRows rows per chunk that auto aims for
 * @param maxChunkBytes file sources: larger partitions are split further
 * @param consistentSnapshot jdbc: read every chunk from one exported snapshot
 * @param parallelism chunks loaded at once; 0 means Spark's default parallelism
 */
public record LoadConfig(
    Optional<String> splitBy,
    OptionalInt chunks,
    long targetChunkRows,
    long maxChunkBytes,
    boolean consistentSnapshot,
    int parallelism,
    Retry retry) {

  /** Retries of a failed chunk, with exponential backoff capped at {@code maxBackoff}. */
  public record Retry(int attempts, Duration backoff, Duration maxBackoff) {

    /** The wait before attempt {@code attempt} (2 waits {@code backoff}, 3 twice that, ...). */
    public Duration delayBefore(int attempt) {
      if (attempt <= 1) {
        return Duration.ZERO;
      }
      long factor = 1L << Math.min(attempt - 2, 20);
      Duration delay = backoff.multipliedBy(factor);
      return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
    }
  }
}
