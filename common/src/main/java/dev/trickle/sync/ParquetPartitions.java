package dev.trickle.sync;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Hive-style partition folders ({@code day=2026-01-01/region=eu}) as typed partition values, typed
 * the way Spark reads the folder. A file in the folder's root, or a folder that is not
 * {@code name=value}, makes the scope the whole table.
 */
final class ParquetPartitions {
  private static final String DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__";

  private ParquetPartitions() {}

  static Recompute of(SparkSession spark, String base, Set<String> folders, StructType sourceSchema, Set<String> excluded) {
    String root = qualified(spark, base);
    List<Map<String, String>> values = new ArrayList<>();
    for (String folder : folders) {
      Map<String, String> partition = parse(root, folder);
      if (partition == null || partition.isEmpty()
          || (!values.isEmpty() && !values.get(0).keySet().equals(partition.keySet()))) {
        return Recompute.wholeTable();
      }
      values.add(partition);
    }
    List<String> names = new ArrayList<>(values.get(0).keySet());
    StructType strings = new StructType();
    StructType typed = new StructType();
    List<Column> casts = new ArrayList<>();
    if (!List.of(sourceSchema.fieldNames()).containsAll(names) || names.stream().anyMatch(excluded::contains)) {
      return Recompute.wholeTable();
    }
    for (String name : names) {
      StructField field = sourceSchema.apply(name);
      strings = strings.add(name, DataTypes.StringType, true);
      typed = typed.add(name, field.dataType(), true);
      casts.add(col(Changes.quote(name)).cast(field.dataType()).as(name));
    }
    List<Row> rows = values.stream().map(v -> RowFactory.create(names.stream().map(v::get).toArray())).toList();
    // Folder names are few; Spark's own casts type them as its partition discovery would.
    List<Row> partitions = spark.createDataFrame(rows, strings).select(casts.toArray(Column[]::new)).distinct().collectAsList();
    return new Recompute(typed, partitions);
  }

  /** name -> value of a folder below root; null when it is not a partition folder. */
  static Map<String, String> parse(String root, String folder) {
    String trimmedRoot = root.replaceAll("/+$", "");
    if (!folder.startsWith(trimmedRoot)) {
      return null;
    }
    String relative = folder.substring(trimmedRoot.length()).replaceAll("^/+", "");
    Map<String, String> out = new LinkedHashMap<>();
    if (relative.isEmpty()) {
      return out;
    }
    for (String segment : relative.split("/")) {
      int eq = segment.indexOf('=');
      if (eq <= 0) {
        return null;
      }
      String value = ExternalCatalogUtils.unescapePathName(segment.substring(eq + 1));
      out.put(ExternalCatalogUtils.unescapePathName(segment.substring(0, eq)), DEFAULT_PARTITION.equals(value) ? null : value);
    }
    return out;
  }

  private static String qualified(SparkSession spark, String folder) {
    try {
      Path path = new Path(folder);
      return path.getFileSystem(spark.sessionState().newHadoopConf()).makeQualified(path).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot resolve " + folder + ": " + e.getMessage(), e);
    }
  }
}
