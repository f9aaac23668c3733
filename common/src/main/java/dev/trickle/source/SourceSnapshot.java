package dev.trickle.source;

import dev.trickle.plan.ChunkPlan;
import dev.trickle.plan.ChunkRequest;
import java.util.Optional;
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

  /**
   * The rows matching a chunk's predicate ({@link dev.trickle.plan.Chunk#predicate()}): SQL of the
   * source's dialect for JDBC (sent to the database), Spark SQL otherwise.
   */
  default Dataset<Row> read(String predicate) {
    return read().where(predicate);
  }

  /** Cuts the snapshot into chunks (by partitions, files or key ranges, as the source allows). */
  default ChunkPlan plan(ChunkRequest request) {
    return ChunkPlan.whole("true", 0);
  }

  /** The Parquet files the snapshot reads (Parquet sources only). */
  default Optional<ParquetListing> listing() {
    return Optional.empty();
  }

  @Override
  void close();
}
