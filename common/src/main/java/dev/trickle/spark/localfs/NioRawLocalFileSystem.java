package dev.trickle.spark.localfs;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's raw local file system, with its shell commands replaced by Java's own file API.
 *
 * <p>Without Hadoop's native library (which Maven does not ship), {@link RawLocalFileSystem}
 * starts a process for every permission change ({@code chmod}), every symlink check
 * ({@code readlink}, twice per rename) and every permission read ({@code ls -ld}). A Delta
 * commit renames and creates several files, so one trickle load started hundreds of processes,
 * each a few milliseconds of fork and exec (measured: docs/BENCHMARKS.md). This class answers the
 * same questions with {@code java.nio.file}, and falls back to Hadoop for what it does not cover
 * (symlinks, the sticky bit).
 */
public class NioRawLocalFileSystem extends RawLocalFileSystem {
  private static final String UNIX_ATTRIBUTES = "unix:mode,size,isDirectory,lastModifiedTime,lastAccessTime,owner,group";
  private static final PosixFilePermission[] BY_BIT = { // bit 8 (owner read) down to bit 0 (others execute)
      PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE};

  @Override
  public void setPermission(Path p, FsPermission permission) throws IOException {
    short mode = permission.toShort();
    if ((mode & ~0777) != 0) { // the sticky bit: Java cannot set it
      super.setPermission(p, permission);
      return;
    }
    Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(mode));
  }

  /** The file's status, its owner, group and permission read at once (one stat, no process). */
  @Override
  public FileStatus getFileStatus(Path f) throws IOException {
    File file = pathToFile(f);
    Map<String, Object> a;
    try {
      a = Files.readAttributes(file.toPath(), UNIX_ATTRIBUTES);
    } catch (NoSuchFileException e) {
      throw new FileNotFoundException("File " + f + " does not exist");
    } catch (UnsupportedOperationException e) { // no unix attribute view on this platform
      return super.getFileStatus(f);
    }
    return new FileStatus((Long) a.get("size"), (Boolean) a.get("isDirectory"), 1, getDefaultBlockSize(f),
        ((FileTime) a.get("lastModifiedTime")).toMillis(), ((FileTime) a.get("lastAccessTime")).toMillis(),
        new FsPermission((short) ((Integer) a.get("mode") & 07777)), ((UserPrincipal) a.get("owner")).getName(),
        ((GroupPrincipal) a.get("group")).getName(),
        new Path(file.getPath()).makeQualified(getUri(), getWorkingDirectory()));
  }

  /** A file lists as itself; a folder's entries go through {@link #getFileStatus}. */
  @Override
  public FileStatus[] listStatus(Path f) throws IOException {
    File file = pathToFile(f);
    if (file.isFile()) {
      return new FileStatus[] {getFileStatus(f)};
    }
    return super.listStatus(f);
  }

  /** Hadoop asks {@code readlink} whether every renamed path is a symlink; Java can tell. */
  @Override
  public FileStatus getFileLinkStatus(Path f) throws IOException {
    if (Files.isSymbolicLink(pathToFile(f).toPath())) {
      return super.getFileLinkStatus(f);
    }
    return getFileStatus(f); // a missing file: FileNotFoundException, as Hadoop's

  }

  static Set<PosixFilePermission> posix(short mode) {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BY_BIT.length; i++) {
      if ((mode & (1 << (8 - i))) != 0) {
        out.add(BY_BIT[i]);
      }
    }
    return out;
  }
}
