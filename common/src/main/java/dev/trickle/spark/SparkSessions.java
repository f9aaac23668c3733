package dev.trickle.spark;

import dev.trickle.config.SourceConfig;
import dev.trickle.config.SourceKind;
import dev.trickle.config.TrickleConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the one SparkSession a command runs in, with Delta and Iceberg wired in. */
public final class SparkSessions {
  static final String EXTENSIONS =
      "io.delta.sql.DeltaSparkSessionExtension,org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions";
  /** Spark hides matching conf values on its environment page and in event logs. */
  static final String REDACTION = "(?i)secret|password|passwd|token|salt|credential|access[.]?key";
  /** Hides passwords inside JDBC URLs in query plans shown by the Spark UI. */
  static final String STRING_REDACTION = "(?i)(password|pwd)=[^&;\\s]*";

  private SparkSessions() {}

  /** Gets or creates the session; settings that can change at runtime are applied either way. */
  public static SparkSession getOrCreate(TrickleConfig config) {
    SparkConf existing = new SparkConf();
    SparkSession.Builder builder = SparkSession.builder();
    String master = existing.contains("spark.master") ? existing.get("spark.master")
        : config.spark().master().orElse("local[*]");
    if (!existing.contains("spark.master")) {
      builder.master(master);
    }
    if (master.startsWith("local")) {
      localFileSystem().forEach(builder::config);
    }
    staticSettings(config).forEach(builder::config);
    SparkSession spark = builder.getOrCreate();
    applyRuntimeSettings(spark, config);
    return spark;
  }

  /** Settings fixed when the session starts. User conf comes last, so it wins. */
  public static Map<String, String> staticSettings(TrickleConfig config) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("spark.app.name", config.spark().appName());
    out.putAll(baseSettings());
    out.putAll(runtimeSettings(config));
    return out;
  }

  /** What every trickle session needs, whatever the pipeline: Delta, Iceberg, UTC, redaction. */
  public static Map<String, String> baseSettings() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("spark.sql.extensions", EXTENSIONS);
    out.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    out.put("spark.sql.session.timeZone", "UTC");
    out.put("spark.ui.showConsoleProgress", "false");
    out.put("spark.redaction.regex", REDACTION);
    out.put("spark.sql.redaction.string.regex", STRING_REDACTION);
    return out;
  }

  /**
   * Local mode: {@code file:} paths through {@link dev.trickle.spark.localfs.NioLocalFileSystem},
   * which does without the process Hadoop starts per permission and symlink check. Only where the
   * driver runs every task: a cluster's executors keep their own Hadoop settings. A pipeline's
   * {@code spark.conf} comes later and can set Hadoop's classes back.
   */
  public static Map<String, String> localFileSystem() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("spark.hadoop.fs.file.impl", "dev.trickle.spark.localfs.NioLocalFileSystem");
    out.put("spark.hadoop.fs.AbstractFileSystem.file.impl", "dev.trickle.spark.localfs.NioLocalFs");
    return out;
  }

  /**
   * Iceberg reads a table by path through its "default_iceberg" catalog, a Hive catalog unless
   * told otherwise (and Hive is not on the classpath). As a Hadoop catalog it loads paths with
   * HadoopTables; its warehouse is never written to. The catalog class must be set too, or
   * Iceberg sets the whole catalog up as Hive on first use (and keeps it for the session).
   */
  public static Map<String, String> icebergByPathCatalog() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("spark.sql.catalog.default_iceberg", "org.apache.iceberg.spark.SparkCatalog");
    out.put("spark.sql.catalog.default_iceberg.type", "hadoop");
    out.put("spark.sql.catalog.default_iceberg.warehouse",
        java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "trickle-iceberg-by-path").toUri().toString());
    return out;
  }

  /** Settings that may be set on a running session: Iceberg catalogs per source, user conf. */
  public static Map<String, String> runtimeSettings(TrickleConfig config) {
    Map<String, String> out = new LinkedHashMap<>();
    if (config.sources().values().stream().anyMatch(s -> s.kind() == SourceKind.ICEBERG)) {
      out.putAll(icebergByPathCatalog());
    }
    for (SourceConfig source : config.sources().values()) {
      if (source.kind() == SourceKind.ICEBERG && source.warehouse().isPresent()) {
        String prefix = "spark.sql.catalog." + source.name();
        out.put(prefix, "org.apache.iceberg.spark.SparkCatalog");
        out.put(prefix + ".type", "hadoop");
        out.put(prefix + ".warehouse", source.warehouse().get());
      }
    }
    out.putAll(config.spark().conf());
    return out;
  }

  /**
   * A session sharing {@code spark}'s context, cached data and settings, plus {@code settings},
   * for one call whose settings must not reach work on other threads: Delta stamps every write
   * with the transaction id it finds in its session, so a MERGE's id set on the shared session
   * would also mark (or make Delta skip) a ledger row written meanwhile.
   */
  public static SparkSession isolated(SparkSession spark, Map<String, String> settings) {
    SparkSession session = spark.newSession(); // starts from the context's conf: copy what differs
    SparkConf context = spark.sparkContext().getConf();
    scala.jdk.javaapi.CollectionConverters.asJava(spark.conf().getAll()).forEach((key, value) -> {
      if (!value.equals(context.get(key, null))) { // set at runtime on spark, so settable here too
        session.conf().set(key, value);
      }
    });
    settings.forEach(session.conf()::set);
    return session;
  }

  public static void applyRuntimeSettings(SparkSession spark, TrickleConfig config) {
    runtimeSettings(config).forEach((key, value) -> {
      try {
        spark.conf().set(key, value);
      } catch (Exception staticConf) { // AnalysisException, checked in Java's eyes, thrown undeclared by Scala
        // A static setting on a session that already runs: it was set at start (or is fixed now).
      }
    });
  }
}
