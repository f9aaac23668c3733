package dev.trickle.jobs.cli;

import dev.trickle.ExitCode;
import dev.trickle.config.TableConfig;
import dev.trickle.config.TrickleConfig;
import dev.trickle.jobs.Console;
import dev.trickle.jobs.TableStatus;
import dev.trickle.spark.SparkSessions;
import dev.trickle.state.SyncLedger;
import dev.trickle.state.TableLocks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Where each table stands; reads only. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Per table: phase, last load, last batch (rows inserted/updated/deleted), the synced source position "
        + "against the source's current one (lag), the last reconcile verdict and the lock holder. Writes nothing.",
        "Example: trickle status -c conf/pipeline.conf --json"})
final class StatusCommand extends PipelineCommand {
  private static final String[] COLUMNS = {"table", "mode", "phase", "last load", "last batch", "in/up/del", "lag",
      "reconcile", "lock"};

  @Option(names = "--table", paramLabel = "T", description = "Only this table (default: every table).")
  String table;

  @Override
  protected ExitCode execute(TrickleConfig config, Console console) {
    List<TableConfig> tables = config.selectTables(Optional.ofNullable(table));
    SparkSession spark = SparkSessions.getOrCreate(config);
    TableLocks locks = new TableLocks(config.stateDir(), config.lock().staleAfter(), config.lock().heartbeat());
    List<TableStatus> statuses = new ArrayList<>();
    List<Row> lines = new ArrayList<>();
    for (TableConfig t : tables) {
      TableStatus s = TableStatus.of(spark, config, t, locks);
      statuses.add(s);
      lines.add(RowFactory.create(s.table(), s.mode(), s.phase(),
          s.lastLoad().map(l -> l.getAs("status") + " " + l.getAs("finished_at")).orElse("-"),
          s.lastBatch().map(StatusCommand::batch).orElse("-"),
          s.lastBatch().map(b -> b.inserted() + "/" + b.updated() + "/" + b.deleted()).orElse("-"),
          s.lag(), s.reconcile(), s.lock()));
    }
    console.info(TextTable.render(COLUMNS, lines));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "status");
    json.put("exit_code", 0);
    json.put("tables", statuses.stream().map(TableStatus::toJson).toList());
    console.summary(json);
    return ExitCode.OK;
  }

  private static String batch(SyncLedger.Batch b) {
    return b.batchId() + " " + b.status() + (b.finishedAt() == null ? "" : " " + b.finishedAt());
  }
}
