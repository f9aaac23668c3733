package dev.trickle.sync;

import dev.trickle.source.ParquetListing;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How a folder's files changed between two listings: added, rewritten (same path, other size or
 * modification time) and removed files.
 */
record FileListingDiff(List<ParquetListing.File> added, List<ParquetListing.File> rewritten, List<ParquetListing.File> removed) {

  static FileListingDiff of(ParquetListing before, ParquetListing now) {
    Map<String, ParquetListing.File> old = before.files().stream()
        .collect(Collectors.toMap(ParquetListing.File::path, Function.identity()));
    Map<String, ParquetListing.File> current = now.files().stream()
        .collect(Collectors.toMap(ParquetListing.File::path, Function.identity()));
    List<ParquetListing.File> added = new ArrayList<>();
    List<ParquetListing.File> rewritten = new ArrayList<>();
    for (ParquetListing.File f : now.files()) {
      ParquetListing.File was = old.get(f.path());
      if (was == null) {
        added.add(f);
      } else if (!was.equals(f)) {
        rewritten.add(f);
      }
    }
    List<ParquetListing.File> removed = before.files().stream().filter(f -> !current.containsKey(f.path())).toList();
    return new FileListingDiff(added, rewritten, removed);
  }

  /** The folders holding a rewritten or removed file: their rows must be recomputed. */
  Set<String> touchedFolders() {
    Set<String> out = new LinkedHashSet<>();
    rewritten.forEach(f -> out.add(folderOf(f.path())));
    removed.forEach(f -> out.add(folderOf(f.path())));
    return out;
  }

  String describe() {
    return added.size() + " new, " + rewritten.size() + " rewritten, " + removed.size() + " removed file(s)";
  }

  static String folderOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }
}
