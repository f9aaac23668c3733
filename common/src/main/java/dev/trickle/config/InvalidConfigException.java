package dev.trickle.config;

import dev.trickle.ExitCode;
import dev.trickle.TrickleException;
import java.util.List;
import java.util.stream.Collectors;

/** Every problem found in a config, reported together; maps to exit 2. */
public final class InvalidConfigException extends TrickleException {
  private static final long serialVersionUID = 1L;
  private final transient List<ConfigProblem> problems;

  public InvalidConfigException(String origin, List<ConfigProblem> problems) {
    super(ExitCode.BAD_INPUT, render(origin, problems));
    this.problems = List.copyOf(problems);
  }

  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String render(String origin, List<ConfigProblem> problems) {
    String header = "Cannot use config " + origin + ": " + problems.size()
        + (problems.size() == 1 ? " problem" : " problems") + ". Fix each key below.";
    return problems.stream()
        .map(p -> "  " + p)
        .collect(Collectors.joining(System.lineSeparator(), header + System.lineSeparator(), ""));
  }
}
