package dev.trickle.source;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.trickle.TrickleException;
import dev.trickle.config.ColumnsConfig;
import dev.trickle.config.MaskKind;
import dev.trickle.config.Secret;
import dev.trickle.config.TableConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A table's column mapping from source to target: exclude, rename, cast, then mask, applied
 * before anything lands anywhere. The same mapping serves load, sync and the source side of
 * reconcile, so a faithful copy reconciles clean.
 */
public final class ColumnMapping {
  /** What a redacted value becomes (NULL stays NULL, so null counts still reconcile). */
  public static final String REDACTED = "****";

  private final ColumnsConfig columns;
  private final Optional<Secret> salt;

  public ColumnMapping(ColumnsConfig columns, Optional<Secret> salt) {
    this.columns = columns;
    this.salt = salt;
  }

  public ColumnsConfig columns() {
    return columns;
  }

  /** Source rows in, target rows out. */
  public Dataset<Row> apply(Dataset<Row> source) {
    List<Column> out = new ArrayList<>();
    for (StructField field : source.schema().fields()) {
      if (columns.exclude().contains(field.name())) {
        continue;
      }
      String target = columns.targetName(field.name());
      out.add(mapped(col(quote(field.name())), field.dataType(), target).as(target));
    }
    return source.select(out.toArray(Column[]::new));
  }

  /** The target schema a source schema maps to, without reading data. */
  public StructType targetSchema(StructType source) {
    StructType out = new StructType();
    for (StructField field : source.fields()) {
      if (columns.exclude().contains(field.name())) {
        continue;
      }
      String target = columns.targetName(field.name());
      DataType type = columns.cast().containsKey(target) ? DataType.fromDDL(columns.cast().get(target)) : field.dataType();
      MaskKind mask = columns.mask().get(target);
      if (mask == MaskKind.SHA256 || mask == MaskKind.REDACT) {
        type = DataTypes.StringType;
      }
      out = out.add(target, type, true);
    }
    return out;
  }

  /**
   * Checks the mapping and the table's column references against the source's schema; every
   * problem is reported at once, before anything is written.
   */
  public static void check(TableConfig table, StructType sourceSchema, Optional<String> splitBy) {
    Set<String> source = new LinkedHashSet<>(List.of(sourceSchema.fieldNames()));
    ColumnsConfig columns = table.columns();
    List<String> problems = new ArrayList<>();
    String at = "trickle.tables." + table.name();
    columns.exclude().stream().filter(c -> !source.contains(c))
        .forEach(c -> problems.add(at + ".columns.exclude: '" + c + "' is not a source column"));
    columns.rename().keySet().stream().filter(c -> !source.contains(c))
        .forEach(c -> problems.add(at + ".columns.rename." + c + ": '" + c + "' is not a source column"));
    Set<String> target = new LinkedHashSet<>();
    for (String c : source) {
      if (!columns.exclude().contains(c)) {
        target.add(columns.targetName(c));
      }
    }
    columns.cast().keySet().stream().filter(c -> !target.contains(c))
        .forEach(c -> problems.add(at + ".columns.cast." + c + ": '" + c + "' is not a target column"));
    columns.mask().keySet().stream().filter(c -> !target.contains(c))
        .forEach(c -> problems.add(at + ".columns.mask." + c + ": '" + c + "' is not a target column"));
    table.keys().stream().filter(c -> !target.contains(c))
        .forEach(c -> problems.add(at + ".keys: '" + c + "' is not a target column"));
    table.target().partitionBy().stream().filter(c -> !target.contains(c))
        .forEach(c -> problems.add(at + ".target.partition-by: '" + c + "' is not a target column"));
    table.reconcile().partitionBy().stream().filter(c -> !target.contains(c))
        .forEach(c -> problems.add(at + ".reconcile.partition-by: '" + c + "' is not a target column"));
    splitBy.filter(c -> !source.contains(c))
        .ifPresent(c -> problems.add(at + ".load.split-by: '" + c + "' is not a source column"));
    if (!problems.isEmpty()) {
      throw TrickleException.badInput("Cannot map table " + table.name() + " onto its source: "
          + String.join("; ", problems) + ". Source columns are " + source + ".");
    }
  }

  private Column mapped(Column value, DataType sourceType, String target) {
    Column out = value;
    DataType type = sourceType;
    String cast = columns.cast().get(target);
    if (cast != null) {
      type = DataType.fromDDL(cast);
      out = out.cast(type);
    }
    MaskKind mask = columns.mask().get(target);
    if (mask == null) {
      return out;
    }
    return switch (mask) {
      case NULL -> lit(null).cast(type);
      case REDACT -> when(out.isNull(), lit(null).cast(DataTypes.StringType)).otherwise(lit(REDACTED));
      case SHA256 -> sha256(salt.orElseThrow(() -> new IllegalStateException("sha256 mask without a salt"))).apply(out.cast(DataTypes.StringType));
    };
  }

  /**
   * Salted SHA-256 as a UDF: the salt lives in the function's closure, so it never shows in a
   * query plan, the Spark UI or an error message.
   */
  static UserDefinedFunction sha256(Secret salt) {
    byte[] saltBytes = salt.reveal().getBytes(StandardCharsets.UTF_8);
    UDF1<String, String> hash = value -> value == null ? null : hashHex(saltBytes, value);
    return functions.udf(hash, DataTypes.StringType).withName("trickle_mask_sha256");
  }

  static String hashHex(byte[] salt, String value) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(salt);
      return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** Maps a set of target column names back to source names (for pushing filters down). */
  public Map<String, String> sourceNames(List<String> targetColumns) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    targetColumns.forEach(c -> out.put(c, columns.sourceName(c)));
    return out;
  }
}
