package dev.trickle.sync;

import dev.trickle.Throwables;
import dev.trickle.TrickleException;

/**
 * Finds what changed at a table's source since a sync start: one implementation per
 * {@code sync.mode}. A reader neither writes nor maps columns; it returns the changes in source
 * column names (see {@link Changes}) and the position the next batch starts from.
 */
public interface ChangeReader extends AutoCloseable {
  /** The mode's name as configured ("delta-cdf"). */
  String mode();

  /** The changes since {@code start}, up to the source's current state. Lazy where Spark is. */
  ChangeSet read(SyncStart start);

  /**
   * Turns a failure while reading the changes (also one that surfaces later, when Spark runs the
   * read) into a message saying what to do; a reader overrides it for failures it knows.
   */
  default TrickleException failure(String table, Throwable e) {
    if (e instanceof TrickleException t) {
      return t;
    }
    return TrickleException.runFailed("Cannot read the changes of table " + table + " (" + mode() + "): "
        + Throwables.rootMessage(e) + ". Check that the source is reachable and run sync again; nothing was applied.", e);
  }

  /** Releases what the read holds (a source snapshot, cached rows): call after the batch is applied. */
  @Override
  default void close() {}
}
