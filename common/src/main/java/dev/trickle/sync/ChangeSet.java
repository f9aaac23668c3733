package dev.trickle.sync;

import dev.trickle.source.ParquetListing;
import dev.trickle.source.SourcePosition;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a {@link ChangeReader} found.
 *
 * @param changes upserts and deletes in source column names, one row per key (see {@link Changes});
 *     empty when the source did not move
 * @param to the source position the changes reach; the next batch starts there
 * @param moved whether the source moved at all since the start (false: nothing to do)
 * @param recompute the partitions the changes carry whole, so target rows there without a change
 *     row are deletes (see {@link Recompute})
 * @param files files to remember under this batch in {@code source_files} (file-based modes)
 * @param notes remarks for the batch line and the ledger (e.g. skipped duplicate events)
 */
public record ChangeSet(
    Optional<Dataset<Row>> changes,
    SourcePosition to,
    boolean moved,
    Optional<Recompute> recompute,
    Optional<ParquetListing> files,
    List<String> notes) {

  public ChangeSet {
    notes = List.copyOf(notes);
  }

  /** Nothing happened at the source since {@code at}. */
  public static ChangeSet unchanged(SourcePosition at) {
    return new ChangeSet(Optional.empty(), at, false, Optional.empty(), Optional.empty(), List.of());
  }

  public static ChangeSet of(Dataset<Row> changes, SourcePosition to) {
    return new ChangeSet(Optional.of(changes), to, true, Optional.empty(), Optional.empty(), List.of());
  }

  /** The source moved, but nothing in it needs applying (e.g. only compaction snapshots). */
  public static ChangeSet nothingToApply(SourcePosition to) {
    return new ChangeSet(Optional.empty(), to, true, Optional.empty(), Optional.empty(), List.of());
  }

  public ChangeSet withFiles(ParquetListing listing) {
    return new ChangeSet(changes, to, moved, recompute, Optional.of(listing), notes);
  }

  public ChangeSet withRecompute(Recompute scope) {
    return new ChangeSet(changes, to, moved, Optional.of(scope), files, notes);
  }

  public ChangeSet withNote(String note) {
    List<String> all = new java.util.ArrayList<>(notes);
    all.add(note);
    return new ChangeSet(changes, to, moved, recompute, files, all);
  }
}
