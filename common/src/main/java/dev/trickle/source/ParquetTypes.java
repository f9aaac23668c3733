package dev.trickle.source;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.Type;

/**
 * Which column Parquet files disagree on, read from their footers: Spark's own error when it
 * cannot merge their schemas names the two types but not the column or the files.
 */
final class ParquetTypes {
  /** Footers read at most, so that a folder of many files cannot keep an error message waiting long. */
  private static final int MAX_FILES = 5_000;

  private ParquetTypes() {}

  /**
   * "column amount is double in a.parquet but binary (STRING) in b.parquet" for the first
   * top-level column two files type differently, or empty when none does (or no footer reads).
   */
  static Optional<String> conflict(Configuration conf, List<String> files) {
    Map<String, Seen> first = new HashMap<>();
    for (String file : files.subList(0, Math.min(files.size(), MAX_FILES))) {
      List<Type> fields;
      try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file), conf))) {
        fields = reader.getFooter().getFileMetaData().getSchema().getFields();
      } catch (IOException | RuntimeException e) {
        continue; // not a Parquet file Spark could read either; its own error then says so
      }
      for (Type field : fields) {
        String type = describe(field);
        Seen seen = first.putIfAbsent(field.getName(), new Seen(type, file));
        if (seen != null && !seen.type().equals(type)) {
          return Optional.of("column " + field.getName() + " is " + seen.type() + " in " + seen.file() + " but " + type + " in " + file);
        }
      }
    }
    return Optional.empty();
  }

  /** The field's type without its name and repetition: "double", "binary (STRING)", "group". */
  private static String describe(Type field) {
    if (!field.isPrimitive()) {
      return "group " + field.asGroupType().getFields().stream().map(f -> f.getName() + ":" + describe(f)).toList();
    }
    String type = field.asPrimitiveType().getPrimitiveTypeName().name().toLowerCase(java.util.Locale.ROOT);
    return field.getLogicalTypeAnnotation() == null ? type : type + " (" + field.getLogicalTypeAnnotation() + ")";
  }

  private record Seen(String type, String file) {}
}
