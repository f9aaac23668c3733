package dev.trickle.sync;

import dev.trickle.TrickleException;
import dev.trickle.config.ColumnsConfig;
import dev.trickle.config.DeleteDetection;
import dev.trickle.config.SyncMode;
import dev.trickle.config.TableConfig;
import dev.trickle.config.TrickleConfig;
import dev.trickle.source.IcebergTables;
import dev.trickle.source.JdbcSource;
import dev.trickle.source.Sources;
import dev.trickle.source.WatermarkWindow;
import dev.trickle.state.SourceFilesLedger;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/** The {@link ChangeReader} of a table's {@code sync.mode}. */
public final class ChangeReaders {
  private ChangeReaders() {}

  /**
   * Checks the columns a mode reads against the source's schema (source names), so a typo fails
   * with exit 2 before anything is written: the watermark column (a timestamp, date or number) and
   * the soft-delete column.
   */
  public static void check(TableConfig table, StructType source) {
    if (table.sync().mode() != SyncMode.WATERMARK) {
      return;
    }
    watermarkKind(table, source);
    if (table.sync().deletes() == DeleteDetection.SOFT) {
      String soft = table.columns().sourceName(table.sync().softDeleteColumn().orElseThrow());
      if (!List.of(source.fieldNames()).contains(soft)) {
        throw TrickleException.badInput("Cannot sync table " + table.name() + ": sync.soft-delete.column '" + soft
            + "' is not a source column. Fix trickle.tables." + table.name() + ".sync.soft-delete.column; source columns are "
            + List.of(source.fieldNames()) + ".");
      }
    }
  }

  /** The kind of the table's watermark column in {@code source}; exit 2 when it is missing or of no usable type. */
  static WatermarkWindow.Kind watermarkKind(TableConfig table, StructType source) {
    String at = "trickle.tables." + table.name() + ".sync.watermark-column";
    String column = table.columns().sourceName(table.sync().watermarkColumn().orElseThrow());
    if (!List.of(source.fieldNames()).contains(column)) {
      throw TrickleException.badInput("Cannot sync table " + table.name() + ": sync.watermark-column '" + column
          + "' is not a source column. Fix " + at + "; source columns are " + List.of(source.fieldNames()) + ".");
    }
    DataType type = source.apply(column).dataType();
    return WatermarkWindow.kindOf(type).orElseThrow(() -> TrickleException.badInput("Cannot sync table " + table.name()
        + ": sync.watermark-column '" + column + "' is of type " + type.simpleString() + ", which cannot order changes. "
        + "Name a timestamp, date or number column that grows on every insert and update (" + at + "), or use sync.mode = diff."));
  }

  /**
   * The table's reader. {@code target} is the target's current schema (cdc decodes events by it),
   * {@code targetPath} its folder (watermark's key scan and diff compare with its rows).
   */
  public static ChangeReader open(SparkSession spark, TrickleConfig config, TableConfig table, StructType target,
      String targetPath) {
    ColumnsConfig columns = table.columns();
    List<String> keys = table.keys().stream().map(columns::sourceName).toList();
    Set<String> excluded = new HashSet<>(columns.exclude());
    SourceFilesLedger files = new SourceFilesLedger(spark, config.stateDir());
    return switch (table.sync().mode()) {
      case DELTA_CDF -> new DeltaCdfChanges(spark, table.source().path().orElseThrow(), keys);
      case ICEBERG_SNAPSHOTS -> new IcebergSnapshotChanges(spark,
          IcebergTables.nameOf(config.sourceOf(table), table.source()), keys, excluded);
      case PARQUET_FILES -> new ParquetFileChanges(spark, table.name(), table.source().path().orElseThrow(), files, keys, excluded,
          target);
      case CDC -> new CdcEventChanges(spark, table.name(), table.sync().cdcPath().orElseThrow(), files, keys,
          CdcEventChanges.rowSchema(target, columns), excluded, table.sync().cdcDecimals());
      case WATERMARK -> new WatermarkChanges(spark, new JdbcSource(spark, config.sourceOf(table), table), table,
          Sources.mapping(config, table), targetPath);
      case DIFF -> new DiffChanges(spark, Sources.open(spark, config, table), table, Sources.mapping(config, table), targetPath);
    };
  }
}
