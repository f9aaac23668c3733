package dev.trickle.jobs.cli;

import dev.trickle.ExitCode;
import dev.trickle.config.TrickleConfig;
import dev.trickle.jobs.Console;
import dev.trickle.jobs.JobRunner;
import dev.trickle.jobs.SyncJob;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One incremental batch per table. */
@Command(name = "sync", mixinStandardHelpOptions = true,
    description = {"Apply one incremental batch per table: only what changed at the source since the last batch "
        + "(or the load), inserts, updates and deletes, exactly once. A no-op when nothing changed.",
        "Example: trickle sync -c conf/pipeline.conf --table orders --json"})
final class SyncCommand extends PipelineCommand {
  @Option(names = "--table", paramLabel = "T", description = "Sync only this table (default: every table).")
  String table;

  @Override
  protected ExitCode execute(TrickleConfig config, Console console) {
    JobRunner.Outcome outcome = new JobRunner(config, console, Map.of()).run(new SyncJob(), Optional.ofNullable(table));
    return report(console, outcome);
  }
}
