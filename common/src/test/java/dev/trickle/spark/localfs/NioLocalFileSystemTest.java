package dev.trickle.spark.localfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.testing.SharedSpark;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fork-free local file system answers as Hadoop's own does, and starts no process: checked
 * against {@link RawLocalFileSystem} call by call, and with a flight recording of process starts.
 */
@ExtendWith(SharedSpark.class)
class NioLocalFileSystemTest {
  private static final Configuration CONF = new Configuration(false);

  private static NioRawLocalFileSystem nio() throws IOException {
    NioRawLocalFileSystem fs = new NioRawLocalFileSystem();
    fs.initialize(URI.create("file:///"), CONF);
    return fs;
  }

  private static RawLocalFileSystem hadoop() throws IOException {
    RawLocalFileSystem fs = new RawLocalFileSystem();
    fs.initialize(URI.create("file:///"), CONF);
    return fs;
  }

  @Test
  void statusesMatchHadoopsForFilesAndFolders(@TempDir java.nio.file.Path dir) throws IOException {
    Files.writeString(dir.resolve("a.txt"), "hello");
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/b.txt"), "");
    for (String name : List.of("a.txt", "sub", "sub/b.txt")) {
      Path path = new Path(dir.resolve(name).toUri());
      assertSameStatus(hadoop().getFileStatus(path), nio().getFileStatus(path));
      assertSameStatus(hadoop().getFileLinkStatus(path), nio().getFileLinkStatus(path));
    }
    Path folder = new Path(dir.toUri());
    FileStatus[] expected = sorted(hadoop().listStatus(folder));
    FileStatus[] actual = sorted(nio().listStatus(folder));
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertSameStatus(expected[i], actual[i]);
    }
    Path file = new Path(dir.resolve("a.txt").toUri());
    assertSameStatus(hadoop().listStatus(file)[0], nio().listStatus(file)[0]);
  }

  @Test
  void permissionsAreSetAndReadBack(@TempDir java.nio.file.Path dir) throws IOException {
    Path path = new Path(dir.resolve("p.txt").toUri());
    Files.writeString(dir.resolve("p.txt"), "x");
    for (short mode : new short[] {0640, 0755, 0600, 0444, 0777}) {
      nio().setPermission(path, new FsPermission(mode));
      assertEquals(mode, hadoop().getFileStatus(path).getPermission().toShort());
      assertEquals(mode, nio().getFileStatus(path).getPermission().toShort());
    }
  }

  @Test
  void missingFilesAndSymlinksBehaveAsInHadoop(@TempDir java.nio.file.Path dir) throws IOException {
    Path missing = new Path(dir.resolve("nothing").toUri());
    assertThrows(FileNotFoundException.class, () -> nio().getFileStatus(missing));
    assertThrows(FileNotFoundException.class, () -> nio().getFileLinkStatus(missing));
    Files.writeString(dir.resolve("target.txt"), "t");
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("target.txt"));
    // Links are Hadoop's to resolve (it tells them apart only in paths without a scheme).
    for (Path link : List.of(new Path(dir.resolve("link").toString()), new Path(dir.resolve("link").toUri()))) {
      FileStatus expected = hadoop().getFileLinkStatus(link);
      FileStatus actual = nio().getFileLinkStatus(link);
      assertEquals(expected.isSymlink(), actual.isSymlink());
      assertEquals(expected.isSymlink() ? expected.getSymlink() : null, actual.isSymlink() ? actual.getSymlink() : null);
    }
    assertTrue(nio().getFileLinkStatus(new Path(dir.resolve("link").toString())).isSymlink());
  }

  @Test
  void fileContextCreatesAndRenamesWithoutStartingAProcess(@TempDir java.nio.file.Path dir) throws Exception {
    Configuration conf = new Configuration();
    conf.set("fs.AbstractFileSystem.file.impl", NioLocalFs.class.getName());
    FileContext fc = FileContext.getFileContext(URI.create("file:///"), conf);
    Path temp = new Path(dir.resolve(".00001.json.tmp").toUri());
    Path committed = new Path(dir.resolve("00001.json").toUri());
    List<String> started = processStarts(() -> {
      try (FSDataOutputStream out = fc.create(temp, java.util.EnumSet.of(org.apache.hadoop.fs.CreateFlag.CREATE),
          Options.CreateOpts.createParent())) {
        out.writeBytes("{\"commitInfo\":{}}");
      }
      fc.rename(temp, committed, Options.Rename.NONE);
    });
    assertEquals(List.of(), started);
    assertEquals("{\"commitInfo\":{}}", Files.readString(dir.resolve("00001.json")));
    assertTrue(Files.exists(dir.resolve(".00001.json.crc")), "the checksum file moves with it, as in Hadoop's LocalFs");
  }

  @Test
  void deltaCommitsInLocalModeStartNoProcess(SparkSession spark, @TempDir java.nio.file.Path dir) throws Exception {
    String path = dir.resolve("t").toString();
    spark.range(3).write().format("delta").save(path); // warm up: classes, the table's log
    List<String> started = processStarts(() -> {
      spark.range(3, 6).write().format("delta").mode("append").save(path);
      spark.read().format("delta").load(path).count();
    });
    assertEquals(List.of(), started, "processes Hadoop started during a Delta append and read");
    assertEquals(6, spark.read().format("delta").load(path).count());
  }

  /** The commands of the processes Hadoop started while {@code body} ran. */
  private static List<String> processStarts(IoBody body) throws Exception {
    java.nio.file.Path out = Files.createTempFile("trickle-processes", ".jfr");
    try (Recording recording = new Recording()) {
      recording.enable("jdk.ProcessStart").withStackTrace();
      recording.start();
      body.run();
      recording.stop();
      recording.dump(out);
    }
    List<String> commands = new ArrayList<>();
    for (RecordedEvent event : RecordingFile.readAllEvents(out)) {
      List<RecordedFrame> frames = event.getStackTrace() == null ? List.of() : event.getStackTrace().getFrames();
      if (frames.stream().anyMatch(f -> f.getMethod().getType().getName().startsWith("org.apache.hadoop"))) {
        commands.add(event.getString("command"));
      }
    }
    Files.deleteIfExists(out);
    return commands;
  }

  @FunctionalInterface
  private interface IoBody {
    void run() throws Exception;
  }

  private static FileStatus[] sorted(FileStatus[] statuses) {
    return Arrays.stream(statuses).sorted(Comparator.comparing(s -> s.getPath().toString())).toArray(FileStatus[]::new);
  }

  private static void assertSameStatus(FileStatus expected, FileStatus actual) {
    assertEquals(describe(expected), describe(actual));
  }

  private static String describe(FileStatus s) {
    return List.of(s.getPath(), s.getLen(), s.isDirectory(), s.isSymlink(), s.getModificationTime(), s.getPermission(),
        s.getOwner(), s.getGroup(), s.getReplication(), s.getBlockSize()).stream().map(String::valueOf)
        .collect(Collectors.joining(", "));
  }
}
