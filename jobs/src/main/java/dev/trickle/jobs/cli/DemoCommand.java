package dev.trickle.jobs.cli;

import dev.trickle.ExitCode;
import dev.trickle.TrickleException;
import dev.trickle.jobs.Console;
import dev.trickle.jobs.Demo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** The embedded demo: load, reconcile, change, sync, reconcile and a deliberate mismatch, nothing to install. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run trickle end to end on an embedded PostgreSQL and sample Parquet, Iceberg and Delta sources:",
        "load everything into Delta under the work dir, reconcile, change every source, sync, reconcile",
        "again, then damage one target on purpose and show the MISMATCH reconcile finds. Exits 0 when",
        "every step did what the demo expects (the MISMATCH included).",
        "Example: trickle demo --workdir /tmp/trickle-demo --rows 5000"})
final class DemoCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Option(names = "--workdir", paramLabel = "DIR", defaultValue = "demo-work",
      description = "Folder for the database, the sources, the Delta tables and demo.conf (default: ${DEFAULT-VALUE}).")
  Path workdir;

  @Option(names = "--rows", paramLabel = "N", defaultValue = "20000",
      description = "Orders in the sample shop; the other tables scale with it (default: ${DEFAULT-VALUE}).")
  int rows;

  @Option(names = "--keep-running", description = "Keep PostgreSQL running after the last step, until Enter is pressed.")
  boolean keepRunning;

  @Override
  public Integer call() {
    Console console = new Console(main.out, main.err, false);
    if (rows < 100 || rows > 10_000_000) {
      console.error("Cannot run the demo: --rows " + rows + " is out of range. Use 100 to 10000000.");
      return ExitCode.BAD_INPUT.code();
    }
    Demo demo = new Demo(workdir, rows, main.env, console);
    try {
      return demo.run(() -> {
        if (keepRunning) {
          console.info("PostgreSQL keeps running. In another terminal, try:");
          console.info("  scripts/trickle reconcile -c " + demo.configFile());
          console.info("  scripts/trickle plan -c " + demo.configFile() + " --table orders");
          console.info("Press Enter to stop it.");
          waitForEnter();
        }
      }).code();
    } catch (TrickleException e) {
      console.error(e.getMessage());
      return e.exitCode().code();
    }
  }

  private static void waitForEnter() {
    try {
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    } catch (IOException ignored) {
      // stdin closed: stop as if Enter was pressed
    }
  }
}
