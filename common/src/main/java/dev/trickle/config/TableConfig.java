package dev.trickle.config;

import java.util.List;

/**
 * One table of the pipeline: where it comes from, where it goes, and how each job treats it.
 *
 * @param name the table's name in {@code trickle.tables}, also its ledger name
 * @param source what to read
 * @param target the Delta table to write
 * @param keys the key columns (target names), one or more
 * @param columns exclusions, renames, casts and masks applied before anything lands
 */
public record TableConfig(
    String name,
    SourceRef source,
    TargetConfig target,
    List<String> keys,
    ColumnsConfig columns,
    LoadConfig load,
    SyncConfig sync,
    ReconcileConfig reconcile) {

  public TableConfig {
    keys = List.copyOf(keys);
  }
}
