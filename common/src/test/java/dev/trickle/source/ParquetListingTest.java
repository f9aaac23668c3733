package dev.trickle.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trickle.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A listing skips the files Spark skips below the folder, and nothing because of the folders above it. */
@ExtendWith(SharedSpark.class)
class ParquetListingTest {
  @Test
  void aFolderBelowAnUnderscoreOrDotFolderIsListedAndOnlyItsOwnHiddenEntriesAreSkipped(SparkSession spark,
      @TempDir Path dir) throws Exception {
    for (String above : List.of("_landing", ".cache")) {
      Path folder = Files.createDirectories(dir.resolve(above).resolve("events"));
      Files.writeString(folder.resolve("a.json"), "{}\n");
      Files.createDirectories(folder.resolve("day=1"));
      Files.writeString(folder.resolve("day=1").resolve("b.json"), "{}\n");
      Files.writeString(folder.resolve("_SUCCESS"), "");
      Files.writeString(folder.resolve(".a.json.crc"), "");
      Files.createDirectories(folder.resolve("_temporary"));
      Files.writeString(folder.resolve("_temporary").resolve("c.json"), "{}\n");

      List<String> names = ParquetListing.of(spark, folder.toString()).files().stream()
          .map(f -> f.path().substring(f.path().indexOf("/events/") + "/events/".length())).toList();

      assertEquals(List.of("a.json", "day=1/b.json"), names, "below " + above);
    }
  }
}
