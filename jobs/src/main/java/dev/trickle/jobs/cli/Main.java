package dev.trickle.jobs.cli;

import dev.trickle.ExitCode;
import java.io.PrintStream;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command-line entry point; the only place that exits the JVM. */
@Command(name = "trickle", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Move tables into Delta Lake a little at a time, and prove the copy is right.",
    subcommands = {DemoCommand.class, ValidateCommand.class, PlanCommand.class, LoadCommand.class, SyncCommand.class,
        ReconcileCommand.class, RollbackCommand.class, StatusCommand.class, SqlCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  final PrintStream out;
  final PrintStream err;
  final Map<String, String> env;

  Main(PrintStream out, PrintStream err, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.env = env;
  }

  public static void main(String[] args) {
    PrintStream stdout = stdoutForTrickleOnly();
    int code = execute(args, stdout, System.err, System.getenv());
    System.exit(code);
  }

  /**
   * Points {@code System.out} at stderr and returns the process's real stdout, for trickle's own
   * output: libraries print there too (Delta's VACUUM prints what it deleted), and a scheduler
   * reading {@code --json} must find one line on stdout and nothing else.
   */
  static PrintStream stdoutForTrickleOnly() {
    PrintStream stdout = System.out;
    System.setOut(System.err);
    return stdout;
  }

  /** Runs one command and returns its exit code (tests call this instead of main). */
  public static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    CommandLine cli = new CommandLine(new Main(out, err, env));
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    applyExitCodes(cli);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      err.println("Cannot run " + line.getCommandName() + ": " + dev.trickle.Throwables.rootMessage(e)
          + ". Finished work is kept; run again, or set TRICKLE_DEBUG=1 for the stack trace.");
      if (env.containsKey("TRICKLE_DEBUG")) {
        e.printStackTrace(err);
      }
      return ExitCode.RUN_FAILED.code();
    });
    return cli.execute(args);
  }

  /** Usage errors exit 2 and unexpected failures 3, on every subcommand. */
  private static void applyExitCodes(CommandLine cli) {
    cli.getCommandSpec().exitCodeOnInvalidInput(ExitCode.BAD_INPUT.code());
    cli.getCommandSpec().exitCodeOnExecutionException(ExitCode.RUN_FAILED.code());
    cli.getSubcommands().values().forEach(Main::applyExitCodes);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"trickle " + (version == null ? "(development build)" : version)};
    }
  }
}
