package dev.trickle.plan;

import java.util.List;
import java.util.Optional;

/**
 * How a table is cut into chunks.
 *
 * @param method {@code key-ranges}, {@code partitions} or {@code whole} (one chunk)
 * @param splitColumn the source column key ranges are cut on, when there are key ranges
 */
public record ChunkPlan(String method, Optional<String> splitColumn, List<Chunk> chunks) {
  public static final String KEY_RANGES = "key-ranges";
  public static final String PARTITIONS = "partitions";
  public static final String WHOLE = "whole";

  public ChunkPlan {
    chunks = List.copyOf(chunks);
    if (chunks.isEmpty()) {
      throw new IllegalArgumentException("A plan has at least one chunk");
    }
  }

  /** One chunk holding every row. */
  public static ChunkPlan whole(String all, long estimatedRows) {
    return new ChunkPlan(WHOLE, Optional.empty(), List.of(new Chunk(1, all, Optional.of("true"), estimatedRows)));
  }

  public long estimatedRows() {
    return chunks.stream().mapToLong(Chunk::estimatedRows).sum();
  }

  /** The source predicates, in chunk order (one Spark partition each for JDBC reads). */
  public List<String> predicates() {
    return chunks.stream().map(Chunk::predicate).toList();
  }
}
