package dev.trickle.sync;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A part of the table the change set carries whole: every current source row of these partitions
 * is in the changes as an upsert, so target rows there whose key the changes lack were deleted at
 * the source. Used where a source says which files changed but not which rows (rewritten Parquet
 * files, Iceberg merge-on-read deletes).
 *
 * @param schema the partition columns (source names); no columns means the whole table
 * @param partitions the partitions' values, one row each (few: they are collected)
 */
public record Recompute(StructType schema, List<Row> partitions) {
  public Recompute {
    partitions = List.copyOf(partitions);
  }

  public static Recompute wholeTable() {
    return new Recompute(new StructType(), List.of());
  }

  public boolean isWholeTable() {
    return schema.fields().length == 0;
  }

  public String describe() {
    return isWholeTable() ? "the whole table" : partitions.size() + " partition(s)";
  }
}
