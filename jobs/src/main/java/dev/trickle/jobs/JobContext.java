package dev.trickle.jobs;

import dev.trickle.config.Redactor;
import dev.trickle.config.TrickleConfig;
import dev.trickle.state.RunLedger;
import dev.trickle.state.TableLocks;
import org.apache.spark.sql.SparkSession;

/**
 * What a running command has at hand.
 *
 * @param run the command's entry in the runs ledger
 * @param options command-specific switches (e.g. {@code --restart}); jobs read theirs by name
 */
public record JobContext(
    TrickleConfig config,
    SparkSession spark,
    Redactor redactor,
    Console console,
    RunLedger.Run run,
    TableLocks locks,
    java.util.Map<String, Object> options) {

  public boolean flag(String name) {
    return Boolean.TRUE.equals(options.get(name));
  }
}
