package dev.trickle.sync;

import dev.trickle.TrickleException;
import dev.trickle.config.ColumnsConfig;
import dev.trickle.config.SyncMode;
import dev.trickle.config.TableConfig;
import dev.trickle.config.TrickleConfig;
import dev.trickle.source.IcebergTables;
import dev.trickle.state.SourceFilesLedger;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** The {@link ChangeReader} of a table's {@code sync.mode}. */
public final class ChangeReaders {
  private ChangeReaders() {}

  /**
   * Fails with exit 2 for a mode this build cannot sync yet, before anything is read or written.
   * {@code watermark} needs the JDBC source and {@code diff} the reconciliation engine.
   */
  public static void checkAvailable(TableConfig table) {
    SyncMode mode = table.sync().mode();
    if (mode == SyncMode.WATERMARK || mode == SyncMode.DIFF) {
      throw TrickleException.badInput("Cannot sync table " + table.name() + " with sync.mode = " + mode.key()
          + ": this build has no " + mode.key() + " reader yet (it arrives with the "
          + (mode == SyncMode.WATERMARK ? "JDBC source" : "reconciliation engine") + "). Use cdc (Debezium events) for "
          + "a JDBC table meanwhile, or iceberg-snapshots, parquet-files or delta-cdf for file and table sources.");
    }
  }

  /**
   * The table's reader. {@code target} is the target's current schema (cdc decodes events by it).
   */
  public static ChangeReader open(SparkSession spark, TrickleConfig config, TableConfig table, StructType target) {
    checkAvailable(table);
    ColumnsConfig columns = table.columns();
    List<String> keys = table.keys().stream().map(columns::sourceName).toList();
    Set<String> excluded = new HashSet<>(columns.exclude());
    SourceFilesLedger files = new SourceFilesLedger(spark, config.stateDir());
    return switch (table.sync().mode()) {
      case DELTA_CDF -> new DeltaCdfChanges(spark, table.source().path().orElseThrow(), keys);
      case ICEBERG_SNAPSHOTS -> new IcebergSnapshotChanges(spark,
          IcebergTables.nameOf(config.sourceOf(table), table.source()), keys, excluded);
      case PARQUET_FILES -> new ParquetFileChanges(spark, table.name(), table.source().path().orElseThrow(), files, keys, excluded);
      case CDC -> new CdcEventChanges(spark, table.name(), table.sync().cdcPath().orElseThrow(), files, keys,
          CdcEventChanges.rowSchema(target, columns), excluded);
      case WATERMARK, DIFF -> throw new IllegalStateException("checked above");
    };
  }
}
