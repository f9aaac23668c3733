package dev.trickle.jobs;

import dev.trickle.config.TableConfig;

/**
 * A command that works table by table. {@link #prepare} runs for every selected table before
 * anything is written, so checks that need the source (the table exists, the key columns exist)
 * fail the whole command with exit 2 and nothing touched; then {@link #run} runs per table.
 *
 * @param <P> what prepare found out and run needs
 */
public interface TableJob<P> {
  /** The command name, as in the runs ledger ("load"). */
  String command();

  /** Whether the table's lock is held while {@link #run} runs (loads and syncs write the target). */
  boolean locksTable();

  /** Source-dependent checks; throws a BAD_INPUT {@link dev.trickle.TrickleException} on bad input. */
  P prepare(JobContext context, TableConfig table);

  TableResult run(JobContext context, TableConfig table, P prepared);
}
