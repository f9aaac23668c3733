package dev.trickle.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import dev.trickle.config.ConfigLoader;
import dev.trickle.config.ReconcileConfig;
import dev.trickle.config.TrickleConfig;
import dev.trickle.demo.LocalPostgres;
import dev.trickle.jobs.cli.Main;
import dev.trickle.recon.BucketSizing;
import dev.trickle.recon.CompareRules;
import dev.trickle.recon.ComparisonPlan;
import dev.trickle.recon.ReconReport;
import dev.trickle.recon.ReconRequest;
import dev.trickle.recon.ReconTables;
import dev.trickle.recon.Side;
import dev.trickle.recon.SideStatistics;
import dev.trickle.recon.SparkSide;
import dev.trickle.recon.TableReconciler;
import dev.trickle.spark.SparkSessions;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * scripts/bench-recon.sh: reconcile against the scan limit (count and a hash sum over all columns
 * of each side, one pass each), side by side in one run, and against exceptAll and a full outer
 * join; then PostgreSQL with and without pushdown. Prints a table; docs/BENCHMARKS.md keeps the
 * figures. Arguments: work dir, rows, PostgreSQL rows.
 */
public final class ReconBench {
  private static final int DIFFERENCES_EACH = 1_000;
  private static final List<String> TABLE = new ArrayList<>();

