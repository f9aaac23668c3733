package dev.trickle.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.spark.sql.types.DataType;

/** Reads one table (already merged over table-defaults) and checks it against its source. */
final class TableParser {
  private static final Set<String> FREE_FORM = Set.of("target.properties", "columns.rename", "columns.cast", "columns.mask");

  private final List<ConfigProblem> problems;
  private final String warehouse;
  private final boolean hasMaskSalt;
  private final Map<String, SourceConfig> sources;

  TableParser(List<ConfigProblem> problems, String warehouse, boolean hasMaskSalt, Map<String, SourceConfig> sources) {
    this.problems = problems;
    this.warehouse = warehouse;
    this.hasMaskSalt = hasMaskSalt;
    this.sources = sources;
  }

  TableConfig parse(String name, Config table, ConfigObject template) {
    ConfigReader r = new ConfigReader(table, "trickle.tables." + name, problems);
    if (!Identifiers.isPlain(name)) {
      problems.add(new ConfigProblem("trickle.tables." + name,
          "'" + name + "' cannot name a table: use letters, digits and _, since it names ledger rows and the default target folder."));
    }
    r.rejectUnknownKeys(template, FREE_FORM);

    SourceConfig source = null;
    String ref = r.requiredString("source.ref", "Name one of the entries in trickle.sources.");
    if (!ref.isEmpty()) {
      source = sources.get(ref);
      if (source == null) {
        r.problem("source.ref", "'" + ref + "' names no source. Use one of " + sources.keySet() + ".");
      }
    }
    SourceRef sourceRef = sourceRef(r.at("source"), source);
    List<String> keys = r.identifierList("keys");
    if (keys.isEmpty() && r.stringList("keys").isEmpty()) {
      r.problem("keys", "is empty. List the column(s) that identify a row, such as keys = [order_id].");
    }
    ColumnsConfig columns = columns(r.at("columns"));
    TargetConfig target = target(name, r.at("target"));
    LoadConfig load = load(r.at("load"));
    SyncConfig sync = sync(r.at("sync"), source);
    ReconcileConfig reconcile = reconcile(r.at("reconcile"));
    return new TableConfig(name, sourceRef, target, keys, columns, load, sync, reconcile);
  }

  private SourceRef sourceRef(ConfigReader r, SourceConfig source) {
    Optional<String> table = r.optionalString("table");
    Optional<String> query = r.optionalString("query");
    Optional<String> path = r.optionalString("path");
    table.filter(t -> !Identifiers.isQualified(t)).ifPresent(t ->
        r.problem("table", "'" + t + "' is not a plain table name. Use schema.table with letters, digits and _; for anything else use query."));
    if (source != null) {
      int given = (table.isPresent() ? 1 : 0) + (query.isPresent() ? 1 : 0) + (path.isPresent() ? 1 : 0);
      switch (source.kind()) {
        case JDBC -> {
          if (table.isPresent() == query.isPresent() || path.isPresent()) {
            r.problem("table", "a jdbc source needs exactly one of table or query. Set table = \"schema.name\" or query = \"SELECT ...\".");
          }
        }
        case PARQUET, DELTA -> {
          if (path.isEmpty() || given != 1) {
            r.problem("path", "a " + source.kind().key() + " source needs path (and neither table nor query). Set path to the table's folder.");
          }
        }
        case ICEBERG -> {
          if (query.isPresent() || table.isPresent() == path.isPresent()) {
            r.problem("table", "an iceberg source needs table (with the source's warehouse) or path. Set one of them.");
          } else if (table.isPresent() && source.warehouse().isEmpty()) {
            r.problem("table", "names a catalog table but source '" + source.name()
                + "' has no warehouse. Set trickle.sources." + source.name() + ".warehouse, or use path.");
          }
        }
      }
      path = path.map(p -> resolveAgainst(source.path(), p));
    }
    return new SourceRef(r.optionalString("ref").orElse(""), table, query, path);
  }

  private static String resolveAgainst(Optional<String> base, String path) {
    if (base.isEmpty() || path.contains("://") || Path.of(path).isAbsolute()) {
      return path;
    }
    return base.get().replaceAll("/+$", "") + "/" + path;
  }

  private TargetConfig target(String table, ConfigReader r) {
    Optional<String> catalogTable = r.optionalString("table");
    catalogTable.filter(t -> !Identifiers.isQualified(t)).ifPresent(t ->
        r.problem("table", "'" + t + "' is not a plain table name. Use db.name with letters, digits and _."));
    Optional<String> path = r.optionalString("path");
    if (path.isPresent() && catalogTable.isPresent()) {
      r.problem("path", "and target.table are both set. Set one: a folder, or a catalog table name.");
    }
    if (path.isEmpty() && catalogTable.isEmpty()) {
      path = Optional.of(warehouse.replaceAll("/+$", "") + "/" + table);
    }
    return new TargetConfig(path, catalogTable, r.identifierList("partition-by"), r.stringMap("properties"));
  }

