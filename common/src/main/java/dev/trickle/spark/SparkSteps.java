package dev.trickle.spark;

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
}
