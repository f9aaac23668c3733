package dev.trickle.recon;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.trickle.config.SourceConfig;
import dev.trickle.config.TableConfig;
import dev.trickle.source.ColumnMapping;
import dev.trickle.source.ParquetListing;
import dev.trickle.source.Source;
import dev.trickle.source.SourcePosition;
import dev.trickle.source.SourceSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.storage.StorageLevel;

/**
 * The source side as of the table's last synced position ({@link AsOf}), so rows that changed
 * at the source since then are no false alarm: Delta and Iceberg are read at the position's
 * version or snapshot; a JDBC table leaves out, on both sides, every key whose source row's
 * watermark passed the position's (counted as skipped); a Parquet folder keeps no history, so
 * its current files are compared, and the as-of note says whether they changed since.
 */
public final class ReconSources {
  private ReconSources() {}

  /**
   * The sides to compare.
   *
   * @param source the source's rows, mapped to target columns
   * @param target the target's rows, without the skipped keys
   * @param asOf JSON for {@code recon_runs.as_of}
   * @param skippedRows source rows left out because they changed after the position
   */
  public record Resolved(Dataset<Row> source, Dataset<Row> target, String asOf, long skippedRows) {}

  public static Resolved resolve(SparkSession spark, SourceConfig sourceConfig, TableConfig table, Source source,
      ColumnMapping mapping, AsOf asOf, Dataset<Row> target, ComparisonPlan plan, CompareRules rules) {
    if (asOf.position().isEmpty()) {
      return new Resolved(mapping.apply(source.read()), target,
          asOf.json("current", Optional.of("the table was never loaded or synced by trickle: compared as it is now")), 0);
    }
    SourcePosition position = asOf.position().get();
    return switch (sourceConfig.kind()) {
      case DELTA, ICEBERG -> {
        Optional<SourceSnapshot> snapshot = source.snapshotAt(position);
        yield snapshot.isPresent()
            ? new Resolved(mapping.apply(snapshot.get().read()), target, asOf.json("snapshot", Optional.empty()), 0)
            : new Resolved(mapping.apply(source.read()), target,
                asOf.json("current", Optional.of("the position names no version or snapshot: compared as it is now")), 0);
      }
      case PARQUET -> {
        String now = ParquetListing.of(spark, table.source().path().orElseThrow()).digest();
        boolean same = position.get(SourcePosition.LISTING).map(now::equals).orElse(false);
        yield new Resolved(mapping.apply(source.read()), target, asOf.json("listing", Optional.of(same
            ? "the folder's files are those of the position"
            : "the folder's files changed since the position (Parquet keeps no history): compared with the current files")), 0);
      }
      case JDBC -> watermark(source, mapping, table, position, asOf, target, plan, rules);
    };
  }

  private static Resolved watermark(Source source, ColumnMapping mapping, TableConfig table, SourcePosition position,
      AsOf asOf, Dataset<Row> target, ComparisonPlan plan, CompareRules rules) {
    Optional<String> column = table.sync().watermarkColumn();
    Optional<String> mark = position.get(SourcePosition.WATERMARK);
    Dataset<Row> raw = source.read();
    if (column.isEmpty() || mark.isEmpty()) {
      return new Resolved(mapping.apply(raw), target, asOf.json("current", Optional.of(column.isEmpty()
          ? "no sync.watermark-column: compared as it is now" : "the position has no watermark: compared as it is now")), 0);
    }
    DataType type = raw.schema().apply(column.get()).dataType();
    Column late = col(RowHashes.quote(column.get())).gt(lit(mark.get()).cast(type));
    Dataset<Row> lateRows = mapping.apply(raw.where(late));
    List<Column> lateKeys = new ArrayList<>();
    List<Column> keyValues = RowHashes.keyValues(lateRows, Side.SOURCE, plan, rules);
    for (int i = 0; i < keyValues.size(); i++) {
      lateKeys.add(keyValues.get(i).as("__t_late_" + i));
    }
    Dataset<Row> keys = lateRows.select(lateKeys.toArray(Column[]::new)).distinct().persist(StorageLevel.MEMORY_AND_DISK());
    long skipped = lateRows.count();
    Dataset<Row> mapped = mapping.apply(raw);
    return new Resolved(withoutKeys(mapped, Side.SOURCE, keys, plan, rules), withoutKeys(target, Side.TARGET, keys, plan, rules),
        asOf.json("watermark", Optional.of(skipped + " source row(s) changed after watermark " + mark.get()
            + " and were left out, by key, on both sides")), skipped);
  }

  private static Dataset<Row> withoutKeys(Dataset<Row> rows, Side side, Dataset<Row> keys, ComparisonPlan plan, CompareRules rules) {
    List<Column> values = RowHashes.keyValues(rows, side, plan, rules);
    Column on = lit(true);
    for (int i = 0; i < values.size(); i++) {
      on = on.and(values.get(i).eqNullSafe(keys.col("__t_late_" + i)));
    }
    return rows.join(broadcast(keys), on, "left_anti");
  }
}
