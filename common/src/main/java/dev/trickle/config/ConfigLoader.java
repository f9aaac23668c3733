package dev.trickle.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Turns a pipeline file, command-line overrides and the environment into a validated
 * {@link TrickleConfig}. Precedence, highest first: {@code -D key=value} overrides, the pipeline
 * file, the site defaults file named by {@code TRICKLE_DEFAULTS} (scripts/trickle passes
 * conf/application.conf locally and conf/cluster.conf when submitting), {@code reference.conf}.
 * Environment variables fill {@code ${?VAR}} substitutions only.
 */
public final class ConfigLoader {
  /** Environment variable naming a HOCON file layered between reference.conf and the pipeline file. */
  public static final String DEFAULTS_ENV = "TRICKLE_DEFAULTS";
  private static final String ROOT = "trickle";

  private ConfigLoader() {}

  /** Loads and validates {@code file}; every problem is reported together. */
  public static TrickleConfig load(Path file, Map<String, String> overrides, Map<String, String> env) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidConfigException(file.toString(), List.of(new ConfigProblem("(file)",
          "no such file. Pass a pipeline file with -c, such as conf/examples/postgres.conf.")));
    }
    Config parsed = parse(file);
    String defaults = env.get(DEFAULTS_ENV);
    if (defaults != null && !defaults.isBlank()) {
      Path defaultsFile = Path.of(defaults);
      if (!Files.isRegularFile(defaultsFile)) {
        throw new InvalidConfigException(defaults, List.of(new ConfigProblem(DEFAULTS_ENV,
            "names no file. Point it at a HOCON defaults file, such as conf/application.conf, or unset it.")));
      }
      parsed = parsed.withFallback(parse(defaultsFile));
    }
    return fromConfig(file.toString(), combine(parsed, overrides, env));
  }

  private static Config parse(Path file) {
    try {
      return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new InvalidConfigException(file.toString(), List.of(new ConfigProblem("(syntax)", e.getMessage()
          + ". Fix the HOCON syntax at that line.")));
    }
  }

  /** Validates a combined, resolved config; used by {@link #load} and by tests on in-memory HOCON. */
  public static TrickleConfig fromConfig(String origin, Config resolved) {
    return new PipelineParser(origin).parse(resolved);
  }

  /**
   * Merges overrides over the file over the reference defaults, then resolves substitutions,
   * taking {@code ${?VAR}} from {@code env}. The one place that decides precedence.
   */
  public static Config combine(Config file, Map<String, String> overrides, Map<String, String> env) {
    Config merged = parseOverrides(overrides).withFallback(file).withFallback(reference());
    try {
      return merged
          .withFallback(ConfigValueFactory.fromMap(env).toConfig())
          .resolve(ConfigResolveOptions.noSystem());
    } catch (ConfigException.UnresolvedSubstitution e) {
      throw new InvalidConfigException("(combined)", List.of(new ConfigProblem("(substitution)",
          e.getMessage() + ". Define the key, or use ${?NAME} for an optional environment variable.")));
    }
  }

  /**
   * Parses {@code -D key=value} pairs; keys are prefixed with {@code trickle.} when they lack it.
   * A value starting with [, { or " is HOCON (a list, an object, a quoted string); anything else is
   * taken literally, so paths and URLs such as {@code s3a://bucket/lake} survive as typed.
   */
  static Config parseOverrides(Map<String, String> overrides) {
    Config out = ConfigFactory.empty();
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      String key = e.getKey().startsWith(ROOT + ".") ? e.getKey() : ROOT + "." + e.getKey();
      String value = e.getValue().strip();
      try {
        Config one = value.startsWith("[") || value.startsWith("{") || value.startsWith("\"")
            ? ConfigFactory.parseString(key + " = " + value, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF))
            : ConfigFactory.empty().withValue(key, ConfigValueFactory.fromAnyRef(scalar(value), "-D " + key));
        out = one.withFallback(out);
      } catch (ConfigException bad) {
        throw new InvalidConfigException("-D", List.of(new ConfigProblem(e.getKey(),
            "cannot be parsed (" + bad.getMessage() + "). Write -D trickle.tables.orders.load.chunks=8 or -D 'trickle.tables.orders.keys=[id]'.")));
      }
    }
    return out;
  }

  /** Whole numbers and booleans keep their type, so the resolved config prints as the user meant it. */
  private static Object scalar(String value) {
    if (value.matches("-?\\d{1,18}")) {
      return Long.parseLong(value);
    }
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    return value;
  }

  /** The unresolved defaults, so that {@code ${trickle.warehouse}} follows the user's warehouse. */
  static Config reference() {
    return ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "reference.conf");
  }
}
