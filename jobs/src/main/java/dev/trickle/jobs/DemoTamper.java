package dev.trickle.jobs;

import static org.apache.spark.sql.functions.col;

import dev.trickle.config.TableConfig;
import dev.trickle.config.TrickleConfig;
import dev.trickle.recon.ReconTables;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The demo's deliberate damage to one target table, by plain Delta SQL: one row changed, one
 * deleted (missing in the target) and one copied under a new key (extra in the target); and the
 * diff rows reconcile wrote about it, read back from {@code recon_diffs}.
 */
final class DemoTamper {
  /** The key offset of the extra row: far above every key the demo's sources hold. */
  static final long EXTRA_OFFSET = 1_000_000_000L;

  private DemoTamper() {}

  /** The statements, in the order they run; {@code table} has a single bigint key. */
  static List<String> statements(SparkSession spark, TableConfig table) {
    String key = table.keys().get(0);
    String target = table.target().sqlName();
    // The three smallest keys: a small sample, not the table.
    List<Long> ids = spark.sql("SELECT " + key + " FROM " + target + " ORDER BY " + key + " LIMIT 3").collectAsList()
        .stream().map(r -> r.getLong(0)).toList();
    List<String> columns = new ArrayList<>();
    for (String name : spark.table(target).schema().fieldNames()) {
      columns.add(name.equals(key) ? key + " + " + EXTRA_OFFSET + " AS " + key : name);
    }
    return List.of(
        "UPDATE " + target + " SET kind = 'tampered' WHERE " + key + " = " + ids.get(0),
        "DELETE FROM " + target + " WHERE " + key + " = " + ids.get(1),
        "INSERT INTO " + target + " SELECT " + String.join(", ", columns) + " FROM " + target + " WHERE " + key + " = "
            + ids.get(2));
  }

  static void apply(SparkSession spark, List<String> statements) {
    statements.forEach(spark::sql);
  }

  /** The query that shows a run's diff rows for one table. */
  static String diffQuery(String runId, String table) {
    return "SELECT diff_type, key, changed_columns FROM recon_diffs WHERE run_id = '" + runId + "' AND table_name = '"
        + table + "' ORDER BY diff_type";
  }

  /** The run's diff rows for the table, one line each (recon_diffs is capped per run, so this stays small). */
  static List<String> diffLines(SparkSession spark, TrickleConfig config, String runId, String table) {
    List<Row> rows = new ReconTables(spark, config.reconDir()).diffs().read()
        .where(col("run_id").equalTo(runId).and(col("table_name").equalTo(table)))
        .orderBy("diff_type", "key").select("diff_type", "key", "changed_columns").collectAsList();
    List<String> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(String.format(Locale.ROOT, "  %-18s key %-22s changed columns %s", r.getString(0), r.getString(1),
          r.isNullAt(2) ? "-" : r.getList(2)));
    }
    return out;
  }
}
