package dev.trickle.jobs.cli;

import dev.trickle.ExitCode;
import dev.trickle.config.TrickleConfig;
import dev.trickle.jobs.Console;
import dev.trickle.jobs.JobRunner;
import dev.trickle.jobs.LoadJob;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Bulk loads tables into Delta, resuming an unfinished load. */
@Command(name = "load", mixinStandardHelpOptions = true,
    description = {"Load tables into their Delta targets, chunk by chunk, from one snapshot of each source.",
        "Re-running resumes the unfinished load and skips finished chunks; --restart starts afresh.",
        "Example: trickle load -c conf/examples/postgres.conf --table orders"})
final class LoadCommand extends PipelineCommand {
  @Option(names = "--table", paramLabel = "T", description = "Load only this table (default: every table).")
  String table;

  @Option(names = "--restart", description = "Start a fresh load (new load id) and replace the target's contents.")
  boolean restart;

  @Override
  protected ExitCode execute(TrickleConfig config, Console console) {
    JobRunner.Outcome outcome = new JobRunner(config, console, Map.of(LoadJob.RESTART, restart))
        .run(new LoadJob(), Optional.ofNullable(table));
    return report(console, outcome);
  }
}
