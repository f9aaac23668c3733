package dev.trickle.jobs.cli;

import dev.trickle.ExitCode;
import dev.trickle.TrickleException;
import dev.trickle.config.TrickleConfig;
import dev.trickle.jobs.Console;
import dev.trickle.jobs.JobRunner;
import dev.trickle.jobs.TableResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * A command over a pipeline config: loads and validates it, runs, and turns the outcome or the
 * failure into an exit code, a readable message and (with --json) one JSON line.
 */
abstract class PipelineCommand implements Callable<Integer> {
  @Mixin PipelineOptions options;
  @ParentCommand Main main;

  /** Runs the command on a valid config; returns its exit code. */
  protected abstract ExitCode execute(TrickleConfig config, Console console);

  protected String name() {
    return getClass().getAnnotation(picocli.CommandLine.Command.class).name();
  }

  @Override
  public Integer call() {
    Console console = new Console(main.out, main.err, options.json);
    try {
      TrickleConfig config = options.load(main.env);
      return execute(config, console).code();
    } catch (TrickleException e) {
      return fail(console, e.exitCode(), e.getMessage());
    }
  }

  int fail(Console console, ExitCode exit, String message) {
    console.error(message);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", name());
    json.put("exit_code", exit.code());
    json.put("error", message);
    console.summary(json);
    return exit.code();
  }

  /** Prints the JSON summary of a table-by-table outcome and returns its exit code. */
  ExitCode report(Console console, JobRunner.Outcome outcome) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", name());
    json.put("run_id", outcome.runId());
    json.put("exit_code", outcome.exit().code());
    json.put("tables", tablesJson(outcome.tables()));
    console.summary(json);
    return outcome.exit();
  }

  private static List<Map<String, Object>> tablesJson(List<TableResult> results) {
    return results.stream().map(r -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("table", r.table());
      m.put("exit_code", r.exit().code());
      m.putAll(r.details());
      return m;
    }).toList();
  }
}