  private ColumnsConfig columns(ConfigReader r) {
    List<String> exclude = r.identifierList("exclude");
    Map<String, String> rename = r.stringMap("rename");
    rename.forEach((from, to) -> {
      if (!Identifiers.isPlain(from) || !Identifiers.isPlain(to)) {
        r.problem("rename." + from, "'" + from + " = " + to + "' must map a plain column name to a plain column name.");
      }
    });
    Map<String, String> cast = r.stringMap("cast");
    cast.forEach((column, type) -> {
      try {
        DataType.fromDDL(type);
      } catch (Exception e) { // Spark's ParseException is undeclared (Scala)
        r.problem("cast." + column, "'" + type + "' is not a Spark SQL type. Use one such as bigint, decimal(18,2), timestamp or string.");
      }
    });
    Map<String, MaskKind> mask = new LinkedHashMap<>();
    r.stringMap("mask").forEach((column, kind) -> {
      try {
        MaskKind k = MaskKind.valueOf(kind.trim().toUpperCase(java.util.Locale.ROOT));
        if (k == MaskKind.SHA256 && !hasMaskSalt) {
          r.problem("mask." + column, "uses sha256 but no salt is set. Export TRICKLE_MASK_SALT (or set trickle.mask-salt from an environment variable).");
        }
        mask.put(column, k);
      } catch (IllegalArgumentException e) {
        r.problem("mask." + column, "'" + kind + "' is not a mask kind. Use one of sha256, redact, null.");
      }
    });
    return new ColumnsConfig(exclude, rename, cast, mask);
  }

  private LoadConfig load(ConfigReader r) {
    Optional<String> splitBy = r.optionalIdentifier("split-by");
    OptionalInt chunks = r.intOrAuto("chunks");
    LoadConfig.Retry retry = new LoadConfig.Retry(
        r.intAtLeast("retry.attempts", 1), r.duration("retry.backoff"), r.duration("retry.max-backoff"));
    return new LoadConfig(splitBy, chunks, r.longAtLeast("target-chunk-rows", 1), r.bytes("max-chunk-bytes"),
        r.bool("consistent-snapshot"), r.intAtLeast("parallelism", 0), retry);
  }

  private SyncConfig sync(ConfigReader r, SourceConfig source) {
    Optional<String> watermark = r.optionalIdentifier("watermark-column");
    SyncMode mode = SyncMode.WATERMARK;
    Optional<String> modeText = r.optionalString("mode");
    if (modeText.isPresent() && modeText.get().equals("auto")) {
      mode = source == null ? SyncMode.DIFF : SyncMode.defaultFor(source.kind(), watermark.isPresent());
    } else {
      mode = r.enumValue("mode", SyncMode.class);
    }
    if (source != null && !mode.supports(source.kind())) {
      r.problem("mode", mode.key() + " cannot read a " + source.kind().key() + " source. Use auto, diff or cdc, or "
          + SyncMode.defaultFor(source.kind(), true).key() + ".");
    }
    if (mode == SyncMode.WATERMARK && watermark.isEmpty()) {
      r.problem("watermark-column", "is required for mode watermark. Name a column that grows on every insert and update, or use mode = diff.");
    }
    DeleteDetection deletes = r.enumValue("deletes", DeleteDetection.class);
    Optional<String> softColumn = r.optionalIdentifier("soft-delete.column");
    Optional<String> softValue = r.optionalString("soft-delete.value");
    if (deletes == DeleteDetection.SOFT && (softColumn.isEmpty() || softValue.isEmpty())) {
      r.problem("soft-delete", "needs column and value for deletes = soft. Set soft-delete { column = is_deleted, value = \"true\" }.");
    }
    Optional<String> cdcPath = r.optionalString("cdc-path");
    if (mode == SyncMode.CDC && cdcPath.isEmpty()) {
      r.problem("cdc-path", "is required for mode cdc. Set the folder the Debezium JSON event files arrive in.");
    }
    return new SyncConfig(mode, watermark, r.duration("lookback"), deletes, r.intAtLeast("key-scan-every", 1),
        softColumn, softValue, cdcPath, r.enumValue("cdc-decimal-handling", DecimalHandling.class),
        r.enumValue("schema", SchemaPolicy.class),
        r.enumValue("apply", ApplyMethod.class));
  }

  private static ReconcileConfig reconcile(ConfigReader r) {
    double percent = r.doubleAtLeast("tolerance.percent", 0);
    if (percent > 100) {
      r.problem("tolerance.percent", "must be at most 100, found " + percent + ".");
    }
    return new ReconcileConfig(
        r.bool("counts"), r.bool("keys"), r.bool("profiles"), r.bool("hashes"),
        r.identifierList("partition-by"), r.longAtLeast("tolerance.rows", 0), percent,
        r.identifierList("ignore-columns"), r.doubleAtLeast("floats.absolute", 0), r.doubleAtLeast("floats.relative", 0),
        r.bool("strings.trim"), r.bool("strings.ignore-case"), r.intOrAuto("buckets"), r.bool("pushdown"),
        r.intAtLeast("max-diffs", 0));
  }
}
