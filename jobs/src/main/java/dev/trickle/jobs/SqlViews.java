package dev.trickle.jobs;

import dev.trickle.config.TableConfig;
import dev.trickle.config.TrickleConfig;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Registers what analysts query as temporary views: each target under its table name, and every
 * Delta table under the state and recon dirs under its own name (runs, recon_diffs, ...). A
 * target whose name clashes with a ledger is registered as {@code target_<name>}.
 */
public final class SqlViews {
  private SqlViews() {}

  /** Registers the views and returns their names. */
  public static List<String> register(SparkSession spark, TrickleConfig config) {
    List<String> names = new ArrayList<>();
    for (String dir : List.of(config.stateDir(), config.reconDir())) {
      for (String table : deltaTablesUnder(spark, dir)) {
        spark.read().format("delta").load(dir.replaceAll("/+$", "") + "/" + table).createOrReplaceTempView(table);
        names.add(table);
      }
    }
    for (TableConfig table : config.tables().values()) {
      if (table.target().path().isPresent() && !DeltaTable.isDeltaTable(spark, table.target().path().get())) {
        continue;
      }
      String view = names.contains(table.name()) ? "target_" + table.name() : table.name();
      spark.sql("SELECT * FROM " + table.target().sqlName()).createOrReplaceTempView(view);
      names.add(view);
    }
    return names;
  }

  private static List<String> deltaTablesUnder(SparkSession spark, String dir) {
    List<String> out = new ArrayList<>();
    try {
      Path path = new Path(dir);
      FileSystem fs = path.getFileSystem(spark.sessionState().newHadoopConf());
      if (!fs.exists(path)) {
        return out;
      }
      for (FileStatus status : fs.listStatus(path)) {
        if (status.isDirectory() && fs.exists(new Path(status.getPath(), "_delta_log"))) {
          out.add(status.getPath().getName());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list tables under " + dir + ": " + e.getMessage(), e);
    }
    out.sort(String::compareTo);
    return out;
  }
}
