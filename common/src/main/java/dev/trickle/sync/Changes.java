package dev.trickle.sync;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.signum;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The shape every change reader produces: the table's rows (source column names) plus a
 * {@link #CHANGE} column, {@link #UPSERT} for a row's new image and {@link #DELETE} for a row that
 * is gone (only its keys matter). Each key appears at most once in a finished change set. The
 * functions here turn change logs into that shape; they are pure, so tests run them on in-memory
 * rows.
 */
public final class Changes {
  /** The change column; no source column may have this name. */
  public static final String CHANGE = "_trickle_change";
  public static final String UPSERT = "U";
  public static final String DELETE = "D";

  private static final String DIGEST = "_trickle_digest";
  private static final String NET = "_trickle_net";
  private static final String RANK = "_trickle_rank";

  private Changes() {}

  /** The data columns of a change set (everything but the change column). */
  public static List<String> dataColumns(Dataset<Row> changes) {
    return Arrays.stream(changes.columns()).filter(c -> !c.equals(CHANGE)).toList();
  }

  /**
   * Keeps each key's newest image. {@code newestFirst} orders a key's images, newest first; it must
   * be a total order (ties broken by the data), so that re-running picks the same row.
   */
  public static Dataset<Row> latestPerKey(Dataset<Row> images, List<String> keys, List<Column> newestFirst) {
    WindowSpec perKey = Window.partitionBy(columns(keys)).orderBy(newestFirst.toArray(Column[]::new));
    return images.withColumn(RANK, row_number().over(perKey)).where(col(RANK).equalTo(1)).drop(RANK);
  }

  /** Orders an upsert (U) before a delete (D) at one position: a commit cannot delete what it adds. */
  public static Column upsertFirst() {
    return col(CHANGE).desc();
  }

  /**
   * Removes carry-overs from a change log: a delete image and an upsert image of the very same row
   * at the same position cancel, as when a copy-on-write commit rewrites a file and re-adds its
   * untouched rows (Iceberg), or an update sets a row to what it was (Delta).
   */
  public static Dataset<Row> withoutCarryOvers(Dataset<Row> images, List<String> keys, List<String> positionColumns) {
    List<String> data = dataColumns(images).stream().filter(c -> !positionColumns.contains(c)).toList();
    List<String> group = new ArrayList<>(keys);
    group.addAll(positionColumns);
    group.add(DIGEST);
    Column sign = when(col(CHANGE).equalTo(UPSERT), lit(1)).otherwise(lit(-1));
    return images
        .withColumn(DIGEST, xxhash64(to_json(struct(columns(data)))))
        .withColumn(NET, sum(sign).over(Window.partitionBy(columns(group))))
        .where(signum(col(NET)).equalTo(sign.cast("double")))
        .drop(DIGEST, NET);
  }

  /**
   * The net change per key of a change log with a position column per image: carry-overs
   * removed, then each key's newest image (newer position first; at one position the upsert).
   */
  public static Dataset<Row> net(Dataset<Row> images, List<String> keys, String position) {
    Dataset<Row> clean = withoutCarryOvers(images, keys, List.of(position));
    List<String> data = dataColumns(clean).stream().filter(c -> !c.equals(position)).toList();
    Column tieBreak = xxhash64(to_json(struct(columns(data))));
    return latestPerKey(clean, keys, List.of(col(position).desc(), upsertFirst(), tieBreak.asc())).drop(position);
  }

  /**
   * Drops what would change nothing: upserts equal to the target's row of their key (every column
   * in {@code compared}, null-safe; maps by their JSON), and deletes of keys the target lacks.
   */
  public static Dataset<Row> withoutNoOps(Dataset<Row> changes, Dataset<Row> target, List<String> keys,
      List<org.apache.spark.sql.types.StructField> compared) {
    Dataset<Row> c = changes.as("c");
    Dataset<Row> t = target.as("cur");
    Column sameRow = lit(true);
    for (org.apache.spark.sql.types.StructField f : compared) {
      Column left = col("c." + quote(f.name()));
      Column right = col("cur." + quote(f.name()));
      if (f.dataType() instanceof org.apache.spark.sql.types.MapType) {
        left = to_json(left);
        right = to_json(right);
      }
      sameRow = sameRow.and(left.eqNullSafe(right));
    }
    Column sameKey = lit(true);
    for (String k : keys) {
      sameKey = sameKey.and(col("c." + quote(k)).eqNullSafe(col("cur." + quote(k))));
    }
    Dataset<Row> upserts = c.where(col("c." + CHANGE).equalTo(UPSERT)).join(t, sameKey.and(sameRow), "left_anti");
    Dataset<Row> deletes = c.where(col("c." + CHANGE).equalTo(DELETE)).join(t, sameKey, "left_semi");
    return upserts.unionByName(deletes);
  }

  static Column[] columns(List<String> names) {
    return names.stream().map(n -> col(quote(n))).toArray(Column[]::new);
  }

  static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
