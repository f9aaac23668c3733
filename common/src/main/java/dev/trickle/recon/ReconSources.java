package dev.trickle.recon;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.lit;

import dev.trickle.config.SourceConfig;
import dev.trickle.config.SourceKind;
import dev.trickle.config.TableConfig;
import dev.trickle.source.ColumnMapping;
import dev.trickle.source.JdbcSource;
import dev.trickle.source.ParquetListing;
import dev.trickle.source.Source;
import dev.trickle.source.SourcePosition;
import dev.trickle.source.SourceSnapshot;
import dev.trickle.source.WatermarkWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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
   * The sides to compare. Close it after the last read of the source: a JDBC source is read from
   * one snapshot ({@code pinned}), held until then, so every pass over it sees the same rows.
   *
   * @param source the source's rows, mapped to target columns
   * @param target the target's rows, without the skipped keys
   * @param asOf JSON for {@code recon_runs.as_of}
   * @param skippedRows source rows left out because they changed after the position
   * @param pinned the JDBC source's snapshot every read of it goes through
   * @param late a JDBC source's rows that changed after the position, left out by key
   */
  public record Resolved(Dataset<Row> source, Dataset<Row> target, String asOf, long skippedRows,
      Optional<SourceSnapshot> pinned, Optional<Late> late) implements AutoCloseable {
    /** Ends the JDBC source's snapshot and frees the late keys kept for the check. */
    @Override
    public void close() {
      try {
        late.ifPresent(l -> l.keys().unpersist(false));
      } finally {
        pinned.ifPresent(SourceSnapshot::close);
      }
    }
  }

  /**
   * A JDBC source's rows whose watermark passed the position's ({@code column}, a source column,
   * of {@code kind}, past {@code mark}): their keys are left out of both sides.
   *
   * @param keys those keys, kept in Spark's cache until the check is closed
   * @param withoutLateKeys leaves those keys out of mapped source rows
   */
  public record Late(String column, WatermarkWindow.Kind kind, String mark, Dataset<Row> keys,
      UnaryOperator<Dataset<Row>> withoutLateKeys) {}

  public static Resolved resolve(SparkSession spark, SourceConfig sourceConfig, TableConfig table, Source source,
      ColumnMapping mapping, AsOf asOf, Dataset<Row> target, ComparisonPlan plan, CompareRules rules) {
    if (sourceConfig.kind() == SourceKind.JDBC) {
      SourceSnapshot pinned = ((JdbcSource) source).pinForReading();
      try {
        return jdbc(pinned, (JdbcSource) source, mapping, table, asOf, target, plan, rules);
      } catch (RuntimeException e) {
        pinned.close();
        throw e;
      }
    }
    if (asOf.position().isEmpty()) {
      return unpinned(mapping.apply(source.read()), target,
          asOf.json("current", Optional.of(NEVER_SYNCED)));
    }
    SourcePosition position = asOf.position().get();
    return switch (sourceConfig.kind()) {
      case DELTA, ICEBERG -> {
        Optional<SourceSnapshot> snapshot = source.snapshotAt(position);
        yield snapshot.isPresent()
            ? unpinned(mapping.apply(snapshot.get().read()), target, asOf.json("snapshot", Optional.empty()))
            : unpinned(mapping.apply(source.read()), target,
                asOf.json("current", Optional.of("the position names no version or snapshot: compared as it is now")));
      }
      case PARQUET -> {
        String now = ParquetListing.of(spark, table.source().path().orElseThrow()).digest();
        boolean same = position.get(SourcePosition.LISTING).map(now::equals).orElse(false);
        yield unpinned(mapping.apply(source.read()), target, asOf.json("listing", Optional.of(same
            ? "the folder's files are those of the position"
            : "the folder's files changed since the position (Parquet keeps no history): compared with the current files")));
      }
      case JDBC -> throw new IllegalStateException("jdbc is resolved above");
    };
  }

  private static final String NEVER_SYNCED = "the table was never loaded or synced by trickle: compared as it is now";

  private static Resolved unpinned(Dataset<Row> source, Dataset<Row> target, String asOf) {
    return new Resolved(source, target, asOf, 0, Optional.empty(), Optional.empty());
  }

  /**
   * A JDBC source, read from {@code pinned}: with a watermark in the position, rows whose watermark
   * passed it are found by a predicate the database evaluates, and their keys left out of both sides.
   */
  private static Resolved jdbc(SourceSnapshot pinned, JdbcSource source, ColumnMapping mapping, TableConfig table,
      AsOf asOf, Dataset<Row> target, ComparisonPlan plan, CompareRules rules) {
    Optional<String> column = table.sync().watermarkColumn().map(c -> table.columns().sourceName(c));
    Optional<String> mark = asOf.position().flatMap(p -> p.get(SourcePosition.WATERMARK));
    Dataset<Row> mapped = mapping.apply(pinned.read());
    Optional<WatermarkWindow.Kind> kind = column.flatMap(c -> List.of(source.schema().fieldNames()).contains(c)
        ? WatermarkWindow.kindOf(source.schema().apply(c).dataType()) : Optional.empty());
    if (asOf.position().isEmpty() || column.isEmpty() || mark.isEmpty() || kind.isEmpty()) {
      String why = asOf.position().isEmpty() ? NEVER_SYNCED
          : column.isEmpty() ? "no sync.watermark-column: compared as it is now"
          : mark.isEmpty() ? "the position has no watermark: compared as it is now"
          : "sync.watermark-column " + column.get() + " is no source column of a timestamp, date or number type: compared as it is now";
      return new Resolved(mapped, target, asOf.json("current", Optional.of(why)), 0, Optional.of(pinned), Optional.empty());
    }
    String after = WatermarkWindow.after(source.dialect(), source.dialect().quoteName(column.get()), kind.get(), mark.get());
    Dataset<Row> lateRows = mapping.apply(pinned.read(after));
    List<Column> lateKeys = new ArrayList<>();
    List<Column> keyValues = RowHashes.keyValues(lateRows, Side.SOURCE, plan, rules);
    for (int i = 0; i < keyValues.size(); i++) {
      lateKeys.add(keyValues.get(i).as("__t_late_" + i));
    }
    Dataset<Row> keys = lateRows.select(lateKeys.toArray(Column[]::new)).distinct().persist(StorageLevel.MEMORY_AND_DISK());
    long skipped = lateRows.count();
    Late late = new Late(column.get(), kind.get(), mark.get(), keys, rows -> withoutKeys(rows, Side.SOURCE, keys, plan, rules));
    return new Resolved(late.withoutLateKeys().apply(mapped), withoutKeys(target, Side.TARGET, keys, plan, rules),
        asOf.json("watermark", Optional.of(skipped + " source row(s) changed after watermark " + mark.get()
            + " and were left out, by key, on both sides")), skipped, Optional.of(pinned), Optional.of(late));
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
