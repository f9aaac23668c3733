package dev.trickle.state;

import static org.apache.spark.sql.functions.col;

import dev.trickle.source.SourcePosition;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The load ledgers. {@code loads} has a row per load attempt of a table with the source position
 * its snapshot was taken at: the first sync after a load starts exactly there. {@code load_chunks}
 * records each chunk of a load: its predicate, and a row per finished or failed attempt.
 */
public final class LoadLedger {
  public static final String LOADS = "loads";
  public static final String LOAD_CHUNKS = "load_chunks";

  public static final StructType LOADS_SCHEMA = new StructType()
      .add("table_name", DataTypes.StringType, false)
      .add("load_id", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false) // RUNNING, DONE, FAILED
      .add("source_position", DataTypes.StringType, true) // SourcePosition JSON
      .add("chunks", DataTypes.IntegerType, true)
      .add("rows", DataTypes.LongType, true)
      .add("target_version", DataTypes.LongType, true)
      .add("started_at", DataTypes.TimestampType, false)
      .add("finished_at", DataTypes.TimestampType, true);

  public static final StructType LOAD_CHUNKS_SCHEMA = new StructType()
      .add("table_name", DataTypes.StringType, false)
      .add("load_id", DataTypes.StringType, false)
      .add("chunk_id", DataTypes.IntegerType, false)
      .add("predicate", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false) // PLANNED, DONE, FAILED
      .add("rows", DataTypes.LongType, true)
      .add("attempt", DataTypes.IntegerType, true)
      .add("started_at", DataTypes.TimestampType, true)
      .add("finished_at", DataTypes.TimestampType, true);

  /** A finished load, as sync and reconcile need it. */
  public record Load(String table, String loadId, SourcePosition position, long rows, Long targetVersion) {}

  private final DeltaLedger loads;
  private final DeltaLedger chunks;

  public LoadLedger(SparkSession spark, String stateDir) {
    this.loads = new DeltaLedger(spark, stateDir, LOADS, LOADS_SCHEMA);
    this.chunks = new DeltaLedger(spark, stateDir, LOAD_CHUNKS, LOAD_CHUNKS_SCHEMA);
  }

  public DeltaLedger loads() {
    return loads;
  }

  public DeltaLedger chunks() {
    return chunks;
  }

  /** The table's most recent DONE load, if it was ever loaded. */
  public Optional<Load> latestDone(String table) {
    List<Row> rows = loads.read()
        .where(col("table_name").equalTo(table).and(col("status").equalTo("DONE")))
        .orderBy(col("finished_at").desc())
        .limit(1)
        .collectAsList();
    return rows.stream().findFirst().map(r -> new Load(
        r.getAs("table_name"), r.getAs("load_id"),
        r.getAs("source_position") == null ? null : SourcePosition.parse(r.getAs("source_position")),
        r.getAs("rows") == null ? 0L : r.<Long>getAs("rows"),
        r.getAs("target_version")));
  }
}
