package dev.trickle.jobs.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Everything trickle wrote under a folder, as text to search for raw values: every text file
 * (Delta logs with their min/max statistics, checksums) as it is, and every Parquet file (data,
 * ledgers, checkpoints, removed files too) decompressed row by row as JSON.
 */
final class MaskScan {
  private MaskScan() {}

  static List<String> everything(SparkSession spark, Path root) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(".parquet")) {
          for (Row row : spark.read().parquet(file.toString()).toJSON().toDF().collectAsList()) {
            out.add(file + ": " + row.getString(0));
          }
        } else if (!name.endsWith(".bin")) {
          out.add(file + ": " + Files.readString(file, StandardCharsets.ISO_8859_1));
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return out;
  }
}
