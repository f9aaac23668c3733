package dev.trickle.jobs.bench;

import dev.trickle.config.ConfigLoader;
import dev.trickle.config.TrickleConfig;
import dev.trickle.demo.LocalPostgres;
import dev.trickle.jobs.Console;
import dev.trickle.jobs.JobRunner;
import dev.trickle.jobs.LoadJob;
import dev.trickle.source.Sources;
import dev.trickle.spark.SparkSessions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.postgresql.PGConnection;

/**
 * The load benchmark behind {@code scripts/bench-load.sh}: on generated data, side by side in one
 * run, (1) trickle's Parquet to Delta load against a plain Spark Parquet to Parquet copy of the
 * same files, and (2) trickle's PostgreSQL to Delta load against PostgreSQL's own
 * {@code COPY (SELECT ...) TO STDOUT (FORMAT binary)} into a null sink. Each side runs twice in
 * alternation and the faster run counts, so warm-up and a busy moment do not decide the ratio.
 */
public final class LoadBench {
  private final Path work;
  private final SparkSession spark;
  private final List<String> report = new ArrayList<>();

  private LoadBench(Path work, SparkSession spark) {
    this.work = work;
    this.spark = spark;
  }

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args.length > 0 ? args[0] : "bench-work").toAbsolutePath();
    long parquetRows = args.length > 1 ? Long.parseLong(args[1]) : 5_000_000L;
    long pgRows = args.length > 2 ? Long.parseLong(args[2]) : 5_000_000L;
    deleteTree(work);
    Files.createDirectories(work);
    TrickleConfig sessionConfig = config(work, "pg", "jdbc:postgresql://127.0.0.1:1/none", "t", "source { ref = drops, path = src }");
    LoadBench bench = new LoadBench(work, SparkSessions.getOrCreate(sessionConfig));
    bench.parquet(parquetRows);
    if (pgRows > 0) { // 0 skips the PostgreSQL half
      bench.postgres(pgRows);
    }
    System.out.println();
    System.out.println("== bench-load results (" + Runtime.getRuntime().availableProcessors() + " cores, load average "
        + String.format(Locale.ROOT, "%.1f", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
        + " at the end) ==");
    bench.report.forEach(System.out::println);
  }

  private void parquet(long rows) throws IOException {
    String source = work.resolve("drops/src").toString();
    long t0 = System.nanoTime();
    spark.range(0, rows, 1, 10).selectExpr(
            "id",
            "id * 7919 % 1000003 AS customer_id",
            "CAST(id % 100000 / 100.0 AS decimal(12,2)) AS amount",
            "timestamp_micros(1700000000000000 + id * 1000) AS created_at",
            "element_at(array('new', 'paid', 'shipped', 'returned'), CAST(id % 4 + 1 AS int)) AS status",
            "concat('note ', CAST(id % 1000 AS string)) AS note",
            "date_add(DATE'2024-01-01', CAST(id % 365 AS int)) AS day")
        .write().parquet(source);
    System.out.printf(Locale.ROOT, "generated %,d rows of Parquet in %.1fs%n", rows, secs(t0));
    double copy = Double.MAX_VALUE;
    double load = Double.MAX_VALUE;
    double keyStatsLoad = Double.MAX_VALUE;
    for (int round = 1; round <= 2; round++) {
      String out = work.resolve("copy").toString();
      long c0 = System.nanoTime();
      spark.read().parquet(source).write().mode("overwrite").parquet(out);
      copy = Math.min(copy, secs(c0));
      System.out.printf(Locale.ROOT, "round %d: plain Spark Parquet->Parquet copy %.1fs%n", round, secs(c0));

      double loaded = timedLoad(
          config(work, "pg", "jdbc:postgresql://127.0.0.1:1/none", "t", "source { ref = drops, path = src }"), "t");
      load = Math.min(load, loaded);
      System.out.printf(Locale.ROOT, "round %d: trickle load Parquet->Delta %.1fs%n", round, loaded);

      // Delta's per-file statistics of every column cost about half a plain copy here; limited to
      // the key (what sync's file skipping uses), a user trades analysts' data skipping for speed.
      double keyOnly = timedLoad(config(work, "pg", "jdbc:postgresql://127.0.0.1:1/none", "tk",
          "source { ref = drops, path = src }, target.properties { \"delta.dataSkippingStatsColumns\" = id }"), "tk");
      keyStatsLoad = Math.min(keyStatsLoad, keyOnly);
      System.out.printf(Locale.ROOT, "round %d: trickle load Parquet->Delta, statistics on the key only %.1fs%n", round, keyOnly);
    }
    report.add(String.format(Locale.ROOT, "Parquet->Delta load %.1fs vs plain Parquet->Parquet copy %.1fs: %.2fx (goal <= 1.15x), %,d rows",
        load, copy, load / copy, rows));
    report.add(String.format(Locale.ROOT, "  the same load with file statistics on the key only (target.properties "
        + "delta.dataSkippingStatsColumns = id) %.1fs: %.2fx", keyStatsLoad, keyStatsLoad / copy));
  }

  private void postgres(long rows) throws Exception {
    try (LocalPostgres pg = LocalPostgres.start(work.resolve("postgres"))) {
      pg.createDatabase("bench");
      long t0 = System.nanoTime();
      try (Connection c = pg.connect("bench"); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, amount numeric(12,2), "
            + "created_at timestamptz, status text, note text, day date)");
        s.execute("INSERT INTO orders SELECT g, g::bigint * 7919 % 1000003, (g % 100000) / 100.0, "
            + "TIMESTAMPTZ '2024-01-01 00:00:00+00' + g * INTERVAL '1 millisecond', "
            + "(ARRAY['new','paid','shipped','returned'])[1 + g % 4], 'note ' || (g % 1000), DATE '2024-01-01' + (g % 365)::int "
            + "FROM generate_series(1, " + rows + ") g");
        s.execute("VACUUM ANALYZE orders");
      }
      System.out.printf(Locale.ROOT, "generated %,d PostgreSQL rows in %.1fs%n", rows, secs(t0));
      double copy = Double.MAX_VALUE;
      double load = Double.MAX_VALUE;
      for (int round = 1; round <= 2; round++) {
        long c0 = System.nanoTime();
        long copied;
        try (Connection c = pg.connect("bench")) {
          copied = c.unwrap(PGConnection.class).getCopyAPI()
              .copyOut("COPY (SELECT * FROM orders) TO STDOUT (FORMAT binary)", OutputStream.nullOutputStream());
        }
        copy = Math.min(copy, secs(c0));
        System.out.printf(Locale.ROOT, "round %d: COPY binary to a null sink %.1fs (%,d rows)%n", round, secs(c0), copied);

        double loaded = timedLoad(config(work, "pg", pg.jdbcUrl("bench"), "t2", "source { ref = pg, table = public.orders }"), "t2");
        load = Math.min(load, loaded);
        System.out.printf(Locale.ROOT, "round %d: trickle load PostgreSQL->Delta %.1fs%n", round, loaded);
      }
      report.add(String.format(Locale.ROOT,
          "PostgreSQL->Delta load %,.0f rows/s vs COPY binary to a null sink %,.0f rows/s: %.2fx (goal >= 0.8x), %,d rows",
          rows / load, rows / copy, copy / load, rows));
      readersAlone(pg, rows, copy);
    }
  }

  /**
   * The two PostgreSQL readers alone, each into Spark's noop sink over the load's key ranges: what
   * COPY decoding changed, apart from the Parquet encoding and Delta commits a load adds.
   */
  private void readersAlone(LocalPostgres pg, long rows, double nullSink) throws IOException {
    double copyReader = Double.MAX_VALUE;
    double jdbcReader = Double.MAX_VALUE;
    for (int round = 1; round <= 2; round++) {
      copyReader = Math.min(copyReader, timedRead(pg, true));
      jdbcReader = Math.min(jdbcReader, timedRead(pg, false));
      System.out.printf(Locale.ROOT, "round %d: read into a noop sink, COPY reader %.1fs, Spark's JDBC reader %.1fs%n", round,
          copyReader, jdbcReader);
    }
    report.add(String.format(Locale.ROOT, "  the readers alone (noop sink): COPY reader %,.0f rows/s (%.2fx the null sink), "
        + "Spark's JDBC reader %,.0f rows/s (%.2fx)", rows / copyReader, nullSink / copyReader, rows / jdbcReader,
        nullSink / jdbcReader));
  }

  private double timedRead(LocalPostgres pg, boolean copy) throws IOException {
    TrickleConfig config = config(work, "pg", pg.jdbcUrl("bench"), "r",
        "source { ref = pg, table = public.orders }", "trickle.sources.pg.copy = " + copy);
    long start = System.nanoTime();
    Sources.open(spark, config, config.tables().get("r")).read().write().format("noop").mode("overwrite").save();
    return secs(start);
  }

  private static TrickleConfig config(Path work, String pgName, String url, String table, String source) throws IOException {
    return config(work, pgName, url, table, source, "");
  }

  private static TrickleConfig config(Path work, String pgName, String url, String table, String source, String more)
      throws IOException {
    Path file = Files.writeString(work.resolve("bench.conf"), """
        trickle {
          warehouse = "%1$s/lake"
          sources {
            drops { type = parquet, path = "%1$s/drops" }
            %2$s { type = jdbc, url = "%3$s", user = postgres }
          }
          tables { %4$s { %5$s, keys = [id] } }
        }
        %6$s
        """.formatted(work, pgName, url, table, source, more));
    // Under the site defaults a local scripts/trickle run uses (TRICKLE_DEFAULTS, set by bench-load.sh).
    return ConfigLoader.load(file, Map.of(), System.getenv());
  }

  /** Seconds a fresh load ({@code --restart}) of {@code table} takes. */
  private static double timedLoad(TrickleConfig config, String table) {
    long start = System.nanoTime();
    expectOk(new JobRunner(config, quiet(), Map.of(LoadJob.RESTART, true)).run(new LoadJob(), Optional.of(table)));
    return secs(start);
  }

  private static void expectOk(JobRunner.Outcome outcome) {
    if (outcome.exit().code() != 0) {
      throw new IllegalStateException("load failed: " + outcome.tables());
    }
  }

  private static Console quiet() {
    PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
    return new Console(System.out, nowhere, false);
  }

  private static double secs(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static void deleteTree(Path root) throws IOException {
    if (Files.exists(root)) {
      try (var paths = Files.walk(root)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
