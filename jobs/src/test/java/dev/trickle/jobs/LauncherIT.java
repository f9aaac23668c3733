package dev.trickle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/trickle in local mode, as a user runs it: the shaded jar, conf/jvm.options, conf/application.conf. */
class LauncherIT {

  @Test
  void runsCommandsInProcessWithTheSiteDefaults(@TempDir Path dir) throws Exception {
    Path conf = Files.writeString(dir.resolve("p.conf"), """
        trickle {
          warehouse = "%s/lake"
          sources { pg { type = jdbc, url = "jdbc:postgresql://127.0.0.1:1/x", password = ${?PG_PASSWORD} } }
          tables { t { source { ref = pg, table = public.t }, keys = [id] } }
        }
        """.formatted(dir));
    ScriptRun validate = ScriptRun.of(Map.of("PG_PASSWORD", "hunter22"), 300, "scripts/trickle", "validate", "-c", conf.toString());
    assertEquals(0, validate.exitCode(), validate.toString());
    assertTrue(validate.out().contains("\"spark.sql.shuffle.partitions\"=16"), "conf/application.conf is layered: " + validate.out());
    assertFalse((validate.out() + validate.err()).contains("hunter22"));

    ScriptRun sql = ScriptRun.of(Map.of(), 300, "scripts/trickle", "sql", "-c", conf.toString(), "--json",
        "-e", "SELECT current_timezone() AS tz, 6 * 7 AS answer");
    assertEquals(0, sql.exitCode(), sql.toString());
    assertEquals("{\"command\":\"sql\",\"exit_code\":0,\"columns\":[\"tz\",\"answer\"],\"rows\":[[\"UTC\",42]]}", sql.out().strip());

    ScriptRun bad = ScriptRun.of(Map.of(), 300, "scripts/trickle", "validate", "-c", dir.resolve("missing.conf").toString());
    assertEquals(2, bad.exitCode(), bad.toString());
  }
}
