package dev.trickle.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.state.DeltaLedger;
import dev.trickle.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Stdout carries trickle's own lines only: what a library prints goes to stderr. */
@ExtendWith(SharedSpark.class)
class StdoutTest {
  @TempDir
  Path dir;

  @Test
  void deltasVacuumLineGoesToStderrAndStdoutKeepsOnlyTrickles(SparkSession spark) {
    PrintStream realOut = System.out;
    PrintStream realErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      PrintStream trickle = Main.stdoutForTrickleOnly();
      DeltaLedger ledger = new DeltaLedger(spark, dir.toString(), "runs",
          new StructType().add("run_id", DataTypes.StringType, false));
      ledger.append(List.of(RowFactory.create("r1")));
      ledger.maintain(); // Delta's VACUUM prints "Deleted N files and directories ..." with println
      trickle.println("{\"exit_code\":0}");
    } finally {
      System.setOut(realOut);
      System.setErr(realErr);
    }
    assertEquals("{\"exit_code\":0}" + System.lineSeparator(), out.toString(StandardCharsets.UTF_8));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("Deleted 0 files"), err.toString(StandardCharsets.UTF_8));
  }
}
