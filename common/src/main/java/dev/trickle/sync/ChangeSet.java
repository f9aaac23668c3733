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
 * @param targetDeletes keys to delete given in target column names (already mapped), for readers
 *     that find deletes by comparing with the target (key scan, diff): a masked key cannot be
 *     mapped back to the source's value
 * @param rereads whether the changes may repeat rows the target already holds (a watermark's
 *     lookback): such upserts, and deletes of keys the target lacks, are dropped before the MERGE
 * @param mapped whether {@code changes} are already in target column names and values (mapped by
 *     the reader, as diff compares in target terms): the column mapping is not applied again
 */
public record ChangeSet(
    Optional<Dataset<Row>> changes,
    SourcePosition to,
    boolean moved,
    Optional<Recompute> recompute,
    Optional<ParquetListing> files,
    List<String> notes,
    Optional<Dataset<Row>> targetDeletes,
    boolean rereads,
    boolean mapped) {

  public ChangeSet {
    notes = List.copyOf(notes);
  }

  public ChangeSet(Optional<Dataset<Row>> changes, SourcePosition to, boolean moved, Optional<Recompute> recompute,
      Optional<ParquetListing> files, List<String> notes) {
    this(changes, to, moved, recompute, files, notes, Optional.empty(), false, false);
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
    return new ChangeSet(changes, to, moved, recompute, Optional.of(listing), notes, targetDeletes, rereads, mapped);
  }

  public ChangeSet withRecompute(Recompute scope) {
    return new ChangeSet(changes, to, moved, Optional.of(scope), files, notes, targetDeletes, rereads, mapped);
  }

  public ChangeSet withNote(String note) {
    List<String> all = new java.util.ArrayList<>(notes);
    all.add(note);
    return new ChangeSet(changes, to, moved, recompute, files, all, targetDeletes, rereads, mapped);
  }

  /** Adds deletes by target key (columns: the target's key columns). */
  public ChangeSet withTargetDeletes(Dataset<Row> keys) {
    return new ChangeSet(changes, to, moved, recompute, files, notes, Optional.of(keys), rereads, mapped);
  }

  /** Marks the changes as already mapped to target columns (see {@code mapped}). */
  public ChangeSet alreadyMapped() {
    return new ChangeSet(changes, to, moved, recompute, files, notes, targetDeletes, rereads, true);
  }

  /** Marks the changes as possibly repeating what the target holds (see {@code rereads}). */
  public ChangeSet rereading() {
    return new ChangeSet(changes, to, moved, recompute, files, notes, targetDeletes, true, mapped);
  }
}
