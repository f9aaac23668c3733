package dev.trickle.jobs.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.trickle.config.ConfigLoader;
import dev.trickle.config.SourceKind;
import dev.trickle.config.TableConfig;
import dev.trickle.config.TrickleConfig;
import dev.trickle.jobs.cli.CliRun;
import dev.trickle.source.ParquetListing;
import dev.trickle.source.Source;
import dev.trickle.source.SourcePosition;
import dev.trickle.source.SourceSnapshot;
import dev.trickle.source.Sources;
import dev.trickle.state.LoadLedger;
import dev.trickle.state.SourceFilesLedger;
import dev.trickle.state.SyncLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A pipeline in a temp folder, a target created the way a load creates it (the source's snapshot
 * mapped and written as Delta with the table's properties, and a DONE {@code loads} row with the
 * snapshot's position; Parquet listings recorded in {@code source_files}), CLI runs, and an
 * independent comparison of target and source.
 */
final class SyncFixture {
  final SparkSession spark;
  final Path dir;
  final Path configFile;

  SyncFixture(SparkSession spark, Path dir, String hocon) {
    this.spark = spark;
    this.dir = dir;
    try {
      this.configFile = Files.writeString(dir.resolve("pipeline.conf"), hocon.replace("$DIR", dir.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  TrickleConfig config() {
    return ConfigLoader.load(configFile, Map.of(), Map.of());
  }

  TableConfig table(String name) {
    return config().tables().get(name);
  }

  String target(String table) {
    return table(table).target().path().orElseThrow();
  }

  /** Loads the table as the load job would: snapshot, map, write, record. */
  void load(String tableName) {
    TrickleConfig config = config();
    TableConfig table = config.tables().get(tableName);
    Source source = Sources.open(spark, config, table);
    String loadId = UUID.randomUUID().toString();
    try (SourceSnapshot snapshot = source.snapshot()) {
      Dataset<Row> rows = Sources.mapping(config, table).apply(snapshot.read());
      DataFrameWriter<Row> writer = rows.write().format("delta").mode("overwrite");
      for (Map.Entry<String, String> p : table.target().properties().entrySet()) {
        writer = writer.option(p.getKey(), p.getValue());
      }
      if (!table.target().partitionBy().isEmpty()) {
        writer = writer.partitionBy(table.target().partitionBy().toArray(String[]::new));
      }
      writer.save(target(tableName));
      recordLoad(config, table, loadId, snapshot.position());
    }
    if (config.sourceOf(table).kind() == SourceKind.PARQUET) {
      new SourceFilesLedger(spark, config.stateDir()).record(tableName, SourceFilesLedger.forLoad(loadId),
          ParquetListing.of(spark, table.source().path().orElseThrow()));
    }
  }

  /** A DONE loads row, as the load job writes it. */
  void recordLoad(TrickleConfig config, TableConfig table, String loadId, SourcePosition position) {
    LoadLedger loads = new LoadLedger(spark, config.stateDir());
    loads.started(table.name(), loadId, "run-" + loadId, position, 1, Instant.now(), Optional.empty(), null);
    loads.finished(table.name(), loadId, "run-" + loadId, "DONE", 0L, 0L, null);
  }

  CliRun cli(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = args[0];
    all[1] = "-c";
    all[2] = configFile.toString();
    System.arraycopy(args, 1, all, 3, args.length - 1);
    return CliRun.of(all);
  }

  /** Runs sync --json for one table and returns its table entry, asserting the exit code. */
  JsonNode sync(String table, int expectedExit) {
    return json(cli("sync", "--table", table, "--json"), expectedExit);
  }

  /** The first table entry of a --json run (or the whole summary), asserting the exit code. */
  JsonNode json(CliRun run, int expectedExit) {
    assertEquals(expectedExit, run.exitCode(), run.toString());
    try {
      JsonNode json = new ObjectMapper().readTree(run.out());
      return json.has("tables") ? json.get("tables").get(0) : json;
    } catch (IOException e) {
      throw new UncheckedIOException(run.toString(), e);
    }
  }

  List<SyncLedger.Batch> batches(String table) {
    return new SyncLedger(spark, config().stateDir()).batches(table);
  }

  Dataset<Row> targetRows(String table) {
    return spark.read().format("delta").load(target(table));
  }

  long targetVersion(String table) {
    return io.delta.tables.DeltaTable.forPath(spark, target(table)).history(1).head().getLong(0);
  }

  /** Both ways with exceptAll on the given columns: equal as multisets, duplicates included. */
  static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual, String... columns) {
    Dataset<Row> e = expected.selectExpr(columns);
    Dataset<Row> a = actual.selectExpr(columns);
    List<Row> missing = e.exceptAll(a).collectAsList();
    List<Row> extra = a.exceptAll(e).collectAsList();
    assertEquals(List.of(), missing, "rows missing in the target");
    assertEquals(List.of(), extra, "rows extra in the target");
  }
}
