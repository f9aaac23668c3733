package dev.trickle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped artifact on a real Spark standalone cluster: scripts/local-cluster.sh starts a master
 * and two workers from the Maven jars, and scripts/trickle submits the shaded jar with --master.
 * Executors must find the delta and iceberg data sources inside the shaded jar.
 */
class ClusterIT {
  /** Under target/, not a JUnit temp dir: SPARK_HOME/jars is a folder of symlinks into ~/.m2. */
  static final Path dir = Path.of("target", "cluster-it").toAbsolutePath();
  static String master;

  @BeforeAll
  static void startCluster() throws Exception {
    deleteRecursively(dir);
    Files.createDirectories(dir);
    int port = freePort();
    master = "spark://127.0.0.1:" + port;
    ScriptRun start = ScriptRun.of(Map.of(), 180, "scripts/local-cluster.sh", "start",
        "--dir", dir.resolve("cluster").toString(), "--port", String.valueOf(port),
        "--ui-port", String.valueOf(freePort()), "--workers", "2", "--worker-memory", "1g");
    assertEquals(0, start.exitCode(), start.toString());
  }

  @AfterAll
  static void stopCluster() throws Exception {
    ScriptRun.of(Map.of(), 60, "scripts/local-cluster.sh", "stop", "--dir", dir.resolve("cluster").toString());
  }

  @Test
  void shadedJarWritesDeltaAndReadsIcebergOnExecutors() throws Exception {
    Path conf = Files.writeString(dir.resolve("cluster.conf"), """
        trickle {
          warehouse = "%1$s/lake"
          sources { ice { type = iceberg, warehouse = "%1$s/ice" } }
          tables { t { source { ref = ice, table = "db.t" }, keys = [id] } }
        }
        """.formatted(dir));
    String delta = dir.resolve("d").toString();
    submit(conf, "CREATE TABLE delta.`" + delta + "` USING delta AS SELECT id, id % 7 AS g FROM range(1000)");
    submit(conf, "CREATE TABLE ice.db.t USING iceberg AS SELECT * FROM delta.`" + delta + "`");
    JsonNode result = submit(conf, "SELECT count(*) AS n, sum(g) AS s FROM ice.db.t");
    assertEquals(1000, result.get("rows").get(0).get(0).asLong());
    assertEquals(2997, result.get("rows").get(0).get(1).asLong());
    assertTrue(executorsRanOnBothWorkers(), "every worker launched executors for the applications");
  }

  private static JsonNode submit(Path conf, String sql) throws Exception {
    ScriptRun run = ScriptRun.of(Map.of("TRICKLE_SUBMIT_ARGS", "--conf spark.executor.memory=512m"), 600,
        "scripts/trickle", "sql", "-c", conf.toString(), "--master", master, "--json", "-e", sql);
    assertEquals(0, run.exitCode(), run.toString());
    return new ObjectMapper().readTree(run.out().strip().lines().reduce((a, b) -> b).orElseThrow());
  }

  private static boolean executorsRanOnBothWorkers() throws IOException {
    for (int worker = 1; worker <= 2; worker++) {
      try (Stream<Path> apps = Files.list(dir.resolve("cluster").resolve("work-" + worker))) {
        if (apps.noneMatch(p -> p.getFileName().toString().startsWith("app-"))) {
          return false;
        }
      }
    }
    return true;
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
