package dev.trickle.state;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.trickle.ExitCode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code runs} ledger: a row per command and table, written RUNNING when the command starts
 * and completed when it ends, so a run that died shows as RUNNING with no finish.
 */
public final class RunLedger {
  public static final String TABLE = "runs";
  public static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("command", DataTypes.StringType, false)
      .add("table_name", DataTypes.StringType, true)
      .add("status", DataTypes.StringType, false)
      .add("exit_code", DataTypes.IntegerType, true)
      .add("started_at", DataTypes.TimestampType, false)
      .add("finished_at", DataTypes.TimestampType, true)
      .add("error", DataTypes.StringType, true)
      .add("config_hash", DataTypes.StringType, true)
      .add("user", DataTypes.StringType, true)
      .add("host", DataTypes.StringType, true);

  /** A command invocation, shared by all the tables it works on. */
  public record Run(String runId, String command, Instant startedAt, String configHash, String user, String host) {
    public static Run start(String command, String configHash) {
      return new Run(UUID.randomUUID().toString(), command, Instant.now(), configHash,
          System.getProperty("user.name"), hostName());
    }
  }

  private final DeltaLedger ledger;

  public RunLedger(SparkSession spark, String stateDir) {
    this.ledger = new DeltaLedger(spark, stateDir, TABLE, SCHEMA);
  }

  public DeltaLedger ledger() {
    return ledger;
  }

  /** Records RUNNING rows: one per table, or one without a table for table-less commands. */
  public void started(Run run, List<String> tables) {
    List<Row> rows = new ArrayList<>();
    for (String table : tables.isEmpty() ? java.util.Collections.<String>singletonList(null) : tables) {
      rows.add(RowFactory.create(run.runId(), run.command(), table, "RUNNING", null,
          Timestamp.from(run.startedAt()), null, null, run.configHash(), run.user(), run.host()));
    }
    ledger.append(rows);
  }

  /** Completes the row of one table (or of the table-less run). {@code error} must be redacted already. */
  public void finished(Run run, Optional<String> table, ExitCode exit, String error) {
    Column match = col("run_id").equalTo(run.runId())
        .and(table.map(t -> col("table_name").equalTo(t)).orElse(col("table_name").isNull()));
    ledger.update(match, Map.of(
        "status", lit(statusOf(exit)),
        "exit_code", lit(exit.code()),
        "finished_at", lit(Timestamp.from(Instant.now())),
        "error", error == null ? lit(null).cast(DataTypes.StringType) : lit(error)));
  }

  /** The status word analysts filter on, derived from the exit code. */
  public static String statusOf(ExitCode exit) {
    return switch (exit) {
      case OK -> "SUCCEEDED";
      case DIFFERENCES -> "MISMATCH";
      case BAD_INPUT -> "BAD_INPUT";
      case RUN_FAILED -> "FAILED";
      case LOCKED -> "LOCKED";
    };
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
