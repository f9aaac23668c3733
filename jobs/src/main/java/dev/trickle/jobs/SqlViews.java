package dev.trickle.jobs;

import dev.trickle.config.TableConfig;
import dev.trickle.config.TrickleConfig;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What analysts query, as temporary views: each target under its table name, and every Delta
 * table under the state and recon dirs under its own name (runs, recon_diffs, ...). A target
 * whose name clashes with a ledger is registered as {@code target_<name>}. Only the views a
 * query names are read: opening a Delta table reads its log, about 0.2 s each.
 */
public final class SqlViews {
  private SqlViews() {}

  /**
   * Registers the views whose name appears as a word in {@code sql} (a name inside a string
   * literal or comment is registered too, which costs a read and changes nothing) and returns
   * every available view's name.
   */
  public static List<String> register(SparkSession spark, TrickleConfig config, String sql) {
    Map<String, Supplier<Dataset<Row>>> views = available(spark, config);
    String text = sql.toLowerCase(Locale.ROOT);
    views.forEach((name, rows) -> {
      if (Pattern.compile("(?<![\\w$])" + Pattern.quote(name.toLowerCase(Locale.ROOT)) + "(?![\\w$])").matcher(text).find()) {
        rows.get().createOrReplaceTempView(name);
      }
    });
    return List.copyOf(views.keySet());
  }

  /** Every view there is, by name, with how to read it. */
  static Map<String, Supplier<Dataset<Row>>> available(SparkSession spark, TrickleConfig config) {
    Map<String, Supplier<Dataset<Row>>> views = new LinkedHashMap<>();
    for (String dir : List.of(config.stateDir(), config.reconDir())) {
      for (String table : deltaTablesUnder(spark, dir)) {
        String path = dir.replaceAll("/+$", "") + "/" + table;
        views.put(table, () -> spark.read().format("delta").load(path));
      }
    }
    for (TableConfig table : config.tables().values()) {
      if (table.target().path().isPresent() && !DeltaTable.isDeltaTable(spark, table.target().path().get())) {
        continue;
      }
      String view = views.containsKey(table.name()) ? "target_" + table.name() : table.name();
      views.put(view, () -> spark.sql("SELECT * FROM " + table.target().sqlName()));
    }
    return views;
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
