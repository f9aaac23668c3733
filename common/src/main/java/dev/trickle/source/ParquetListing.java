package dev.trickle.source;

import dev.trickle.Throwables;
import dev.trickle.TrickleException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The data files of a Parquet folder at one moment: path, size and modification time, the way
 * Spark would read them (files and folders starting with _ or . are skipped).
 */
public record ParquetListing(List<File> files) {
  public record File(String path, long size, long modificationTime) {}

  public ParquetListing {
    files = List.copyOf(files);
  }

  /**
   * Rows of a Parquet folder (Hive-style partition folders understood): of {@code files}, or of
   * every file when none are given, under the union of the files' schemas. Spark otherwise takes
   * one file's schema, and a column only some files carry (added at the source later) would be
   * left out unseen.
   */
  public static Dataset<Row> read(SparkSession spark, String folder, String... files) {
    try {
      return spark.read().option("basePath", folder).option("mergeSchema", "true")
          .parquet(files.length == 0 ? new String[] {folder} : files);
    } catch (Exception e) { // Spark's SparkException is checked, and thrown undeclared from Scala
      if (files.length == 0 && Throwables.chainContains(e, "UNABLE_TO_INFER_SCHEMA")) {
        throw TrickleException.badInput("Cannot read the Parquet files of " + folder + ": the folder holds no data files,"
            + " and a Parquet table's columns are read from its files. Check the path; if the table is empty at its"
            + " source, run again once a file arrives.");
      }
      if (!Throwables.chainContains(e, "CANNOT_MERGE")) {
        throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
      }
      List<String> paths = files.length > 0 ? List.of(files) : of(spark, folder).files().stream().map(File::path).toList();
      throw TrickleException.badInput("Cannot read the Parquet files of " + folder + ": "
          + ParquetTypes.conflict(spark.sessionState().newHadoopConf(), paths).orElse(Throwables.rootMessage(e))
          + ", and a table column has one type. Rewrite the files of one type to the other (or move them out of the "
          + "folder), then run again. Nothing was applied.");
    }
  }

  public static ParquetListing of(SparkSession spark, String folder) {
    try {
      FileSystem fs = new Path(folder).getFileSystem(spark.sessionState().newHadoopConf());
      // Qualified as the listed paths are (file:/..., hdfs://host/...), so visible() stops at the
      // folder itself: a bare path never equals a listed parent, and a folder above it named
      // _x or .x would hide every file.
      Path root = fs.makeQualified(new Path(folder));
      if (!fs.exists(root)) {
        throw new java.io.FileNotFoundException("no such folder " + folder);
      }
      List<File> out = new ArrayList<>();
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
      while (it.hasNext()) {
        LocatedFileStatus status = it.next();
        if (visible(root, status.getPath())) {
          out.add(new File(status.getPath().toString(), status.getLen(), status.getModificationTime()));
        }
      }
      out.sort(Comparator.comparing(File::path));
      return new ParquetListing(out);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + folder + ": " + e.getMessage(), e);
    }
  }

  /** A digest of the listing: equal digests mean the same files, sizes and times. */
  public String digest() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (File f : files) {
        sha.update((f.path() + '|' + f.size() + '|' + f.modificationTime() + '\n').getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean visible(Path root, Path file) {
    for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
      String name = p.getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        return false;
      }
    }
    return true;
  }
}
