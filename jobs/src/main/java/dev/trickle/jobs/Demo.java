package dev.trickle.jobs;

import dev.trickle.ExitCode;
import dev.trickle.config.ConfigLoader;
import dev.trickle.config.TableConfig;
import dev.trickle.config.TrickleConfig;
import dev.trickle.demo.DemoShop;
import dev.trickle.demo.LocalPostgres;
import dev.trickle.spark.SparkSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * The embedded demo as a list of named steps, each a small method over the demo's state: later
 * issues add sync and reconcile steps to {@link #steps()}. It needs nothing but Java: PostgreSQL
 * runs from the embedded binaries, with its data under the work dir, and stops at the end.
 */
public final class Demo {
  /** Subfolders of the work dir the demo owns (and wipes when it starts again). */
  private static final List<String> OWNED = List.of("postgres", "sources", "lake");

  /** One step: a name for the progress line and what it does. */
  public record Step(String name, StepBody body) {}

  @FunctionalInterface
  public interface StepBody {
    void run(Demo demo) throws Exception;
  }

  private final Path workdir;
  private final int rows;
  private final Map<String, String> env;
  private final Console console;
  private LocalPostgres postgres;
  private TrickleConfig config;
  private Path configFile;
  private SparkSession spark;
  private JobRunner.Outcome load;

  public Demo(Path workdir, int rows, Map<String, String> env, Console console) {
    this.workdir = workdir.toAbsolutePath().normalize();
    this.rows = rows;
    this.env = withMaskSalt(env);
    this.console = console;
  }

  /** The steps, in order. */
  public List<Step> steps() {
    return List.of(
        new Step("prepare the work dir " + workdir, Demo::prepareWorkdir),
        new Step("start an embedded PostgreSQL", Demo::startPostgres),
        new Step("create the sample shop in PostgreSQL (customers, orders, order_items)", Demo::createShop),
        new Step("write the pipeline config demo.conf", Demo::writeConfig),
        new Step("write a Hive-partitioned Parquet folder (events)", Demo::writeParquet),
        new Step("write an Iceberg table (inventory.stock)", Demo::writeIceberg),
        new Step("load every table into Delta", Demo::loadAll),
        new Step("show what was loaded", Demo::summarise));
  }

  /** Runs every step, then {@code whileUp} (with the database still running), then stops the database. */
  public ExitCode run(Runnable whileUp) {
    List<Step> steps = steps();
    try {
      for (int i = 0; i < steps.size(); i++) {
        Step step = steps.get(i);
        long start = System.nanoTime();
        console.info(String.format(Locale.ROOT, "demo [%d/%d] %s ...", i + 1, steps.size(), step.name()));
        step.body().run(this);
        console.info(String.format(Locale.ROOT, "demo [%d/%d] done in %.1fs", i + 1, steps.size(), (System.nanoTime() - start) / 1e9));
      }
      whileUp.run();
      return load == null ? ExitCode.OK : load.exit();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e.getMessage(), e);
    } finally {
      if (postgres != null) {
        postgres.close();
        console.info("demo: stopped the embedded PostgreSQL");
      }
    }
  }

  public Path configFile() {
    return configFile;
  }

  public JobRunner.Outcome loadOutcome() {
    return load;
  }

  private void prepareWorkdir() throws IOException {
    Files.createDirectories(workdir);
    for (String owned : OWNED) {
      deleteTree(workdir.resolve(owned));
    }
  }

  private void startPostgres() {
    postgres = LocalPostgres.start(workdir.resolve("postgres"));
    console.info("demo: PostgreSQL listens on 127.0.0.1:" + postgres.port() + ", data in " + workdir.resolve("postgres"));
  }

  private void createShop() {
    DemoShop.createDatabase(postgres, rows);
  }

  private void writeConfig() throws IOException {
    configFile = workdir.resolve("demo.conf");
    Files.writeString(configFile, DemoShop.config(workdir, postgres.jdbcUrl(DemoShop.DATABASE)), StandardCharsets.UTF_8);
    config = ConfigLoader.load(configFile, Map.of(), env);
    spark = SparkSessions.getOrCreate(config);
  }

  private void writeParquet() {
    DemoShop.writeParquet(spark, workdir.resolve("sources/parquet/events"), rows);
  }

  private void writeIceberg() {
    DemoShop.writeIceberg(spark, "lake_ice", rows);
  }

  private void loadAll() {
    load = new JobRunner(config, console, Map.of()).run(new LoadJob(), Optional.empty());
  }

  private void summarise() {
    console.info("");
    console.info("Loaded into Delta under " + config.warehouse() + ":");
    for (TableResult result : load.tables()) {
      TableConfig table = config.tables().get(result.table());
      console.info(String.format(Locale.ROOT, "  %-12s %-8s %,9d rows  %2s chunk(s)  from %-24s -> %s", result.table(),
          result.exit() == ExitCode.OK ? "loaded" : "FAILED", ((Number) result.details().getOrDefault("rows", 0L)).longValue(),
          result.details().getOrDefault("chunks", "-"), table.source().describe(), table.target().describe()));
    }
    String conf = relative(configFile);
    console.info("");
    console.info("Ledgers (runs, loads, load_chunks, source_files) are under " + config.stateDir() + ". Query everything with:");
    console.info("  scripts/trickle sql -c " + conf + " -e \"SELECT status, count(*), sum(amount) FROM orders GROUP BY status\"");
    console.info("  scripts/trickle sql -c " + conf + " -e \"SELECT table_name, chunk_id, rows, predicate FROM load_chunks WHERE status = 'DONE'\"");
    console.info("The sources stay in " + workdir.resolve("sources") + "; PostgreSQL stops now. To run commands against it (plan, "
        + "load --restart), start the demo with --keep-running and use -c " + conf + ".");
  }

  private String relative(Path path) {
    Path here = Path.of("").toAbsolutePath();
    return path.startsWith(here) ? here.relativize(path).toString() : path.toString();
  }

  /** Masks need a salt; the demo makes one up for this run unless TRICKLE_MASK_SALT is set. */
  private static Map<String, String> withMaskSalt(Map<String, String> env) {
    Map<String, String> out = new HashMap<>(env);
    out.putIfAbsent("TRICKLE_MASK_SALT", UUID.randomUUID().toString());
    return out;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
      for (Path p : all) {
        Files.delete(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
