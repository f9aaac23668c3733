package dev.trickle.jobs.cli;

import dev.trickle.ExitCode;
import dev.trickle.config.TrickleConfig;
import dev.trickle.jobs.Console;
import dev.trickle.jobs.JobRunner;
import dev.trickle.jobs.PlanJob;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Shows the chunks a load would run. */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = {"Show the chunks a load would run (predicates and estimated rows), without moving data.",
        "For a table with an unfinished load, shows that load's recorded chunks and which are done.",
        "Example: trickle plan -c conf/examples/postgres.conf --table orders --json"})
final class PlanCommand extends PipelineCommand {
  @Option(names = "--table", paramLabel = "T", description = "Plan only this table (default: every table).")
  String table;

  @Override
  protected ExitCode execute(TrickleConfig config, Console console) {
    JobRunner.Outcome outcome = new JobRunner(config, console, Map.of()).run(new PlanJob(), Optional.ofNullable(table));
    return report(console, outcome);
  }
}
