package dev.trickle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.ExitCode;
import dev.trickle.state.RunLedger;
import dev.trickle.testing.SharedSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Each table's runs row is completed in the background, and all of them before the command returns. */
@ExtendWith(SharedSpark.class)
class RunOutcomesTest {

  @Test
  void everyTablesRowIsCompletedWhenTheOutcomesClose(SparkSession spark, @TempDir Path dir) {
    RunLedger ledger = new RunLedger(spark, dir.toString());
    RunLedger.Run run = RunLedger.Run.start("sync", "hash");
    ledger.started(run, List.of("a", "b", "c"));
    try (RunOutcomes outcomes = new RunOutcomes(spark, ledger, run)) {
      outcomes.record("a", ExitCode.OK, null);
      outcomes.record("b", ExitCode.RUN_FAILED, "Cannot sync table b: the source is gone.");
      outcomes.record("c", ExitCode.DIFFERENCES, null);
    }
    Map<String, Row> rows = ledger.ledger().read().where("run_id = '" + run.runId() + "'").collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getAs("table_name"), r -> r));
    assertEquals("SUCCEEDED", rows.get("a").getAs("status"));
    assertEquals(3, (int) rows.get("b").getAs("exit_code"));
    assertEquals("FAILED", rows.get("b").getAs("status"));
    assertEquals("Cannot sync table b: the source is gone.", rows.get("b").getAs("error"));
    assertEquals("MISMATCH", rows.get("c").getAs("status"));
    assertNull(rows.get("a").getAs("error"));
    rows.values().forEach(r -> assertNotNull(r.getAs("finished_at"), "finished: " + r));
  }

  @Test
  void aRowThatCannotBeWrittenFailsTheCommandOnceTheOthersAreDone(SparkSession spark, @TempDir Path dir) {
    RunLedger ledger = new RunLedger(spark, dir.resolve("never-created").toString());
    RunLedger.Run run = RunLedger.Run.start("load", "hash");
    RunOutcomes outcomes = new RunOutcomes(spark, ledger, run);
    outcomes.record("a", ExitCode.OK, null); // no runs table to update: the started rows were never written
    RuntimeException e = assertThrows(RuntimeException.class, outcomes::close);
    assertTrue(String.valueOf(e.getMessage()).contains("never-created"), e.getMessage());
  }
}
