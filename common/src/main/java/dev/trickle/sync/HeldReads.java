package dev.trickle.sync;

import dev.trickle.source.SourceSnapshot;
import dev.trickle.spark.LocalCopies;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * What a reader keeps until its batch is applied: the source snapshot its changes came from and
 * the intermediate results it persisted, so the MERGE re-reads neither. Closing releases both.
 */
final class HeldReads implements AutoCloseable {
  private final List<Dataset<Row>> persisted = new ArrayList<>();
  private final LocalCopies copies = new LocalCopies();
  private SourceSnapshot snapshot;

  /** Holds {@code opened} (closing any snapshot held before) and returns it. */
  SourceSnapshot hold(SourceSnapshot opened) {
    if (snapshot != null) {
      snapshot.close();
    }
    snapshot = opened;
    return opened;
  }

  /** The snapshot held now (after {@link #hold}). */
  SourceSnapshot snapshot() {
    return snapshot;
  }

  /** Persists {@code rows} (memory, then local disk) until {@link #close}. */
  Dataset<Row> keep(Dataset<Row> rows) {
    Dataset<Row> kept = rows.persist(StorageLevel.MEMORY_AND_DISK());
    persisted.add(kept);
    return kept;
  }

  /** {@code rows} computed now and kept as rows ({@link LocalCopies}) until {@link #close}. */
  Dataset<Row> copy(Dataset<Row> rows) {
    return copies.of(rows);
  }

  @Override
  public void close() {
    persisted.forEach(d -> d.unpersist(false));
    persisted.clear();
    copies.close();
    if (snapshot != null) {
      snapshot.close();
      snapshot = null;
    }
  }
}
