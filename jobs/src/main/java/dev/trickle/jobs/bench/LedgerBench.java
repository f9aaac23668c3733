package dev.trickle.jobs.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;

import dev.trickle.recon.AsOf;
import dev.trickle.state.DeltaLedger;
import dev.trickle.state.SyncLedger;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads of a {@code sync_batches} ledger as months of nightly syncs leave it, one small file per
 * batch, against the same rows after {@link DeltaLedger#maintain()} compacted them, side by side
 * in one JVM. Run by scripts/bench-ledger.sh.
 */
public final class LedgerBench {
  private static final int ROUNDS = 3;

  private LedgerBench() {}

  public static void main(String[] args) throws IOException {
    int nights = args.length > 0 ? Integer.parseInt(args[0]) : 250;
    int tables = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Path dir = Path.of(args.length > 2 ? args[2] : "bench-work/ledger").toAbsolutePath();
    BenchPipeline pipeline = BenchPipeline.open(dir, """
        trickle {
          warehouse = "%1$s/lake"
          sources { src { type = delta, path = "%1$s/src" } }
          tables { table_7 { source { ref = src, path = "t" }, keys = [id] } }
        }
        """);
    SparkSession spark = pipeline.spark();
    String stateDir = pipeline.config().stateDir();
    DeltaLedger ledger = new DeltaLedger(spark, stateDir, SyncLedger.TABLE, SyncLedger.SCHEMA);

    time("write " + nights * tables + " batches as " + nights * tables + " files", () -> {
      batches(spark, nights, tables).repartition(nights * tables, col("table_name"), col("batch_id"))
          .write().format("delta").mode("overwrite").save(ledger.path());
      return null;
    });
    Map<String, double[]> seconds = new LinkedHashMap<>();
    measure(spark, stateDir, ledger, seconds, 0);
    time("compact and vacuum (DeltaLedger.maintain)", () -> {
      ledger.maintain();
      return null;
    });
    measure(spark, stateDir, ledger, seconds, 1);

    System.out.println();
    System.out.printf(Locale.ROOT, "%-52s %12s %12s %8s%n", nights + " nights x " + tables + " tables",
        "small files", "compacted", "ratio");
    seconds.forEach((name, s) -> System.out.printf(Locale.ROOT, "%-52s %10.2f s %10.2f s %7.2fx%n", name, s[0], s[1], s[0] / s[1]));
  }

  /** Each read's best of {@value #ROUNDS} rounds, into column {@code column} of {@code seconds}. */
  private static void measure(SparkSession spark, String stateDir, DeltaLedger ledger, Map<String, double[]> seconds, int column) {
    best(seconds, column, "one table's last synced position (AsOf.latest)",
        () -> AsOf.latest(spark, stateDir, "table_7", Optional.empty()));
    best(seconds, column, "every table's batches and last batch (a full scan)",
        () -> ledger.read().groupBy("table_name").agg(count("*"), max("batch_id")).collectAsList());
  }

  private static void best(Map<String, double[]> seconds, int column, String what, Supplier<?> read) {
    double best = Double.MAX_VALUE;
    for (int round = 0; round < ROUNDS; round++) {
      best = Math.min(best, time(what, read));
    }
    seconds.computeIfAbsent(what, k -> new double[2])[column] = best;
  }

  /** A DONE batch per table and night, with positions and counts as sync writes them. */
  private static Dataset<Row> batches(SparkSession spark, int nights, int tables) {
    return spark.range((long) nights * tables).selectExpr(
        "concat('table_', CAST(id % " + tables + " AS STRING)) AS table_name",
        "id DIV " + tables + " + 1 AS batch_id",
        "'watermark' AS mode",
        "to_json(named_struct('kind', 'jdbc', 'watermark', CAST(id AS STRING))) AS from_position",
        "to_json(named_struct('kind', 'jdbc', 'watermark', CAST(id + " + tables + " AS STRING))) AS to_position",
        "id % 1000 AS rows_inserted", "id % 100 AS rows_updated", "id % 10 AS rows_deleted",
        "id DIV " + tables + " AS target_version",
        "'DONE' AS status",
        "timestamp_seconds(1700000000 + (id DIV " + tables + ") * 86400) AS started_at",
        "timestamp_seconds(1700000000 + (id DIV " + tables + ") * 86400 + 60) AS finished_at",
        "uuid() AS run_id",
        "CAST(NULL AS STRING) AS note");
  }

  private static double time(String what, Supplier<?> step) {
    long start = System.nanoTime();
    step.get();
    double s = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "%-60s %8.2f s%n", what, s);
    return s;
  }
}
