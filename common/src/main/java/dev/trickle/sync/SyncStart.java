package dev.trickle.sync;

import dev.trickle.source.SourcePosition;
import dev.trickle.state.SourceFilesLedger;
import java.util.List;
import java.util.OptionalLong;

/**
 * Where a batch starts: the position the previous batch (or the load) reached, and what a reader
 * may need to know about it.
 *
 * @param position the source position changes are read from (exclusive)
 * @param filesAt the {@code source_files} position id of the file listing seen at {@code position}
 *     ({@code load:<id>} or {@code batch:<n>})
 * @param afterLoad whether {@code position} is a load's (no batch since the latest load)
 * @param batchId the id of the batch about to run
 * @param effectiveBatches ids of the table's batches whose changes are in the target (cdc: their
 *     files were processed)
 * @param previousChanges rows the batch at {@code position} inserted, updated and deleted (empty
 *     when {@code position} is a load's): what the next batch may expect, as diff sizes its buckets
 */
public record SyncStart(SourcePosition position, String filesAt, boolean afterLoad, long batchId,
    List<Long> effectiveBatches, OptionalLong previousChanges) {

  /** The key under which a file-based reader records where its listing is kept. */
  public static final String FILES_AT = "files_at";

  public SyncStart {
    effectiveBatches = List.copyOf(effectiveBatches);
  }

  /** The source_files id this batch records its files under. */
  public String batchFilesId() {
    return SourceFilesLedger.forBatch(batchId);
  }
}
