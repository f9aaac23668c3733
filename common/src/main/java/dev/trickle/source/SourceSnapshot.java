package dev.trickle.source;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A source pinned at one position: every read through it sees the same state, however long the
 * job runs and whatever is committed at the source meanwhile. Close it when the last read has
 * started (a JDBC snapshot holds a transaction open at the database until then).
 */
public interface SourceSnapshot extends AutoCloseable {
  SourcePosition position();

  /** Every row as of {@link #position()}, source column names. */
  Dataset<Row> read();

  @Override
  void close();
}
