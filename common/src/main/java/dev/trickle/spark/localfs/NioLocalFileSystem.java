package dev.trickle.spark.localfs;

import org.apache.hadoop.fs.LocalFileSystem;

/**
 * Hadoop's checksummed local file system over {@link NioRawLocalFileSystem}: what
 * {@code fs.file.impl} names in local mode, so {@code file:} paths read and write the same files
 * (checksums included) without starting a process per permission or symlink check.
 */
public class NioLocalFileSystem extends LocalFileSystem {
  public NioLocalFileSystem() {
    super(new NioRawLocalFileSystem());
  }
}
