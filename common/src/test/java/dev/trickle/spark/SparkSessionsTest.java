package dev.trickle.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.trickle.testing.SharedSpark;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An isolated session keeps the shared session's settings and keeps its own to itself. */
@ExtendWith(SharedSpark.class)
class SparkSessionsTest {

  @Test
  void anIsolatedSessionHasTheSharedSettingsAndItsOwnStayInIt(SparkSession spark) {
    String partitions = "spark.sql.shuffle.partitions";
    String previous = spark.conf().get(partitions);
    spark.conf().set(partitions, "7"); // a runtime setting, as a pipeline's spark.conf makes
    try {
      SparkSession isolated = SparkSessions.isolated(spark, Map.of("spark.databricks.delta.write.txnAppId", "a"));

      assertEquals("7", isolated.conf().get(partitions));
      assertEquals("a", isolated.conf().get("spark.databricks.delta.write.txnAppId"));
      assertFalse(spark.conf().contains("spark.databricks.delta.write.txnAppId"));
      assertEquals(1L, isolated.range(1).count(), "the isolated session runs on the shared context");
    } finally {
      spark.conf().set(partitions, previous);
    }
  }
}
