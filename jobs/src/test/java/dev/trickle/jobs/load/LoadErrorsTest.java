package dev.trickle.jobs.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.demo.LocalPostgres;
import dev.trickle.jobs.cli.CliRun;
import dev.trickle.testing.SharedPostgres;
import dev.trickle.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every input a load checks before writing: each fails with exit 2 (or 3 when the source cannot
 * be reached), a one-line message naming what to fix, and nothing written.
 */
@ExtendWith({SharedSpark.class, SharedPostgres.class})
class LoadErrorsTest {
  private PgFixture f;

  @BeforeEach
  void database(LocalPostgres pg, @TempDir Path dir) {
    f = PgFixture.create(pg, dir);
    f.sql("CREATE TABLE items (id int PRIMARY KEY, doc jsonb, email text, updated_at timestamptz)",
        "INSERT INTO items SELECT g, '{}', 'e' || g, now() FROM generate_series(1, 100) g");
  }

  private CliRun load(String table, String... extra) {
    Path file = f.config("t { " + table + " }");
    String[] args = new String[3 + extra.length];
    args[0] = "load";
    args[1] = "-c";
    args[2] = file.toString();
    System.arraycopy(extra, 0, args, 3, extra.length);
    return CliRun.of(Map.of("TRICKLE_MASK_SALT", "salt-xyz"), args);
  }

  private void assertRejected(CliRun run, int exit, String message) {
    assertEquals(exit, run.exitCode(), run.toString());
    assertTrue(run.err().contains(message), "expected '" + message + "' in\n" + run.err());
    assertFalse(Files.exists(Path.of(f.target("t"))), "the target was not created");
    assertFalse(Files.exists(Path.of(f.stateDir(), "runs")), "no run was recorded");
  }

  @Test
  void aMissingSourceTableIsNamed() {
    assertRejected(load("source { ref = pg, table = public.nope }, keys = [id]"), 2,
        "Cannot read source table pg:public.nope: ERROR: relation \"public.nope\" does not exist");
  }

  @Test
  void aSplitColumnThatIsNotInTheSource() {
    assertRejected(load("source { ref = pg, table = public.items }, keys = [id], load.split-by = nope"), 2,
        "trickle.tables.t.load.split-by: 'nope' is not a source column");
  }

  @Test
  void aSplitColumnThatCannotBeCut() {
    assertRejected(load("source { ref = pg, table = public.items }, keys = [id], load.split-by = doc"), 2,
        "Cannot load table t: its split column 'doc' has type jsonb, which cannot be cut into key ranges. "
            + "Set trickle.tables.t.load.split-by to a column of type integer");
  }

  @Test
  void aMaskedSplitColumnWouldLeakIntoPredicates() {
    assertRejected(load("source { ref = pg, table = public.items }, keys = [email], columns.mask { email = sha256 }"), 2,
        "Cannot load table t: its split column 'email' is masked");
  }

  @Test
  void aWatermarkColumnThatIsNotInTheSource() {
    assertRejected(load("source { ref = pg, table = public.items }, keys = [id], sync.watermark-column = changed"), 2,
        "Cannot load table t: 'changed' is not a source column. Fix trickle.tables.t.sync.watermark-column");
  }

  @Test
  void anUnreachableSourceFailsTheRun() {
    Path file = f.config("user = postgres", "t { source { ref = pg, table = public.items }, keys = [id] }", "")
        .getParent().resolve("unreachable.conf");
    try {
      Files.writeString(file, Files.readString(f.dir().resolve("pipeline.conf")).replace(f.url(), "jdbc:postgresql://127.0.0.1:1/x"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    CliRun run = CliRun.of("load", "-c", file.toString());
    assertRejected(run, 3, "Cannot connect to source pg at jdbc:postgresql://127.0.0.1:1/x: Connection to 127.0.0.1:1 refused");
  }

  @Test
  void aTargetHoldingOtherDataIsNotOverwritten(SparkSession spark) {
    spark.range(5).write().format("delta").save(f.target("t"));
    CliRun run = load("source { ref = pg, table = public.items }, keys = [id]");
    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().contains("Cannot load table t into " + f.target("t") + ": its columns struct<id:bigint> differ from"),
        run.err());
    assertEquals(5, spark.read().format("delta").load(f.target("t")).count());
  }

  @Test
  void aTargetWithOtherRowsNeedsRestart(SparkSession spark) {
    CliRun first = load("source { ref = pg, table = public.items }, keys = [id], columns.exclude = [doc]");
    assertEquals(0, first.exitCode(), first.toString());
    spark.read().format("delta").load(f.target("t")).write().format("delta").save(f.lake().resolve("copy").toString());

    CliRun foreign = CliRun.of("load", "-c", f.config("t { source { ref = pg, table = public.items }, keys = [id], "
        + "columns.exclude = [doc], target.path = \"" + f.lake().resolve("copy") + "\" }").toString());
    assertEquals(2, foreign.exitCode(), foreign.toString());
    assertTrue(foreign.err().contains("it already holds data that no trickle load of this table wrote. Pass --restart"),
        foreign.err());

    CliRun changed = load("source { ref = pg, table = public.items }, keys = [id]");
    assertEquals(2, changed.exitCode(), changed.toString());
    assertTrue(changed.err().contains("differ from the mapped source's"), changed.err());
    CliRun restarted = load("source { ref = pg, table = public.items }, keys = [id]", "--restart");
    assertEquals(0, restarted.exitCode(), restarted.toString());
    assertEquals(4, spark.read().format("delta").load(f.target("t")).columns().length, "the new mapping's columns");
  }
}
