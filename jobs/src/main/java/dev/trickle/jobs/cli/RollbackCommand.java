package dev.trickle.jobs.cli;

import dev.trickle.ExitCode;
import dev.trickle.config.TrickleConfig;
import dev.trickle.jobs.Console;
import dev.trickle.jobs.JobRunner;
import dev.trickle.jobs.RollbackJob;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Restores a table's target to its state after a batch. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
    description = {"Restore a table's target to its state after batch N (Delta RESTORE); the next sync starts "
        + "from batch N's source position and applies the undone changes again.",
        "Example: trickle rollback -c conf/pipeline.conf --table orders --to-batch 41"})
final class RollbackCommand extends PipelineCommand {
  @Option(names = "--table", required = true, paramLabel = "T", description = "The table to roll back.")
  String table;

  @Option(names = "--to-batch", required = true, paramLabel = "N", description = "The batch whose state to restore.")
  long toBatch;

  @Override
  protected ExitCode execute(TrickleConfig config, Console console) {
    JobRunner.Outcome outcome = new JobRunner(config, console, Map.of()).run(new RollbackJob(toBatch), Optional.of(table));
    return report(console, outcome);
  }
}
