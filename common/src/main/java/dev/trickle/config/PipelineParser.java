package dev.trickle.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Validates the resolved {@code trickle} block and builds the typed config, collecting every problem. */
final class PipelineParser {
  private static final Set<String> ROOT_FREE_FORM = Set.of(
      "sources", "tables", "spark.conf", "source-defaults.jdbc.properties",
      "table-defaults.target.properties", "table-defaults.columns.rename",
      "table-defaults.columns.cast", "table-defaults.columns.mask");

  private final String origin;
  private final List<ConfigProblem> problems = new ArrayList<>();
  private final Config reference = ConfigLoader.reference().resolve().getConfig("trickle");
  private final Map<String, Config> sourcesEffective = new LinkedHashMap<>();

  PipelineParser(String origin) {
    this.origin = origin;
  }

  TrickleConfig parse(Config resolved) {
    if (!resolved.hasPath("trickle")) {
      throw new InvalidConfigException(origin, List.of(new ConfigProblem("trickle",
          "is missing. Put the pipeline inside trickle { sources { ... }, tables { ... } }.")));
    }
    Config root = resolved.getConfig("trickle");
    ConfigReader r = new ConfigReader(root, "trickle", problems);
    r.rejectUnknownKeys(reference.root(), ROOT_FREE_FORM);

    String warehouse = r.requiredString("warehouse", "Set the folder the Delta targets go to.");
    String stateDir = r.requiredString("state-dir", "Set the folder of the ledger tables.");
    String reconDir = r.requiredString("recon-dir", "Set the folder of the reconciliation tables.");
    Optional<Secret> maskSalt = r.optionalString("mask-salt").map(Secret::of);
    int tableParallelism = r.intAtLeast("table-parallelism", 1);
    TrickleConfig.SparkSettings spark = new TrickleConfig.SparkSettings(
        r.optionalString("spark.master"), r.requiredString("spark.app-name", "Name the Spark application."),
        r.stringMap("spark.conf"));
    TrickleConfig.LockSettings lock = new TrickleConfig.LockSettings(
        r.duration("lock.stale-after"), r.duration("lock.heartbeat"));

    Map<String, SourceConfig> sources = parseSources(root);
    Map<String, Config> effectiveTables = new LinkedHashMap<>();
    Map<String, TableConfig> tables = new LinkedHashMap<>();
    TableParser tableParser = new TableParser(problems, warehouse, maskSalt.isPresent(), sources);
    Config tableDefaults = root.getConfig("table-defaults");
    Config tablesBlock = objectOrEmpty(root, "tables", r);
    if (tablesBlock.root().isEmpty()) {
      problems.add(new ConfigProblem("trickle.tables", "is empty. Define at least one table with a source and keys."));
    }
    for (String name : tablesBlock.root().keySet()) {
      ConfigValue value = tablesBlock.root().get(name);
      if (!(value instanceof ConfigObject object)) {
        problems.add(new ConfigProblem("trickle.tables." + name, "expected an object with source, keys, ..."));
        continue;
      }
      Config table = object.toConfig().withFallback(tableDefaults);
      effectiveTables.put(name, table);
      tables.put(name, tableParser.parse(name, table, reference.getConfig("table-defaults").root()));
    }

    if (!problems.isEmpty()) {
      throw new InvalidConfigException(origin, problems);
    }
    Config effective = effectiveView(root, sourcesEffective, effectiveTables);
    return new TrickleConfig(origin, effective, warehouse, stateDir, reconDir, maskSalt, tableParallelism, spark, lock, sources, tables);
  }