  private ReconBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "bench-work");
    long rows = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
    long pgRows = args.length > 2 ? Long.parseLong(args[2]) : 2_000_000L;
    Files.createDirectories(dir);
    SparkSession spark = SparkSessions.getOrCreate(sessionConfig(dir));
    files(spark, dir, rows);
    if (pgRows > 0) {
      postgres(dir, pgRows);
    }
    System.out.println();
    TABLE.forEach(System.out::println);
    spark.stop();
  }

  /**
   * The session's config: a pipeline over the generated source, under the site defaults a local
   * scripts/trickle run uses (TRICKLE_DEFAULTS, set by bench-recon.sh), so Spark is configured as
   * a user's local run is.
   */
  private static TrickleConfig sessionConfig(Path dir) throws java.io.IOException {
    Path file = Files.writeString(dir.resolve("bench.conf"), """
        trickle {
          warehouse = "%1$s/lake"
          spark.conf { "spark.ui.enabled" = false }
          sources { files { type = parquet, path = "%1$s" } }
          tables { bench { source { ref = files, path = source-parquet }, keys = [id] } }
        }
        """.formatted(dir.toAbsolutePath()));
    return ConfigLoader.load(file, java.util.Map.of(), System.getenv());
  }

  private static void files(SparkSession spark, Path dir, long rows) {
    String source = dir.resolve("source-parquet").toString();
    String same = dir.resolve("target-same").toString();
    String differing = dir.resolve("target-differing").toString();
    if (!Files.exists(Path.of(source))) {
      generate(spark, rows).write().parquet(source);
      spark.read().parquet(source).write().format("delta").save(same);
      Dataset<Row> s = spark.read().parquet(source);
      s.where("id % 10000 != 17")
          .withColumn("note", org.apache.spark.sql.functions.expr("CASE WHEN id % 10000 = 4242 THEN 'changed' ELSE note END"))
          .unionByName(generate(spark, DIFFERENCES_EACH).withColumn("id", col("id").plus(rows)))
          .write().format("delta").save(differing);
    }
    Dataset<Row> s = spark.read().parquet(source);
    Dataset<Row> t = spark.read().format("delta").load(same);
    Dataset<Row> d = spark.read().format("delta").load(differing);
    Set<Long> expected = new TreeSet<>();
    for (long id = 0; id < rows; id++) {
      if (id % 10000 == 17 || id % 10000 == 4242) {
        expected.add(id);
      }
    }
    for (long id = rows; id < rows + DIFFERENCES_EACH; id++) {
      expected.add(id);
    }

    double limit = Math.min(scanLimit(s) + scanLimit(t), scanLimit(s) + scanLimit(t));
    row("%-58s %8s %8s %s", "method (" + rows + " rows, Parquet source vs Delta copy)", "seconds", "vs limit", "keys named");
    row("%-58s %8.1f %8s %s", "scan limit: count + hash sum of all columns, each side", limit, "1.00x", "-");
    ReconcileConfig hashesOnly = config(false);
    Timed equal = reconcile(spark, dir, s, t, hashesOnly, OptionalLong.empty());
    row("%-58s %8.1f %7.2fx %s", "reconcile, identical (counts + hashes)", equal.seconds, equal.seconds / limit,
        equal.report.differingRows() + " (" + equal.report.verdict() + ")");
    Timed first = reconcile(spark, dir, s, d, hashesOnly, OptionalLong.empty());
    row("%-58s %8.1f %7.2fx %s", "reconcile, 0.03% differ, first run (" + first.report.buckets() + " buckets, "
        + first.report.mismatchedBuckets() + " spoilt)", first.seconds, first.seconds / limit, check(keys(first.report), expected));
    Timed next = reconcile(spark, dir, s, d, hashesOnly, OptionalLong.of(first.report.differingRows()));
    row("%-58s %8.1f %7.2fx %s", "reconcile, 0.03% differ, next run (" + next.report.buckets() + " buckets, "
        + next.report.mismatchedBuckets() + " spoilt)", next.seconds, next.seconds / limit, check(keys(next.report), expected));
    Timed all = reconcile(spark, dir, s, d, config(true), OptionalLong.of(first.report.differingRows()));
    row("%-58s %8.1f %7.2fx %s", "reconcile, 0.03% differ, every check (+ keys, profiles)", all.seconds, all.seconds / limit,
        check(keys(all.report), expected));

    long start = System.nanoTime();
    Set<Long> except = new TreeSet<>();
    s.exceptAll(d).select("id").collectAsList().forEach(r -> except.add(r.getLong(0)));
    d.exceptAll(s).select("id").collectAsList().forEach(r -> except.add(r.getLong(0)));
    double exceptSeconds = seconds(start);
    row("%-58s %8.1f %7.2fx %s", "exceptAll both ways", exceptSeconds, exceptSeconds / limit, check(except, expected));

    start = System.nanoTime();
    Column differs = lit(false);
    for (String c : s.columns()) {
      if (!c.equals("id")) {
        differs = differs.or(s.col(c).eqNullSafe(d.col(c)).unary_$bang());
      }
    }
    Set<Long> joined = new TreeSet<>();
    s.join(d, s.col("id").equalTo(d.col("id")), "full_outer")
        .where(s.col("id").isNull().or(d.col("id").isNull()).or(differs))
        .select(org.apache.spark.sql.functions.coalesce(s.col("id"), d.col("id"))).collectAsList()
        .forEach(r -> joined.add(r.getLong(0)));
    double joinSeconds = seconds(start);
    row("%-58s %8.1f %7.2fx %s", "full outer join on the key, all columns compared", joinSeconds, joinSeconds / limit,
        check(joined, expected));
  }

  private static Dataset<Row> generate(SparkSession spark, long rows) {
    return spark.range(rows).selectExpr("id",
        "CONCAT('customer-', id % 100000) AS customer",
        "CAST((id % 100000) / 100 AS DECIMAL(12,2)) AS amount",
        "CAST(id % 17 AS INT) AS qty",
        "id * 0.37 AS price",
        "TIMESTAMP_SECONDS(1700000000 + id) AS created_at",
        "DATE_ADD(DATE'2024-01-01', CAST(id % 365 AS INT)) AS day",
        "CASE WHEN id % 7 = 0 THEN NULL ELSE CONCAT('note ', id) END AS note",
        "id % 2 = 0 AS flag");
  }

  private static double scanLimit(Dataset<Row> side) {
    long start = System.nanoTime();
    Column h = xxhash64(Arrays.stream(side.columns()).map(c -> col(c)).toArray(Column[]::new));
    side.select(h.as("h")).agg(count(lit(1)), sum(shiftrightunsigned(col("h"), 32)), sum(col("h").bitwiseAND(lit(0xFFFFFFFFL))))
        .collect();
    return seconds(start);
  }

  private record Timed(double seconds, ReconReport report) {}

  private static ReconcileConfig config(boolean everyCheck) {
    return new ReconcileConfig(true, everyCheck, everyCheck, true, List.of(), 0, 0, List.of(), 0, 0, false, false,
        OptionalInt.empty(), true, 10_000);
  }

  private static Timed reconcile(SparkSession spark, Path dir, Dataset<Row> source, Dataset<Row> target, ReconcileConfig config,
      OptionalLong previous) {
    CompareRules rules = CompareRules.exact(List.of("id"));
    ComparisonPlan plan = ComparisonPlan.of(source.schema(), target.schema(), rules);
    return reconcile(spark, dir, rules, plan, new SparkSide("source", source, Side.SOURCE, plan, rules), target, config,
        BucketSizing.choose(OptionalInt.empty(), target.count(), previous, 1));
  }

  private static Timed reconcile(SparkSession spark, Path dir, CompareRules rules, ComparisonPlan plan, SideStatistics source,
      Dataset<Row> target, ReconcileConfig config, int buckets) {
    long start = System.nanoTime();
    try (TableReconciler reconciler = new TableReconciler(spark)) {
      ReconReport report = reconciler.run(new ReconRequest("bench", "bench-" + System.nanoTime(), config, rules, plan, source,
          new SparkSide("target", target, Side.TARGET, plan, rules), buckets, "{}", 0));
      new ReconTables(spark, dir.resolve("recon").toString()).write(report, config.maxDiffs(), "bench");
      double seconds = seconds(start);
      Set<Long> named = new TreeSet<>();
      if (report.differences() != null) {
        report.differences().select(col("id")).collectAsList().forEach(r -> named.add(r.getLong(0)));
      }
      KEYS.put(report, named);
      return new Timed(seconds, report);
    }
  }

  private static final java.util.Map<ReconReport, Set<Long>> KEYS = new java.util.IdentityHashMap<>();

  private static Set<Long> keys(ReconReport report) {
    return KEYS.get(report);
  }

  private static String check(Set<Long> named, Set<Long> expected) {
    return named.size() + (named.equals(expected) ? " (all, exactly)" : " (DIFFERENT from the " + expected.size() + " expected)");
  }

  /**
   * The PostgreSQL part goes through the commands a user runs: {@code load} makes the Delta copy,
   * then {@code reconcile} (counts and hashes) runs with {@code reconcile.pushdown} false and true,
   * twice each in alternation (the faster counts), each reading one exported snapshot as the
   * product does. The bytes PostgreSQL sent are counted per run.
   */
  private static void postgres(Path dir, long rows) throws Exception {
    try (LocalPostgres pg = LocalPostgres.start(); CountingProxy proxy = new CountingProxy(pg.port())) {
      pg.createDatabase("bench");
      try (Connection c = pg.connect("bench"); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE orders (id int8 PRIMARY KEY, customer text, amount numeric(12,2), qty int4, price float8, "
            + "created_at timestamptz, day date, note text, flag bool)");
        s.execute("INSERT INTO orders SELECT g, 'customer-' || (g % 100000), ((g % 100000) / 100.0)::numeric(12,2), "
            + "(g % 17)::int, g * 0.37, to_timestamp(1700000000 + g), DATE '2024-01-01' + (g % 365)::int, "
            + "CASE WHEN g % 7 = 0 THEN NULL ELSE 'note ' || g END, g % 2 = 0 FROM generate_series(0, " + (rows - 1) + ") g");
        s.execute("ANALYZE orders");
      }
      String url = pg.jdbcUrl("bench").replace(":" + pg.port() + "/", ":" + proxy.port() + "/");
      Path pgDir = dir.resolve("pg-" + rows + "-" + System.nanoTime());
      Path config = Files.createDirectories(pgDir).resolve("pipeline.conf");
      Files.writeString(config, """
          trickle {
            warehouse = "%s"
            spark.conf { "spark.ui.enabled" = false }
            sources { pg { type = jdbc, url = "%s", user = "%s" } }
            tables { orders { source { ref = pg, table = public.orders }, keys = [id],
              reconcile { keys = false, profiles = false } } }
          }
          """.formatted(pgDir.resolve("lake"), url, LocalPostgres.USER));
      command("load", "-c", config.toString());
      row("");
      row("%-58s %8s %12s %s", "PostgreSQL, " + rows + " rows vs its Delta copy (counts + hashes)", "seconds", "bytes from PG",
          "exit");
      double[] seconds = {Double.MAX_VALUE, Double.MAX_VALUE};
      long[] bytes = new long[2];
      int[] exits = new int[2];
      for (int round = 0; round < 2; round++) {
        for (int pushdown = 0; pushdown < 2; pushdown++) {
          proxy.reset();
          long start = System.nanoTime();
          exits[pushdown] = command("reconcile", "-c", config.toString(), "-D",
              "trickle.tables.orders.reconcile.pushdown=" + (pushdown == 1));
          double took = seconds(start);
          if (took < seconds[pushdown]) {
            seconds[pushdown] = took;
            bytes[pushdown] = proxy.bytes();
          }
        }
      }
      row("%-58s %8.1f %12d %d", "reconcile without pushdown (Spark reads the snapshot)", seconds[0], bytes[0], exits[0]);
      row("%-58s %8.1f %12d %d", "reconcile with pushdown (one grouped query in PostgreSQL)", seconds[1], bytes[1], exits[1]);
    }
  }

  private static int command(String... args) {
    return Main.execute(args, System.out, new PrintStream(System.err, true, StandardCharsets.UTF_8), System.getenv());
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void row(String format, Object... args) {
    String line = String.format(Locale.ROOT, format, args);
    System.out.println(line);
    TABLE.add(line);
  }
}
