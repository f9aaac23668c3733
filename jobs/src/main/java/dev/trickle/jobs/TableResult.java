package dev.trickle.jobs;

import dev.trickle.ExitCode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a command did to one table.
 *
 * @param table the table's name
 * @param exit the table's outcome as an exit code
 * @param summary one line for people
 * @param details named figures for the JSON summary and tests
 */
public record TableResult(String table, ExitCode exit, String summary, Map<String, Object> details) {
  public TableResult {
    details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  public static TableResult ok(String table, String summary, Map<String, Object> details) {
    return new TableResult(table, ExitCode.OK, summary, details);
  }

  public static TableResult failed(String table, ExitCode exit, String message) {
    return new TableResult(table, exit, message, Map.of("error", message));
  }
}
