package dev.trickle.jobs;

import dev.trickle.config.TableConfig;
import io.delta.tables.DeltaTable;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** A table's Delta target as reconcile reads it: pinned at one version for the whole run. */
final class ReconTarget {
  private final SparkSession spark;
  private final TableConfig table;
  private Long version;

  ReconTarget(SparkSession spark, TableConfig table) {
    this.spark = spark;
    this.table = table;
  }

  String describe() {
    return table.target().describe();
  }

  /** Why the target cannot be read, if it cannot. */
  Optional<String> problem() {
    boolean exists = table.target().path().map(p -> DeltaTable.isDeltaTable(spark, p))
        .orElseGet(() -> spark.catalog().tableExists(table.target().table().orElseThrow()));
    return exists ? Optional.empty() : Optional.of("Cannot reconcile table " + table.name() + ": its target "
        + describe() + " is not a Delta table. Load it first (scripts/trickle load -c FILE --table " + table.name() + ").");
  }

  StructType schema() {
    return delta().toDF().schema();
  }

  /** Pins the target at its current version; later reads see that version. */
  long pinVersion() {
    version = delta().history(1).head().getLong(0);
    return version;
  }

  Dataset<Row> read() {
    String name = table.target().sqlName();
    return version == null ? spark.sql("SELECT * FROM " + name)
        : spark.sql("SELECT * FROM " + name + " VERSION AS OF " + version);
  }

  /** The row count Delta keeps in its log (no scan when statistics were collected). */
  long estimatedRows() {
    return read().count();
  }

  private DeltaTable delta() {
    return table.target().path().map(p -> DeltaTable.forPath(spark, p))
        .orElseGet(() -> DeltaTable.forName(spark, table.target().table().orElseThrow()));
  }
}
