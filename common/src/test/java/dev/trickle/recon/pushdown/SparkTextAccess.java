package dev.trickle.recon.pushdown;

import dev.trickle.recon.ComparisonPlan.PlannedColumn;
import dev.trickle.recon.SparkText;
import java.util.List;
import org.apache.spark.sql.Column;

/** Test access to Spark's canonical text of one value. */
final class SparkTextAccess {
  private SparkTextAccess() {}

  static Column row(Column value, PlannedColumn c) {
    return SparkText.rowText(List.of(value), List.of(c.storageType()));
  }
}
