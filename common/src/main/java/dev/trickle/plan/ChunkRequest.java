package dev.trickle.plan;

import dev.trickle.config.ColumnsConfig;
import dev.trickle.config.LoadConfig;
import dev.trickle.config.TableConfig;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a chunk planner is asked for.
 *
 * @param splitColumn the source column key ranges are cut on
 * @param chunks a fixed number of chunks; empty means derived from the table's size
 * @param targetChunkRows jdbc: rows per chunk to aim for when the count is derived
 * @param maxChunkBytes file and table sources: bytes per chunk at most (a single file is never split)
 * @param columns the table's column mapping: predicates over a masked column are never written
 *     (its raw values would land in ledgers and logs), and a slice is told on the target only
 *     through columns that land unchanged
 */
public record ChunkRequest(
    String splitColumn, OptionalInt chunks, long targetChunkRows, long maxChunkBytes, ColumnsConfig columns) {

  /** A load's request: the configured split column, or the source name of the first key. */
  public static ChunkRequest of(TableConfig table) {
    LoadConfig load = table.load();
    return new ChunkRequest(splitColumn(table), load.chunks(), load.targetChunkRows(), load.maxChunkBytes(), table.columns());
  }

  /** The source column a table is cut on: {@code load.split-by}, or the first key's source name. */
  public static String splitColumn(TableConfig table) {
    return table.load().splitBy().orElseGet(() -> table.columns().sourceName(table.keys().get(0)));
  }

  /** The same request with a fixed chunk count (for callers that want N key ranges). */
  public ChunkRequest withChunks(int count) {
    return new ChunkRequest(splitColumn, OptionalInt.of(count), targetChunkRows, maxChunkBytes, columns);
  }

  /** JDBC: how many chunks {@code rows} rows (and {@code bytes} bytes, where known) are cut into. */
  public int count(long rows, long bytes) {
    if (chunks.isPresent()) {
      return Math.max(1, chunks.getAsInt());
    }
    long byRows = ceilDiv(rows, targetChunkRows);
    long byBytes = bytes > 0 ? ceilDiv(bytes, maxChunkBytes) : 1;
    return (int) Math.max(1, Math.min(100_000, Math.max(byRows, byBytes)));
  }

  /** Whether the values of a source column may appear in chunk predicates (it is not masked). */
  public boolean mayShow(String sourceColumn) {
    return !columns.mask().containsKey(columns.targetName(sourceColumn));
  }

  /** The target name of a source column whose values land unchanged (not excluded, cast or masked). */
  public Optional<String> unchangedTarget(String sourceColumn) {
    String target = columns.targetName(sourceColumn);
    if (columns.exclude().contains(sourceColumn) || columns.cast().containsKey(target) || columns.mask().containsKey(target)) {
      return Optional.empty();
    }
    return Optional.of(target);
  }

  private static long ceilDiv(long a, long b) {
    return a <= 0 ? 0 : (a + b - 1) / b;
  }
}
