package dev.trickle.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;

/**
 * Where a command talks. Human lines go to stdout, or to stderr under {@code --json}, so that
 * stdout then carries exactly one JSON line for schedulers. Errors always go to stderr.
 */
public final class Console {
  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private final PrintStream out;
  private final PrintStream err;
  private final boolean json;

  public Console(PrintStream out, PrintStream err, boolean json) {
    this.out = out;
    this.err = err;
    this.json = json;
  }

  public boolean json() {
    return json;
  }

  /** A line for people: progress, summaries. */
  public void info(String line) {
    (json ? err : out).println(line);
    (json ? err : out).flush();
  }

  public void error(String line) {
    err.println(line);
    err.flush();
  }

  /** The one JSON summary line (only under {@code --json}). */
  public void summary(Object value) {
    if (json) {
      out.println(toJson(value));
      out.flush();
    }
  }

  public static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot render JSON: " + e.getMessage(), e);
    }
  }
}
