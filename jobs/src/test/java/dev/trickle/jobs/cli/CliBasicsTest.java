package dev.trickle.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI contract without Spark work: help, usage errors, validate and its exit codes. */
class CliBasicsTest {
  private static final String CONFIG = """
      trickle {
        warehouse = "%s"
        sources { pg { type = jdbc, url = "jdbc:postgresql://127.0.0.1:1/x", password = ${?PG_PASSWORD} } }
        tables { orders { source { ref = pg, table = public.orders }, keys = [id] } }
      }
      """;

  @Test
  void everyCommandHasHelp() {
    CommandLine cli = new CommandLine(new Main(System.out, System.err, Map.of()));
    for (String command : cli.getSubcommands().keySet()) {
      if (command.equals("help")) {
        continue;
      }
      CliRun run = CliRun.of(command, "--help");
      assertEquals(0, run.exitCode(), command + ": " + run);
      assertTrue(run.out().contains("Usage: trickle " + command), command + ": " + run);
    }
  }

  @Test
  void usageErrorsExit2() {
    CliRun missing = CliRun.of("validate");
    assertEquals(2, missing.exitCode(), missing.toString());
    assertTrue(missing.err().contains("Missing required option: '--config=FILE'"), missing.toString());
    assertEquals(2, CliRun.of("frobnicate").exitCode());
    assertEquals(2, CliRun.of("validate", "-c", "x.conf", "--bogus").exitCode());
  }

  @Test
  void validatePrintsTheConfigWithSecretsMasked(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("p.conf"), CONFIG.formatted(dir));
    CliRun run = CliRun.of(Map.of("PG_PASSWORD", "hunter22"), "validate", "-c", file.toString());
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("password=\"****\""), run.out());
    assertFalse((run.out() + run.err()).contains("hunter22"));
  }

  @Test
  void validateReportsEveryProblemAndExits2(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("p.conf"), CONFIG.formatted(dir)
        + "trickle.tables.orders.keys = []\ntrickle.tables.orders.load.chunks = many\n");
    CliRun run = CliRun.of("validate", "-c", file.toString());
    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().contains("trickle.tables.orders.keys: is empty"), run.err());
    assertTrue(run.err().contains("trickle.tables.orders.load.chunks: expected auto"), run.err());
    assertTrue(run.err().startsWith("Cannot use config"), run.err());
  }

  @Test
  void jsonModePrintsExactlyOneJsonLineOnStdout(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("p.conf"), CONFIG.formatted(dir));
    CliRun ok = CliRun.of("validate", "-c", file.toString(), "--json");
    assertEquals(0, ok.exitCode(), ok.toString());
    JsonNode json = new ObjectMapper().readTree(ok.out());
    assertEquals(1, ok.out().strip().lines().count(), ok.out());
    assertEquals(0, json.get("exit_code").asInt());
    assertEquals("orders", json.get("tables").get(0).asText());

    CliRun bad = CliRun.of("validate", "-c", dir.resolve("missing.conf").toString(), "--json");
    assertEquals(2, bad.exitCode());
    assertEquals(2, new ObjectMapper().readTree(bad.out()).get("exit_code").asInt());
  }

  @Test
  void overridesApplyFromTheCommandLine(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("p.conf"), CONFIG.formatted(dir));
    CliRun run = CliRun.of("validate", "-c", file.toString(), "-D", "trickle.tables.orders.load.chunks=7");
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("chunks=7"), run.out());
  }

  @Test
  void launcherAndTestJvmFlagsMatchSparksOwn() throws Exception {
    List<String> expected = Arrays.asList(JavaModuleOptions.defaultModuleOptionArray());
    List<String> launcher = Files.readAllLines(Path.of("..", "conf", "jvm.options")).stream()
        .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    assertEquals(expected, launcher, "conf/jvm.options must list Spark's module options");
    String pom = Files.readString(Path.of("..", "pom.xml"));
    for (String flag : expected) {
      assertTrue(pom.contains(flag), "pom.xml spark.jvm.flags lacks " + flag);
    }
  }
}
