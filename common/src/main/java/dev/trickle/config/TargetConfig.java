package dev.trickle.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A table's Delta target: a folder, or a catalog table name.
 *
 * @param path the Delta folder (defaults to {@code <warehouse>/<table name>} when no catalog table is set)
 * @param table a catalog table name, instead of a path
 * @param partitionBy partition columns (target names)
 * @param properties Delta table properties set when the table is created
 */
public record TargetConfig(
    Optional<String> path, Optional<String> table, List<String> partitionBy, Map<String, String> properties) {

  public TargetConfig {
    partitionBy = List.copyOf(partitionBy);
    properties = Map.copyOf(properties);
  }

  /** How Spark SQL names this target: {@code delta.`/path`} or the catalog name. */
  public String sqlName() {
    return table.orElseGet(() -> "delta.`" + path.orElseThrow().replace("`", "``") + "`");
  }

  public String describe() {
    return table.or(() -> path).orElseThrow();
  }
}
