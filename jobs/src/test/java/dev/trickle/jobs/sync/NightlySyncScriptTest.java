package dev.trickle.jobs.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/nightly-sync.sh's own logic: sync first, reconcile only after a clean sync, the exit
 * code passed on. The launcher it calls is replaced (TRICKLE) by one that records its calls and
 * exits as told, since the script's contract is the order and the exit codes, not Spark work.
 */
class NightlySyncScriptTest {
  private static int run(Path dir, int syncExit, int reconcileExit) throws Exception {
    Path launcher = dir.resolve("launcher.sh");
    Files.writeString(launcher, """
        #!/usr/bin/env bash
        echo "$*" >> "%s/calls"
        [[ "$1" == sync ]] && exit %d
        exit %d
        """.formatted(dir, syncExit, reconcileExit));
    launcher.toFile().setExecutable(true);
    ProcessBuilder pb = new ProcessBuilder("bash", Path.of("..", "scripts", "nightly-sync.sh").toString(),
        "-c", "p.conf", "--json").redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile());
    pb.environment().putAll(Map.of("TRICKLE", launcher.toString()));
    return pb.start().waitFor();
  }

  @Test
  void reconcileRunsAfterACleanSyncAndItsExitCodeIsPassedOn(@TempDir Path dir) throws Exception {
    assertEquals(1, run(dir, 0, 1));
    assertEquals(List.of("sync -c p.conf --json", "reconcile -c p.conf --json"), Files.readAllLines(dir.resolve("calls")));
  }

  @Test
  void aFailedOrLockedSyncSkipsReconcileAndPassesItsCode(@TempDir Path dir) throws Exception {
    assertEquals(4, run(dir, 4, 0));
    assertEquals(List.of("sync -c p.conf --json"), Files.readAllLines(dir.resolve("calls")));
  }
}
