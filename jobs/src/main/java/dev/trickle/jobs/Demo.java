package dev.trickle.jobs;

import dev.trickle.ExitCode;
import dev.trickle.TrickleException;
import dev.trickle.config.ConfigLoader;
import dev.trickle.config.SyncMode;
import dev.trickle.config.TableConfig;
import dev.trickle.config.TrickleConfig;
import dev.trickle.demo.DemoCdc;
import dev.trickle.demo.DemoChanges;
import dev.trickle.demo.DemoShop;
import dev.trickle.demo.LocalPostgres;
import dev.trickle.spark.SparkSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
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
  private static final List<String> OWNED = List.of("postgres", "sources", "lake", DemoShop.SECRETS);

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
  private JobRunner.Outcome sync;
  private JobRunner.Outcome tampered;
  private final List<JobRunner.Outcome> reconciles = new ArrayList<>();
  /** The table the demo damages on purpose: a file source, so it can be reconciled after the demo. */
  static final String TAMPERED = "events";

  public Demo(Path workdir, int rows, Map<String, String> env, Console console) {
    this.workdir = workdir.toAbsolutePath().normalize();
    this.rows = rows;
    this.env = env;
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
        new Step("write a Delta table with its change data feed on (products)", Demo::writeDelta),
        new Step("load every table into Delta", Demo::loadAll),
        new Step("show what was loaded", Demo::summarise),
        new Step("reconcile every table with its source", d -> d.reconcileAll("after the load")),
        new Step("change every source", Demo::changeSources),
        new Step("sync: one incremental batch per table", Demo::syncAll),
        new Step("reconcile every table again", d -> d.reconcileAll("after the sync")),
        new Step("tamper with the events target on purpose, and reconcile it", Demo::tamperAndReconcile),
        new Step("what to run next", Demo::whatNext));
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
      return ExitCode.OK;
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

  /** The pipeline demo.conf holds (after the step that writes it). */
  public TrickleConfig config() {
    return config;
  }

  public JobRunner.Outcome loadOutcome() {
    return load;
  }

  public JobRunner.Outcome syncOutcome() {
    return sync;
  }

  /** The reconciles after the load and after the sync. */
  public List<JobRunner.Outcome> reconcileOutcomes() {
    return List.copyOf(reconciles);
  }

  public JobRunner.Outcome tamperedOutcome() {
    return tampered;
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
    configFile = writeConfigFiles(workdir, postgres.jdbcUrl(DemoShop.DATABASE), env);
    config = ConfigLoader.load(configFile, Map.of(), env);
    spark = SparkSessions.getOrCreate(config);
  }

  private void writeParquet() {
    DemoShop.writeParquet(spark, workdir.resolve("sources/parquet/events"), rows);
  }

  private void writeIceberg() {
    DemoShop.writeIceberg(spark, "lake_ice", rows);
  }

  private void writeDelta() {
    DemoShop.writeProducts(spark, workdir.resolve("sources/delta/products"));
  }

  private void loadAll() {
    load = expect(new JobRunner(config, console, Map.of()).run(new LoadJob(), Optional.empty()), ExitCode.OK, "load");
  }

  private void reconcileAll(String when) {
    JobRunner.Outcome outcome = expect(reconcile(Optional.empty()), ExitCode.OK, "reconcile " + when);
    reconciles.add(outcome);
    console.info("All " + outcome.tables().size() + " tables MATCH their sources " + when + " (run " + outcome.runId() + ").");
  }

  private JobRunner.Outcome reconcile(Optional<String> table) {
    return new JobRunner(config, console, Map.of()).run(new ReconcileJob(), table);
  }

  /** Every table's source changes; PostgreSQL's changes are also written out as Debezium events for the cdc tables. */
  private void changeSources() {
    List<String> cdcTables = config.tables().values().stream().filter(t -> t.sync().mode() == SyncMode.CDC)
        .map(TableConfig::name).toList();
    for (String name : cdcTables) {
      DemoCdc.capture(postgres, config.tables().get(name).source().table().orElseThrow());
    }
    console.info("  " + DemoChanges.changeShop(postgres));
    for (String name : cdcTables) {
      TableConfig table = config.tables().get(name);
      Path file = Path.of(table.sync().cdcPath().orElseThrow()).resolve("events-0001.json");
      int events = DemoCdc.export(postgres, table.source().table().orElseThrow(), file);
      console.info("  Debezium events for " + name + " (sync.mode = cdc): " + events + " in " + file
          + " (written by a trigger in PostgreSQL, so they describe exactly the changes above)");
    }
    console.info("  " + DemoChanges.changeStock(spark, "lake_ice"));
    console.info("  " + DemoChanges.changeEvents(spark, workdir.resolve("sources/parquet/events"), rows));
    console.info("  " + DemoChanges.changeProducts(spark, workdir.resolve("sources/delta/products")));
  }

  private void syncAll() {
    sync = expect(new JobRunner(config, console, Map.of()).run(new SyncJob(), Optional.empty()), ExitCode.OK, "sync");
    console.info("Each line above is one batch: its mode, the rows it inserted, updated and deleted, and the target's "
        + "new Delta version. The batches are in sync_batches.");
  }

  private void tamperAndReconcile() {
    TableConfig events = config.tables().get(TAMPERED);
    List<String> statements = DemoTamper.statements(spark, events);
    console.info("Changing the target " + events.target().describe() + " behind trickle's back:");
    statements.forEach(sql -> console.info("  " + sql));
    DemoTamper.apply(spark, statements);
    tampered = expect(reconcile(Optional.of(TAMPERED)), ExitCode.DIFFERENCES, "reconcile of the tampered table");
    console.info("That MISMATCH is expected (the demo made it). Its diff rows in recon_diffs:");
    DemoTamper.diffLines(spark, config, tampered.runId(), TAMPERED).forEach(console::info);
    console.info("Query them yourself:");
    console.info("  scripts/trickle sql -c " + relative(configFile) + " -e \""
        + DemoTamper.diffQuery(tampered.runId(), TAMPERED) + "\"");
    console.info("or open the notebooks in notebooks/ on the recon tables under " + config.reconDir() + ".");
  }

  private void whatNext() {
    String conf = relative(configFile);
    console.info("The demo is done. Its outcome: load OK, reconcile MATCH, sync OK, reconcile MATCH, and the "
        + "deliberate MISMATCH on " + TAMPERED + " (so it exits 0).");
    console.info("Everything stays under " + workdir + ". Try:");
    console.info("  scripts/trickle status -c " + conf);
    console.info("  scripts/trickle sql -c " + conf + " -e \"SELECT table_name, batch_id, mode, rows_inserted, "
        + "rows_updated, rows_deleted, target_version FROM sync_batches\"");
    console.info("  scripts/trickle sql -c " + conf + " -e \"SELECT table_name, verdict, source_rows, missing_rows, "
        + "extra_rows, changed_rows FROM recon_runs ORDER BY started_at\"");
    console.info("  scripts/trickle reconcile -c " + conf + " --table " + TAMPERED + "   (file sources work without the demo running)");
    console.info("PostgreSQL stops now; for commands on its tables (reconcile, sync, plan), run the demo with "
        + "--keep-running and use -c " + conf + " meanwhile.");
  }

  /** The outcome, if its exit code is the expected one; otherwise the demo stops there. */
  static JobRunner.Outcome expect(JobRunner.Outcome outcome, ExitCode expected, String what) {
    if (outcome.exit() != expected) {
      throw new TrickleException(outcome.exit() == ExitCode.OK ? ExitCode.RUN_FAILED : outcome.exit(),
          "Cannot finish the demo: " + what + " ended with exit " + outcome.exit().code() + " where "
              + expected.code() + " was expected (run " + outcome.runId() + "). See the lines above.");
    }
    return outcome;
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
  }

  private String relative(Path path) {
    Path here = Path.of("").toAbsolutePath();
    return path.startsWith(here) ? here.relativize(path).toString() : path.toString();
  }

  private static final String MASK_SALT = "TRICKLE_MASK_SALT";

  /**
   * Writes demo.conf and, unless TRICKLE_MASK_SALT is set, the salt the demo makes up for its
   * sha256 masks into a file demo.conf includes: commands run on demo.conf after the demo then
   * mask as its load did, with nothing to export.
   */
  static Path writeConfigFiles(Path workdir, String jdbcUrl, Map<String, String> env) throws IOException {
    boolean madeUpSalt = !env.containsKey(MASK_SALT);
    if (madeUpSalt) {
      writeSecret(workdir.resolve(DemoShop.SECRETS), "trickle.mask-salt = \"" + UUID.randomUUID() + "\"\n");
    }
    return Files.writeString(workdir.resolve("demo.conf"), DemoShop.config(workdir, jdbcUrl, madeUpSalt), StandardCharsets.UTF_8);
  }

  /**
   * A file only its owner may read, where the file system knows owners: the salt is made up for
   * the demo, but a salt is a secret all the same.
   */
  private static void writeSecret(Path file, String text) throws IOException {
    Files.deleteIfExists(file);
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
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
