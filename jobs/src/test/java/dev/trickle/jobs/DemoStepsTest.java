package dev.trickle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trickle.ExitCode;
import dev.trickle.TrickleException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo stops at a step whose exit code is not the one it expects, with that step named. */
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
}
