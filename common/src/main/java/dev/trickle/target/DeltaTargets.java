package dev.trickle.target;

import dev.trickle.TrickleException;
import dev.trickle.config.TargetConfig;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.SparkSession;

/** Where a table's Delta target lives. */
public final class DeltaTargets {
  private DeltaTargets() {}

  /** The target's folder: its configured path, or a catalog table's location. */
  public static String location(SparkSession spark, TargetConfig target) {
    if (target.path().isPresent()) {
      return target.path().get();
    }
    try {
      return DeltaTable.forName(spark, target.table().orElseThrow()).detail().select("location").head().getString(0);
    } catch (Exception e) { // AnalysisException is undeclared in Scala
      throw TrickleException.badInput("Cannot find target table " + target.describe() + ": " + e.getMessage()
          .lines().findFirst().orElse("") + ". Run trickle load for it first, or fix target.table.");
    }
  }

  /** Whether the folder holds a Delta table. */
  public static boolean exists(SparkSession spark, String path) {
    return DeltaTable.isDeltaTable(spark, path);
  }
}
