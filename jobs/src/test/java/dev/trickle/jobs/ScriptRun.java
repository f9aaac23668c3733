package dev.trickle.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A run of one of the project's scripts as a child process, the way a user or scheduler runs it. */
public record ScriptRun(int exitCode, String out, String err) {
  /** The repository root (tests run in the module folder). */
  public static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  public static ScriptRun of(Map<String, String> env, long timeoutSeconds, String script, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve(script).toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile("script", ".out");
    Path err = Files.createTempFile("script", ".err");
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError(script + " did not finish within " + timeoutSeconds + "s; stderr:\n"
          + Files.readString(err, StandardCharsets.UTF_8));
    }
    return new ScriptRun(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
  }
}
