package dev.trickle.spark;

import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Names the Spark jobs a step runs, so the Spark UI shows which step of which table runs. Job
 * groups are thread-local: chunks running on their own threads each set theirs.
 */
public final class SparkSteps {
  private SparkSteps() {}

  public static <T> T step(SparkSession spark, String group, String description, Supplier<T> body) {
    SparkContext sc = spark.sparkContext();
    String previousGroup = sc.getLocalProperty("spark.jobGroup.id");
    String previousDescription = sc.getLocalProperty("spark.job.description");
    sc.setJobGroup(group, description, false);
    try {
      return body.get();
    } finally {
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
