package dev.trickle.jobs.load;

import dev.trickle.config.LoadConfig;
import dev.trickle.plan.Chunk;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs chunks on a pool of threads, each chunk retried with backoff. Once a chunk has failed for
 * good no new chunk starts (those already running finish and stay recorded), so a broken source
 * fails the run quickly and leaves it resumable.
 */
public final class ChunkRunner {
  /** What happens to chunks; progress lines, ledger rows and tests listen. Called from pool threads. */
  public interface Listener {
    default void started(Chunk chunk, int attempt) {}

    default void finished(Chunk chunk, int attempt, long rows, Duration took) {}

    /** A failed attempt; {@code retryIn} is empty when the chunk gives up. */
    default void failed(Chunk chunk, int attempt, String error, Optional<Duration> retryIn) {}
  }

  /** Loads one chunk; returns the rows it wrote. */
  @FunctionalInterface
  public interface Work {
    long load(Chunk chunk, int attempt) throws Exception;
  }

  /** How the run went: rows per finished chunk and the last error of each chunk that gave up. */
  public record Result(Map<Integer, Long> finished, Map<Integer, String> failed) {
    public long rows() {
      return finished.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final int parallelism;
  private final LoadConfig.Retry retry;
  private final Listener listener;
  private final Function<Throwable, String> describe;

  /**
   * @param describe turns a failure into the one line that is shown and recorded (redacted)
   */
  public ChunkRunner(int parallelism, LoadConfig.Retry retry, Listener listener, Function<Throwable, String> describe) {
    this.parallelism = Math.max(1, parallelism);
    this.retry = retry;
    this.listener = listener;
    this.describe = describe;
  }

  public Result run(List<Chunk> chunks, Work work) {
    Map<Integer, Long> finished = new ConcurrentSkipListMap<>();
    Map<Integer, String> failed = new ConcurrentSkipListMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, chunks.size())), r -> {
      Thread t = new Thread(r, "trickle-chunk-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      for (Chunk chunk : chunks) {
        pool.execute(() -> {
          if (!stop.get()) {
            Attempts outcome = runOne(chunk, work, stop);
            if (outcome.error() == null) {
              finished.put(chunk.id(), outcome.rows());
            } else {
              failed.put(chunk.id(), outcome.error());
            }
          }
        });
      }
      pool.shutdown();
      while (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
        // chunks may run for hours; keep waiting
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while loading chunks", e);
    }
    return new Result(finished, failed);
  }

  /** A chunk's end: the rows it wrote, or the error it gave up with. */
  private record Attempts(long rows, String error) {}

  private Attempts runOne(Chunk chunk, Work work, AtomicBoolean stop) {
    for (int attempt = 1; ; attempt++) {
      long started = System.nanoTime();
      try {
        listener.started(chunk, attempt);
        long rows = work.load(chunk, attempt);
        listener.finished(chunk, attempt, rows, Duration.ofNanos(System.nanoTime() - started));
        return new Attempts(rows, null);
      } catch (Exception | LinkageError e) {
        String error = describe.apply(e);
        boolean again = attempt < retry.attempts() && !stop.get();
        Duration wait = retry.delayBefore(attempt + 1);
        listener.failed(chunk, attempt, error, again ? Optional.of(wait) : Optional.empty());
        if (!again) {
          stop.set(true);
          return new Attempts(0, error);
        }
        if (!sleep(wait)) {
          return new Attempts(0, error + " (interrupted)");
        }
      }
    }
  }

  private static boolean sleep(Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
