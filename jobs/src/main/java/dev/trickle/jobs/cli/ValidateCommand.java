package dev.trickle.jobs.cli;

import dev.trickle.ExitCode;
import dev.trickle.config.ConfigRenderer;
import dev.trickle.config.TrickleConfig;
import dev.trickle.jobs.Console;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/** Checks a pipeline config without starting Spark and prints it resolved, secrets masked. */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = "Check a pipeline config and print it resolved (secrets masked), or every problem with its key path.")
final class ValidateCommand extends PipelineCommand {
  @Override
  protected ExitCode execute(TrickleConfig config, Console console) {
    console.info(ConfigRenderer.render(config));
    console.info("Config " + config.origin() + " is valid: " + config.tables().size() + " table(s), "
        + config.sources().size() + " source(s).");
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "validate");
    json.put("exit_code", 0);
    json.put("tables", config.tables().keySet());
    json.put("config_hash", ConfigRenderer.hash(config));
    console.summary(json);
    return ExitCode.OK;
  }
}
