package dev.trickle.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.trickle.source.ParquetListing;
import dev.trickle.source.ParquetListing.File;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FileListingDiffTest {
  @Test
  void newRewrittenAndRemovedFilesAndTheFoldersToRecompute() {
    ParquetListing before = new ParquetListing(List.of(new File("file:/s/p=1/a", 10, 1), new File("file:/s/p=2/b", 10, 1),
        new File("file:/s/p=3/c", 10, 1)));
    ParquetListing now = new ParquetListing(List.of(new File("file:/s/p=1/a", 10, 1), new File("file:/s/p=2/b", 12, 2),
        new File("file:/s/p=4/d", 5, 3)));
    FileListingDiff diff = FileListingDiff.of(before, now);
    assertEquals(List.of("file:/s/p=4/d"), diff.added().stream().map(File::path).toList());
    assertEquals(List.of("file:/s/p=2/b"), diff.rewritten().stream().map(File::path).toList());
    assertEquals(List.of("file:/s/p=3/c"), diff.removed().stream().map(File::path).toList());
    assertEquals(Set.of("file:/s/p=2", "file:/s/p=3"), diff.touchedFolders());
  }

  @Test
  void partitionFoldersParseWithEscapesAndNulls() {
    Map<String, String> expected = new HashMap<>();
    expected.put("day", "2026-01-01");
    expected.put("region", null);
    assertEquals(expected, ParquetPartitions.parse("file:/s", "file:/s/day=2026-01-01/region=__HIVE_DEFAULT_PARTITION__"));
    assertEquals(Map.of("k", "a/b"), ParquetPartitions.parse("file:/s/", "file:/s/k=a%2Fb"));
    assertEquals(Map.of(), ParquetPartitions.parse("file:/s", "file:/s"), "the root: the whole table");
    assertNull(ParquetPartitions.parse("file:/s", "file:/s/plain"), "not a partition folder");
  }
}
