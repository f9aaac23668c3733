package dev.trickle.jobs.load;

import dev.trickle.jobs.Console;
import dev.trickle.plan.Chunk;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Progress lines of a load, one per finished or failed chunk:
 * {@code load orders: chunk 3/12 done (1,000,000 rows, 4.2s) | 5/12 chunks, 4,812,113 rows, 251,003 rows/s, ETA 28s}.
 * The rate counts this run's rows; the ETA divides the estimated rows still to load by it.
 */
public final class LoadProgress implements ChunkRunner.Listener {
  private final Console console;
  private final String table;
  private final int total;
  private final long startNanos = System.nanoTime();
  private int done;
  private long rows;
  private long remainingEstimate;

  /**
   * @param all every chunk of the load
   * @param todo the chunks this run loads (the rest finished earlier)
   */
  public LoadProgress(Console console, String table, List<Chunk> all, List<Chunk> todo) {
    this.console = console;
    this.table = table;
    this.total = all.size();
    this.done = all.size() - todo.size();
    this.remainingEstimate = todo.stream().mapToLong(Chunk::estimatedRows).sum();
  }

  @Override
  public synchronized void finished(Chunk chunk, int attempt, long chunkRows, Duration took) {
    done++;
    rows += chunkRows;
    remainingEstimate = Math.max(0, remainingEstimate - chunk.estimatedRows());
    double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
    double rate = rows / seconds;
    String eta = done == total ? "done" : rate > 0 ? "ETA " + duration(Duration.ofSeconds((long) (remainingEstimate / rate))) : "ETA ?";
    console.info(String.format(Locale.ROOT, "load %s: chunk %d/%d done (%,d rows, %.1fs) | %d/%d chunks, %,d rows, %,d rows/s, %s",
        table, chunk.id(), total, chunkRows, took.toMillis() / 1000.0, done, total, rows, Math.round(rate), eta));
  }

  @Override
  public void failed(Chunk chunk, int attempt, String error, Optional<Duration> retryIn) {
    console.info(String.format(Locale.ROOT, "load %s: chunk %d/%d attempt %d failed: %s%s", table, chunk.id(), total, attempt,
        error, retryIn.map(d -> "; retrying in " + duration(d)).orElse("; giving up")));
  }

  static String duration(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return d.toMillis() < 10_000 && d.toMillis() % 1000 != 0 ? String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0) : s + "s";
    }
    return s < 3600 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
  }
}
