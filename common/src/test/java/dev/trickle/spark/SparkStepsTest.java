package dev.trickle.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trickle.testing.SharedSpark;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Steps run Spark work under their job group, also on the threads {@code concurrently} starts. */
@ExtendWith(SharedSpark.class)
class SparkStepsTest {

  @Test
  void concurrentActionsRunAtOnceUnderTheCallersJobGroup(SparkSession spark) {
    Set<String> groups = ConcurrentHashMap.newKeySet();
    CountDownLatch both = new CountDownLatch(2);
    Runnable action = () -> {
      groups.add(spark.sparkContext().getLocalProperty("spark.jobGroup.id"));
      both.countDown();
      try { // each waits for the other: this ends only if the two run at the same time
        assertEquals(true, both.await(30, TimeUnit.SECONDS), "the other action never started");
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      spark.range(10).count();
    };
    SparkSteps.step(spark, "steps-test", "two scans at once", () -> SparkSteps.concurrently(List.of(action, action)));
    assertEquals(Set.of("steps-test"), groups);
  }

  @Test
  void theFirstFailureIsRethrownAfterEveryActionEnded() {
    IllegalStateException boom = new IllegalStateException("boom");
    CountDownLatch other = new CountDownLatch(1);
    IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> SparkSteps.concurrently(List.of(
        () -> {
          throw boom;
        },
        other::countDown)));
    assertSame(boom, thrown);
    assertEquals(0, other.getCount(), "the other action ran to its end");
  }
}
