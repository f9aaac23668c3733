package dev.trickle.state;

import static org.apache.spark.sql.functions.col;

import dev.trickle.source.ParquetListing;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code source_files}: the Parquet files a load or a sync batch saw, so the next sync knows
 * which files are new, rewritten or gone. {@code position_id} is {@code load:<load_id>} or
 * {@code batch:<batch_id>}.
 */
public final class SourceFilesLedger {
  public static final String TABLE = "source_files";
  public static final StructType SCHEMA = new StructType()
      .add("table_name", DataTypes.StringType, false)
      .add("position_id", DataTypes.StringType, false)
      .add("path", DataTypes.StringType, false)
      .add("size", DataTypes.LongType, false)
      .add("modification_time", DataTypes.LongType, false);

  private final DeltaLedger ledger;

  public SourceFilesLedger(SparkSession spark, String stateDir) {
    this.ledger = new DeltaLedger(spark, stateDir, TABLE, SCHEMA);
  }

  public static String forLoad(String loadId) {
    return "load:" + loadId;
  }

  public static String forBatch(long batchId) {
    return "batch:" + batchId;
  }

  public void record(String table, String positionId, ParquetListing listing) {
    List<Row> rows = listing.files().stream()
        .map(f -> RowFactory.create(table, positionId, f.path(), f.size(), f.modificationTime()))
        .toList();
    if (!rows.isEmpty()) {
      ledger.append(rows);
    }
  }

  /** Every file recorded under any of the positions (e.g. the change files earlier batches processed). */
  public List<ParquetListing.File> files(String table, List<String> positionIds) {
    if (positionIds.isEmpty()) {
      return List.of();
    }
    return ledger.read()
        .where(col("table_name").equalTo(table).and(col("position_id").isin(positionIds.toArray())))
        .select("path", "size", "modification_time").distinct()
        .collectAsList().stream()
        .map(r -> new ParquetListing.File(r.getString(0), r.getLong(1), r.getLong(2)))
        .toList();
  }

  /** The listing recorded under a position (empty when none was recorded). */
  public ParquetListing listing(String table, String positionId) {
    List<ParquetListing.File> files = ledger.read()
        .where(col("table_name").equalTo(table).and(col("position_id").equalTo(positionId)))
        .select("path", "size", "modification_time")
        .collectAsList().stream()
        .map(r -> new ParquetListing.File(r.getString(0), r.getLong(1), r.getLong(2)))
        .toList();
    return new ParquetListing(files.stream().sorted(java.util.Comparator.comparing(ParquetListing.File::path)).toList());
  }
}
