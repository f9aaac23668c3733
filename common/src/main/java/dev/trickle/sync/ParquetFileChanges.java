package dev.trickle.sync;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.xxhash64;

import dev.trickle.TrickleException;
import dev.trickle.source.ParquetListing;
import dev.trickle.source.SourcePosition;
import dev.trickle.state.SourceFilesLedger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * {@code parquet-files}: compares the folder's file listing (path, size, modification time) with
 * the one recorded at the start. New files are read as upserts by key; a partition folder with a
 * rewritten or removed file is read whole and recomputed, so rows deleted there are deleted in the
 * target too (an unpartitioned folder is one partition: the whole table). When a key is in
 * several files, the newest file's row wins.
 */
final class ParquetFileChanges implements ChangeReader {
  private static final String FILE_TIME = "_trickle_file_time";
  private static final String FILE_PATH = "_trickle_file_path";

  private final SparkSession spark;
  private final String table;
  private final String folder;
  private final SourceFilesLedger ledger;
  private final List<String> keys;
  private final Set<String> excluded;
  private final StructType target;

  /**
   * @param keys key columns, source names
   * @param excluded source columns the table excludes (a partition on one cannot scope a recompute)
   * @param target the target's schema (the columns of an emptied folder's changes)
   */
  ParquetFileChanges(SparkSession spark, String table, String folder, SourceFilesLedger ledger, List<String> keys,
      Set<String> excluded, StructType target) {
    this.spark = spark;
    this.table = table;
    this.folder = folder;
    this.ledger = ledger;
    this.keys = List.copyOf(keys);
    this.excluded = Set.copyOf(excluded);
    this.target = target;
  }

  @Override
  public String mode() {
    return "parquet-files";
  }

  @Override
  public ChangeSet read(SyncStart start) {
    ParquetListing before = ledger.listing(table, start.filesAt());
    long expected = start.position().getLong(SourcePosition.FILES).orElse(0L);
    if (before.files().size() != expected) {
      throw TrickleException.badInput("Cannot sync table " + table + ": source_files holds " + before.files().size()
          + " file(s) under " + start.filesAt() + " but the start position counted " + expected
          + ". The listing the sync compares against is missing; reload the table with trickle load.");
    }
    ParquetListing now = ParquetListing.of(spark, folder);
    if (now.digest().equals(before.digest())) {
      return ChangeSet.unchanged(start.position().with(SyncStart.FILES_AT, start.filesAt()));
    }
    FileListingDiff diff = FileListingDiff.of(before, now);
    SourcePosition to = SourcePosition.of("parquet").with(SourcePosition.FILES, now.files().size())
        .with(SourcePosition.LISTING, now.digest()).with(SyncStart.FILES_AT, start.batchFilesId())
        .with(SourcePosition.TAKEN_AT, Instant.now());
    if (now.files().isEmpty()) {
      // Emptied at the source. Its columns can no longer be read from files, so the (no) rows of
      // the recompute come in the target's columns.
      Dataset<Row> none = spark.createDataFrame(List.of(), target).withColumn(Changes.CHANGE, lit(Changes.UPSERT));
      return ChangeSet.of(none, to).withFiles(now).withNote(diff.describe()).withRecompute(Recompute.wholeTable())
          .withNote("the folder holds no data files any more: every row is deleted").alreadyMapped();
    }
    Set<String> touchedFolders = diff.touchedFolders();
    Optional<Recompute> scope = touchedFolders.isEmpty() ? Optional.empty()
        : Optional.of(ParquetPartitions.of(spark, folder, touchedFolders, sourceSchema(), excluded));
    // New files, and every current file of a recomputed partition (all of them for the whole table).
    Set<String> toRead = new LinkedHashSet<>();
    diff.added().forEach(f -> toRead.add(f.path()));
    now.files().stream()
        .filter(f -> scope.isPresent() && (scope.get().isWholeTable() || touchedFolders.contains(FileListingDiff.folderOf(f.path()))))
        .forEach(f -> toRead.add(f.path()));
    Dataset<Row> upserts = toRead.isEmpty() ? emptyRows() : newestPerKey(read(new ArrayList<>(toRead)));
    ChangeSet changes = ChangeSet.of(upserts.withColumn(Changes.CHANGE, lit(Changes.UPSERT)), to)
        .withFiles(now).withNote(diff.describe());
    return scope.map(s -> changes.withRecompute(s).withNote("recomputed " + s.describe())).orElse(changes);
  }

  /** The files' rows under the union of their schemas ({@link ParquetListing#read}). */
  private Dataset<Row> read(List<String> paths) {
    return ParquetListing.read(spark, folder, paths.toArray(String[]::new))
        .withColumn(FILE_TIME, col("_metadata.file_modification_time"))
        .withColumn(FILE_PATH, col("_metadata.file_path"));
  }

  /** One row per key: the newest file's, ties broken by path and then by the row's content. */
  private Dataset<Row> newestPerKey(Dataset<Row> rows) {
    List<String> data = new ArrayList<>(List.of(rows.columns()));
    data.removeAll(List.of(FILE_TIME, FILE_PATH));
    Dataset<Row> ranked = rows.withColumn(Changes.CHANGE, lit(Changes.UPSERT));
    return Changes.latestPerKey(ranked, keys, List.of(col(FILE_TIME).desc(), col(FILE_PATH).desc(),
            xxhash64(to_json(struct(Changes.columns(data)))).asc()))
        .drop(FILE_TIME, FILE_PATH, Changes.CHANGE);
  }

  private Dataset<Row> emptyRows() {
    return spark.createDataFrame(List.of(), sourceSchema());
  }

  private StructType sourceSchema() {
    return ParquetListing.read(spark, folder).schema();
  }
}
