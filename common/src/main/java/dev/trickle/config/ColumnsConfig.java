package dev.trickle.config;

import java.util.List;
import java.util.Map;

/**
 * Column mapping from source to target, applied in this order: exclude, rename, cast, mask.
 *
 * @param exclude source columns not copied
 * @param rename source name to target name
 * @param cast target name to a Spark SQL type
 * @param mask target name to how its values are masked
 */
public record ColumnsConfig(
    List<String> exclude, Map<String, String> rename, Map<String, String> cast, Map<String, MaskKind> mask) {

  public ColumnsConfig {
    exclude = List.copyOf(exclude);
    rename = Map.copyOf(rename);
    cast = Map.copyOf(cast);
    mask = Map.copyOf(mask);
  }

  public static ColumnsConfig none() {
    return new ColumnsConfig(List.of(), Map.of(), Map.of(), Map.of());
  }

  /** The target name of a source column. */
  public String targetName(String sourceColumn) {
    return rename.getOrDefault(sourceColumn, sourceColumn);
  }

  /** The source name of a target column (the inverse of renames). */
  public String sourceName(String targetColumn) {
    return rename.entrySet().stream()
        .filter(e -> e.getValue().equals(targetColumn))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse(targetColumn);
  }
}
