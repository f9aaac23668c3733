package dev.trickle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.ExitCode;
import dev.trickle.TrickleException;
import dev.trickle.config.ConfigLoader;
import dev.trickle.config.Secret;
import dev.trickle.config.TrickleConfig;
import dev.trickle.demo.DemoShop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo stops at a step whose exit code is not the one it expects, with that step named; the
 * config it leaves behind works without anything exported.
 */
class DemoStepsTest {
  private static JobRunner.Outcome outcome(ExitCode exit) {
    return new JobRunner.Outcome(exit, "run-1", List.of());
  }

  @Test
  void theExpectedExitCodeLetsTheDemoGoOn() {
    JobRunner.Outcome mismatch = outcome(ExitCode.DIFFERENCES);
    assertSame(mismatch, Demo.expect(mismatch, ExitCode.DIFFERENCES, "reconcile of the tampered table"));
  }

  @Test
  void aStepThatFailsStopsTheDemoWithItsOwnExitCode() {
    TrickleException e = assertThrows(TrickleException.class,
        () -> Demo.expect(outcome(ExitCode.BAD_INPUT), ExitCode.OK, "sync"));
    assertEquals(ExitCode.BAD_INPUT, e.exitCode());
    assertEquals("Cannot finish the demo: sync ended with exit 2 where 0 was expected (run run-1). See the lines above.",
        e.getMessage());
  }

  @Test
  void aMatchWhereTheTamperShouldShowIsARunFailure() {
    TrickleException e = assertThrows(TrickleException.class,
        () -> Demo.expect(outcome(ExitCode.OK), ExitCode.DIFFERENCES, "reconcile of the tampered table"));
    assertEquals(ExitCode.RUN_FAILED, e.exitCode(), "a clean verdict on a tampered table is the demo failing: exit 3");
  }

  @Test
  void theConfigTheDemoLeavesBehindKeepsItsMadeUpMaskSalt(@TempDir Path dir) throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:5432/shop";
    Path config = Demo.writeConfigFiles(dir, url, Map.of());
    Path secrets = dir.resolve(DemoShop.SECRETS);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets)));
    String salt = ConfigLoader.load(config, Map.of(), Map.of()).maskSalt().map(Secret::reveal).orElseThrow();
    assertTrue(Files.readString(secrets).contains(salt) && salt.length() >= 32, "the file's salt, read without any variable");
    assertEquals(salt, ConfigLoader.load(config, Map.of(), Map.of()).maskSalt().map(Secret::reveal).orElseThrow(),
        "every later command masks with the same salt");

    Path exported = Files.createDirectory(dir.resolve("exported"));
    TrickleConfig withVariable = ConfigLoader.load(Demo.writeConfigFiles(exported, url, Map.of("TRICKLE_MASK_SALT", "mine")),
        Map.of(), Map.of("TRICKLE_MASK_SALT", "mine"));
    assertEquals("mine", withVariable.maskSalt().map(Secret::reveal).orElseThrow());
    assertFalse(Files.exists(exported.resolve(DemoShop.SECRETS)), "an exported salt is never written to disk");
  }
}
