package dev.trickle.jobs.cli;

import dev.trickle.ExitCode;
import dev.trickle.config.TrickleConfig;
import dev.trickle.jobs.Console;
import dev.trickle.jobs.JobRunner;
import dev.trickle.jobs.ReconcileJob;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Reconciles each table's target with its source and writes the recon tables. */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
    description = {"Prove, table by table, that each target holds what its source held at the last synced position: "
        + "row counts, key distribution, column profiles and hash reconciliation naming every missing, extra and "
        + "changed row. Results go to the recon tables (recon_runs, recon_partitions, recon_keys, recon_columns, "
        + "recon_diffs) under trickle.recon-dir.",
        "Exit 0 when every table is within tolerance, 1 when one is not, 3 when a side cannot be read.",
        "Example: trickle reconcile -c conf/demo.conf --table orders"})
final class ReconcileCommand extends PipelineCommand {
  @Option(names = "--table", paramLabel = "T", description = "Reconcile only this table (default: every table).")
  String table;

  @Override
  protected ExitCode execute(TrickleConfig config, Console console) {
    JobRunner.Outcome outcome = new JobRunner(config, console, Map.of()).run(new ReconcileJob(), Optional.ofNullable(table));
    return report(console, outcome);
  }
}