  private Map<String, SourceConfig> parseSources(Config root) {
    Map<String, SourceConfig> out = new LinkedHashMap<>();
    Config block = objectOrEmpty(root, "sources", new ConfigReader(root, "trickle", problems));
    Config defaults = root.getConfig("source-defaults");
    for (String name : block.root().keySet()) {
      String path = "trickle.sources." + name;
      if (!Identifiers.isPlain(name) || name.equals("spark_catalog")) {
        problems.add(new ConfigProblem(path, "'" + name
            + "' cannot name a source: use letters, digits and _ (not spark_catalog), since Iceberg sources become Spark catalogs."));
        continue;
      }
      ConfigValue value = block.root().get(name);
      if (!(value instanceof ConfigObject object)) {
        problems.add(new ConfigProblem(path, "expected an object with a type, such as { type = jdbc, url = \"...\" }."));
        continue;
      }
      Config raw = object.toConfig();
      ConfigReader typeReader = new ConfigReader(raw, path, problems);
      SourceKind kind = typeReader.enumValue("type", SourceKind.class);
      if (!raw.hasPath("type") || problems.stream().anyMatch(p -> p.path().equals(path + ".type"))) {
        continue;
      }
      Config source = raw.withFallback(defaults.getConfig(kind.key()));
      sourcesEffective.put(name, source);
      ConfigReader r = new ConfigReader(source, path, problems);
      r.rejectUnknownKeys(reference.getConfig("source-defaults." + kind.key()).root(),
          Set.of("properties"));
      out.put(name, parseSource(name, kind, r));
    }
    return out;
  }

  private static SourceConfig parseSource(String name, SourceKind kind, ConfigReader r) {
    Optional<String> url = Optional.empty();
    Optional<String> driver = Optional.empty();
    if (kind == SourceKind.JDBC) {
      url = Optional.of(r.requiredString("url", "Set the JDBC URL, such as jdbc:postgresql://host:5432/db."));
      url.filter(u -> !u.isEmpty() && !u.startsWith("jdbc:")).ifPresent(u ->
          r.problem("url", "does not start with jdbc:. Use a JDBC URL such as jdbc:postgresql://host:5432/db."));
      driver = r.optionalString("driver");
      if (driver.isEmpty() && url.filter(u -> u.startsWith("jdbc:") && !u.startsWith("jdbc:postgresql:")).isPresent()) {
        r.problem("driver", "is required for a non-PostgreSQL URL. Set the driver class, such as com.mysql.cj.jdbc.Driver, and put its jar on the classpath.");
      }
    }
    return new SourceConfig(
        name, kind, url,
        kind == SourceKind.JDBC ? r.optionalString("user") : Optional.empty(),
        kind == SourceKind.JDBC ? r.optionalString("password").map(Secret::of) : Optional.empty(),
        driver,
        kind == SourceKind.JDBC ? r.intAtLeast("fetchsize", 1) : 0,
        kind == SourceKind.JDBC && r.bool("copy"),
        kind == SourceKind.JDBC ? r.stringMap("properties") : Map.of(),
        kind == SourceKind.PARQUET || kind == SourceKind.DELTA ? r.optionalString("path") : Optional.empty(),
        kind == SourceKind.ICEBERG ? r.optionalString("warehouse") : Optional.empty());
  }

  private Config objectOrEmpty(Config root, String key, ConfigReader r) {
    if (!root.hasPath(key)) {
      return ConfigFactory.empty();
    }
    if (!(root.getValue(key) instanceof ConfigObject)) {
      r.problem(key, "expected an object of named entries.");
      return ConfigFactory.empty();
    }
    return root.getConfig(key);
  }

  /** The config as jobs see it: sources and tables with their defaults filled in, no templates. */
  private static Config effectiveView(Config root, Map<String, Config> sources, Map<String, Config> tables) {
    Config out = root.withoutPath("source-defaults").withoutPath("table-defaults")
        .withoutPath("sources").withoutPath("tables");
    out = out.withValue("sources", ConfigValueFactory.fromMap(Map.of()))
        .withValue("tables", ConfigValueFactory.fromMap(Map.of()));
    for (Map.Entry<String, Config> e : sources.entrySet()) {
      out = out.withValue("sources." + quoteKey(e.getKey()), e.getValue().root());
    }
    for (Map.Entry<String, Config> e : tables.entrySet()) {
      out = out.withValue("tables." + quoteKey(e.getKey()), e.getValue().root());
    }
    return out.atKey("trickle");
  }

  private static String quoteKey(String key) {
    return "\"" + key.replace("\"", "\\\"") + "\"";
  }
}
