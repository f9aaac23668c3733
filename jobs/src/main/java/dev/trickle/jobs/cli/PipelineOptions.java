package dev.trickle.jobs.cli;

import dev.trickle.config.ConfigLoader;
import dev.trickle.config.TrickleConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every pipeline command takes. */
public final class PipelineOptions {
  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "Pipeline config file (HOCON).")
  Path config;

  @Option(names = "-D", paramLabel = "KEY=VALUE", mapFallbackValue = "",
      description = "Override a config key, e.g. -D trickle.warehouse=/tmp/lake (repeatable).")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = "--json", description = "Print one JSON summary line on stdout (other output goes to stderr).")
  boolean json;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master, e.g. local[4] or spark://host:7077 (scripts/trickle submits with spark-submit).")
  String master;

  TrickleConfig load(Map<String, String> env) {
    Map<String, String> all = new LinkedHashMap<>(overrides);
    if (master != null) {
      all.put("trickle.spark.master", master);
    }
    return ConfigLoader.load(config, all, env);
  }
}
