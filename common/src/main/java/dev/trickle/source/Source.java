package dev.trickle.source;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * One table at a source, as Spark sees it. Column names here are the source's own; the table's
 * {@link ColumnMapping} turns them into target columns. Implementations are cheap to create and
 * open nothing until asked.
 */
public interface Source {
  /** What is read, for messages and the Spark UI ("legacy:public.orders"). */
  String describe();

  /** The table's columns with source names; reading it fails with exit 2 when the table is missing. */
  StructType schema();

  /** Every row of the table as it is now. */
  Dataset<Row> read();

  /** Pins the table's current state and its position. */
  SourceSnapshot snapshot();

  /**
   * The table as it was at an earlier position, where the source keeps history (a Delta version,
   * an Iceberg snapshot); empty where it cannot go back (JDBC, Parquet folders), and callers then
   * narrow the comparison themselves (e.g. by watermark).
   */
  java.util.Optional<SourceSnapshot> snapshotAt(SourcePosition position);
}
