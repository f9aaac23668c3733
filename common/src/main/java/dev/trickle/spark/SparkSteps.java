package dev.trickle.spark;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names the Spark jobs a step runs, so the Spark UI shows which step of which table runs. Job
 * groups are thread-local: chunks running on their own threads each set theirs. Each step's
 * duration is logged at DEBUG (logger {@code dev.trickle.spark.SparkSteps}).
 */
public final class SparkSteps {
  private static final Logger LOG = LoggerFactory.getLogger(SparkSteps.class);

  private SparkSteps() {}

  public static <T> T step(SparkSession spark, String group, String description, Supplier<T> body) {
    SparkContext sc = spark.sparkContext();
    String previousGroup = sc.getLocalProperty("spark.jobGroup.id");
    String previousDescription = sc.getLocalProperty("spark.job.description");
    sc.setJobGroup(group, description, false);
    long start = System.nanoTime();
    try {
      return body.get();
    } finally {
      LOG.debug("{} took {} ms", description, (System.nanoTime() - start) / 1_000_000);
      if (previousGroup == null) {
        sc.clearJobGroup();
      } else {
        sc.setJobGroup(previousGroup, previousDescription, false);
      }
    }
  }

  public static void step(SparkSession spark, String group, String description, Runnable body) {
    step(spark, group, description, () -> {
      body.run();
      return null;
    });
  }

  /**
   * Runs independent Spark actions at once, each on a thread of its own that inherits the caller's
   * job group and description: two scans then share the cores, instead of one core idling while
   * the first scan's last task runs. Rethrows the first failure after all have ended.
   */
  public static void concurrently(List<Runnable> actions) {
    ExecutorService threads = Executors.newFixedThreadPool(Math.max(1, actions.size()));
    try {
      awaitAll(actions.stream().<Future<?>>map(threads::submit).toList(), "Spark jobs");
    } finally {
      threads.shutdownNow();
    }
  }

  /** Waits for every one of {@code running} (described as {@code what}); rethrows the first failure after all have ended. */
  public static void awaitAll(List<Future<?>> running, String what) {
    RuntimeException failure = null;
    for (Future<?> f : running) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for " + what, e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
