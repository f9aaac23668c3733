package dev.trickle.recon;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.trickle.recon.ReconReport.PartitionResult;
import dev.trickle.spark.SparkSteps;
import dev.trickle.state.DeltaLedger;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The recon tables under {@code recon-dir}, appended per run (DESIGN.md names them and their
 * columns; columns beyond those are trickle's additions). {@code recon_runs} is written last, so a
 * run listed there has its partitions, keys, columns and diffs in place.
 */
public final class ReconTables {
  public static final String RUNS = "recon_runs";
  public static final String PARTITIONS = "recon_partitions";
  public static final String KEYS = "recon_keys";
  public static final String COLUMNS = "recon_columns";
  public static final String DIFFS = "recon_diffs";

  public static final StructType RUNS_SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("table_name", DataTypes.StringType, false)
      .add("started_at", DataTypes.TimestampType, false)
      .add("finished_at", DataTypes.TimestampType, false)
      .add("verdict", DataTypes.StringType, false)
      .add("source_rows", DataTypes.LongType, true)
      .add("target_rows", DataTypes.LongType, true)
      .add("missing_rows", DataTypes.LongType, true)
      .add("extra_rows", DataTypes.LongType, true)
      .add("changed_rows", DataTypes.LongType, true)
      .add("as_of", DataTypes.StringType, true)
      .add("skipped_rows", DataTypes.LongType, true)
      .add("buckets", DataTypes.IntegerType, true)
      .add("mismatched_buckets", DataTypes.LongType, true)
      .add("partitions", DataTypes.IntegerType, true)
      .add("diffs_written", DataTypes.LongType, true)
      .add("checks", DataTypes.StringType, true)
      .add("source", DataTypes.StringType, true)
      .add("target", DataTypes.StringType, true)
      .add("reasons", DataTypes.StringType, true)
      .add("error", DataTypes.StringType, true);

  public static final StructType PARTITIONS_SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("table_name", DataTypes.StringType, false)
      .add("partition", DataTypes.StringType, false)
      .add("source_rows", DataTypes.LongType, false)
      .add("target_rows", DataTypes.LongType, false)
      .add("source_hash", DataTypes.StringType, true)
      .add("target_hash", DataTypes.StringType, true)
      .add("verdict", DataTypes.StringType, false);

  public static final StructType KEYS_SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("table_name", DataTypes.StringType, false)
      .add("metric", DataTypes.StringType, false)
      .add("source_value", DataTypes.StringType, true)
      .add("target_value", DataTypes.StringType, true)
      .add("verdict", DataTypes.StringType, false)
      .add("examples", DataTypes.StringType, true);

  public static final StructType COLUMNS_SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("table_name", DataTypes.StringType, false)
      .add("column_name", DataTypes.StringType, false)
      .add("metric", DataTypes.StringType, false)
      .add("source_value", DataTypes.StringType, true)
      .add("target_value", DataTypes.StringType, true)
      .add("verdict", DataTypes.StringType, false);

  public static final StructType DIFFS_SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("table_name", DataTypes.StringType, false)
      .add("key", DataTypes.StringType, true)
      .add("diff_type", DataTypes.StringType, false)
      .add("changed_columns", DataTypes.createArrayType(DataTypes.StringType), true)
      .add("source_row", DataTypes.StringType, true)
      .add("target_row", DataTypes.StringType, true)
      .add("partition", DataTypes.StringType, true)
      .add("source_key_rows", DataTypes.LongType, true)
      .add("target_key_rows", DataTypes.LongType, true);

  private final DeltaLedger runs;
  private final DeltaLedger partitions;
  private final DeltaLedger keys;
  private final DeltaLedger columns;
  private final DeltaLedger diffs;

  public ReconTables(SparkSession spark, String reconDir) {
    this.runs = new DeltaLedger(spark, reconDir, RUNS, RUNS_SCHEMA);
    this.partitions = new DeltaLedger(spark, reconDir, PARTITIONS, PARTITIONS_SCHEMA);
    this.keys = new DeltaLedger(spark, reconDir, KEYS, KEYS_SCHEMA);
    this.columns = new DeltaLedger(spark, reconDir, COLUMNS, COLUMNS_SCHEMA);
    this.diffs = new DeltaLedger(spark, reconDir, DIFFS, DIFFS_SCHEMA);
  }

  public DeltaLedger runs() {
    return runs;
  }

  public DeltaLedger diffs() {
    return diffs;
  }

  /**
   * Appends a report: at most {@code maxDiffs} diff rows (missing first, then extra, then changed,
   * each by key), every other table in full. Returns the diff rows written.
   */
  public long write(ReconReport report, int maxDiffs, String checks) {
    String run = report.runId();
    String table = report.table();
    List<Row> partitionRows = new ArrayList<>();
    for (PartitionResult p : report.partitions()) {
      partitionRows.add(RowFactory.create(run, table, p.partition(), p.sourceRows(), p.targetRows(),
          PartitionResult.hex(p.sourceHash()), PartitionResult.hex(p.targetHash()), p.verdict().name()));
    }
    List<Runnable> details = new ArrayList<>();
    details.add(() -> appendIfAny(partitions, partitionRows));
    details.add(() -> appendIfAny(keys, report.keyMetrics().stream().map(m -> RowFactory.create(run, table, m.metric(),
        m.sourceValue(), m.targetValue(), m.verdict().name(), m.examples())).toList()));
    details.add(() -> appendIfAny(columns, report.columnMetrics().stream().map(m -> RowFactory.create(run, table, m.column(),
        m.metric(), m.sourceValue(), m.targetValue(), m.verdict().name())).toList()));
    long written = 0;
    if (report.differences() != null && maxDiffs > 0 && report.differingRows() > 0) {
      Dataset<Row> capped = report.differences()
          .orderBy(col("diff_type").desc(), col("key"))
          .limit(maxDiffs)
          .select(lit(run).as("run_id"), lit(table).as("table_name"), col("key"), col("diff_type"), col("changed_columns"),
              col("source_row"), col("target_row"), col("partition"), col("source_key_rows"), col("target_key_rows"));
      details.add(() -> diffs.append(capped));
      written = Math.min(maxDiffs, report.differingRows());
    }
    // Four tables, four independent commits: at once. recon_runs comes last, so whoever sees a run
    // there finds its details in the other tables.
    SparkSteps.concurrently(details);
    runs.append(List.of(RowFactory.create(run, table, Timestamp.from(report.startedAt()), Timestamp.from(report.finishedAt()),
        report.verdict().name(), report.sourceRows(), report.targetRows(), report.missingRows(), report.extraRows(),
        report.changedRows(), report.asOf(), report.skippedRows(), report.buckets(), report.mismatchedBuckets(),
        report.partitions().size(), written, checks, report.source(), report.target(),
        report.reasons().isEmpty() ? null : String.join("; ", report.reasons()), report.error())));
    return written;
  }

  private static void appendIfAny(DeltaLedger ledger, List<Row> rows) {
    if (!rows.isEmpty()) {
      ledger.append(rows);
    }
  }
}
