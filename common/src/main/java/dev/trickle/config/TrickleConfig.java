package dev.trickle.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated pipeline config. Built only by {@link ConfigLoader}, which reports every problem
 * before any Spark work starts.
 *
 * @param origin where the config came from (a file name), for messages
 * @param raw the resolved HOCON, for rendering and hashing
 * @param tableParallelism tables a multi-table command runs at the same time
 */
public record TrickleConfig(
    String origin,
    Config raw,
    String warehouse,
    String stateDir,
    String reconDir,
    Optional<Secret> maskSalt,
    int tableParallelism,
    SparkSettings spark,
    LockSettings lock,
    Map<String, SourceConfig> sources,
    Map<String, TableConfig> tables) {

  public TrickleConfig {
    sources = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    tables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tables));
  }

  /** Spark settings for sessions trickle builds itself. */
  public record SparkSettings(Optional<String> master, String appName, Map<String, String> conf) {
    public SparkSettings {
      conf = Map.copyOf(conf);
    }
  }

  /** Table lock timing. */
  public record LockSettings(Duration staleAfter, Duration heartbeat) {}

  public SourceConfig sourceOf(TableConfig table) {
    return sources.get(table.source().ref());
  }

  /** The tables a command works on: one by name, or all. Unknown names are bad input. */
  public List<TableConfig> selectTables(Optional<String> name) {
    if (name.isEmpty()) {
      return List.copyOf(tables.values());
    }
    TableConfig table = tables.get(name.get());
    if (table == null) {
      throw dev.trickle.TrickleException.badInput(
          "Cannot select table '" + name.get() + "': it is not in trickle.tables of " + origin
              + ". Use one of " + tables.keySet() + ".");
    }
    return List.of(table);
  }
}
