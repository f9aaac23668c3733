package dev.trickle.jobs.bench;

import dev.trickle.config.ConfigLoader;
import dev.trickle.config.TrickleConfig;
import dev.trickle.spark.SparkSessions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * A benchmark's pipeline file in its work dir, loaded under the site defaults scripts/trickle runs
 * with (TRICKLE_DEFAULTS, set by the bench scripts), and the session it configures: the benchmark
 * runs as a user's local run does.
 *
 * @param file the pipeline file written
 */
record BenchPipeline(Path file, TrickleConfig config, SparkSession spark) {

  /** Writes {@code hocon} ({@code %1$s} stands for {@code dir}) to {@code dir/bench.conf} and opens its session. */
  static BenchPipeline open(Path dir, String hocon) throws IOException {
    Path file = Files.createDirectories(dir).resolve("bench.conf");
    Files.writeString(file, hocon.formatted(dir), StandardCharsets.UTF_8);
    TrickleConfig config = ConfigLoader.load(file, Map.of(), System.getenv());
    SparkSession spark = SparkSessions.getOrCreate(config);
    spark.sparkContext().setLogLevel("WARN");
    return new BenchPipeline(file, config, spark);
  }
}
