package dev.trickle.jobs.bench;

import dev.trickle.config.TrickleConfig;
import dev.trickle.jobs.cli.Main;
import dev.trickle.source.SourcePosition;
import dev.trickle.state.LoadLedger;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Times sync batches against a full reload of the same table, side by side in one JVM and one
 * Spark session: the source is a Delta table with its change data feed on (delta-cdf), the
 * target a Delta table with deletion vectors, as a load creates it. Run by scripts/bench-sync.sh.
 */
public final class SyncBenchmark {
  private SyncBenchmark() {}

  public static void main(String[] args) throws IOException {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    Path dir = Path.of(args.length > 1 ? args[1] : "bench-work").toAbsolutePath();
    BenchPipeline pipeline = BenchPipeline.open(dir, """
        trickle {
          warehouse = "%1$s/lake"
          sources { src { type = delta, path = "%1$s/src" } }
          tables {
            facts { source { ref = src, path = "facts" }, keys = [id] }
            facts_diff { source { ref = src, path = "facts" }, keys = [id], sync.mode = diff }
          }
        }
        """);
    Path config = pipeline.file();
    TrickleConfig trickle = pipeline.config();
    SparkSession spark = pipeline.spark();
    String source = dir.resolve("src/facts").toString();
    String target = dir.resolve("lake/facts").toString();
    String diffTarget = dir.resolve("lake/facts_diff").toString();

    Map<String, Double> seconds = new LinkedHashMap<>();
    time("generate the source (" + rows + " rows)", () -> generate(spark, rows, 0).write().format("delta")
        .mode("overwrite").option("delta.enableChangeDataFeed", "true").save(source));
    time("first load (warm-up)", () -> reload(spark, trickle, "facts", source, target));
    seconds.put("full reload", time("full reload", () -> reload(spark, trickle, "facts", source, target)));

    long changed = rows / 100;
    time("source: update 1% scattered rows", () -> spark.sql("UPDATE delta.`" + source + "` SET amount = amount + 1, "
        + "updated_at = current_timestamp() WHERE id % 100 = 37"));
    seconds.put("sync: 1% scattered updates", time("sync (1% scattered updates)", () -> sync(config, "facts")));
    time("source: append 1% new rows", () -> generate(spark, changed, rows).write().format("delta").mode("append").save(source));
    seconds.put("sync: 1% appends", time("sync (1% appends)", () -> sync(config, "facts")));
    seconds.put("sync: nothing changed", time("sync (no-op)", () -> sync(config, "facts")));

    time("load the diff mode's target", () -> reload(spark, trickle, "facts_diff", source, diffTarget));
    time("source: update 0.1% scattered rows", () -> spark.sql("UPDATE delta.`" + source + "` SET amount = amount + 1 "
        + "WHERE id % 1000 = 537"));
    seconds.put("sync diff: 0.1% updated", time("sync (diff, 0.1% updated)", () -> sync(config, "facts_diff")));
    // The next night's batch sizes its buckets by this one's changes.
    time("source: update another 0.1% scattered rows", () -> spark.sql("UPDATE delta.`" + source + "` SET amount = amount + 1 "
        + "WHERE id % 1000 = 538"));
    seconds.put("sync diff: 0.1% again", time("sync (diff, 0.1% updated, next night)", () -> sync(config, "facts_diff")));
    seconds.put("sync diff: nothing changed", time("sync (diff, no-op)", () -> sync(config, "facts_diff")));

    double full = seconds.get("full reload");
    System.out.println();
    System.out.printf(Locale.ROOT, "%-30s %10s %10s%n", "rows = " + rows, "seconds", "x reload");
    seconds.forEach((name, s) -> System.out.printf(Locale.ROOT, "%-30s %10.1f %10.3f%n", name, s, s / full));
  }

  /** The rows of the benchmark table: a key, numbers, text and timestamps. */
  static Dataset<Row> generate(SparkSession spark, long rows, long firstId) {
    return spark.range(firstId, firstId + rows).selectExpr("id",
        "CAST(id % 100000 AS INT) AS customer",
        "CAST((id % 99991) / 100.0 AS DECIMAL(12,2)) AS amount",
        "element_at(array('new', 'paid', 'shipped', 'returned'), CAST(id % 4 AS INT) + 1) AS status",
        "concat('note-', CAST(id * 7919 % 1000003 AS STRING)) AS note",
        "timestamp_seconds(1700000000 + id % 31536000) AS created_at",
        "timestamp_seconds(1700000000 + id % 31536000) AS updated_at");
  }

  /** What a load does at its core: the source's current version, written over the target, recorded. */
  private static void reload(SparkSession spark, TrickleConfig config, String table, String source, String target) {
    long version = DeltaTable.forPath(spark, source).history(1).head().getLong(0);
    spark.read().format("delta").option("versionAsOf", version).load(source).write().format("delta").mode("overwrite")
        .option("delta.enableDeletionVectors", "true").option("delta.enableChangeDataFeed", "true").save(target);
    SourcePosition position = SourcePosition.of("delta").with(SourcePosition.VERSION, version).with(SourcePosition.TAKEN_AT, Instant.now());
    LoadLedger loads = new LoadLedger(spark, config.stateDir());
    String loadId = UUID.randomUUID().toString();
    loads.started(table, loadId, "bench-" + loadId, position, 1, Instant.now(), Optional.empty(), target);
    loads.finished(table, loadId, "bench-" + loadId, "DONE", 0L, 0L, null);
  }

  private static void sync(Path config, String table) {
    int exit = Main.execute(new String[] {"sync", "-c", config.toString(), "--table", table}, System.out,
        new PrintStream(System.err, true, StandardCharsets.UTF_8), System.getenv());
    if (exit != 0) {
      throw new IllegalStateException("sync exited " + exit);
    }
  }

  private static double time(String what, Runnable step) {
    long start = System.nanoTime();
    step.run();
    double s = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "%-40s %8.1f s%n", what, s);
    return s;
  }
}
