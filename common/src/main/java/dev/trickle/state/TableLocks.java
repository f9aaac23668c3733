package dev.trickle.state;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Per-table locks, so two loads or syncs of one table never run at once. A lock is a file under
 * {@code <state-dir>/_locks} created atomically (O_EXCL); its holder renews its modification time
 * every heartbeat. A lock not renewed for {@code staleAfter} belongs to a dead run and is taken
 * over: it is first moved aside atomically, so of two runs taking over only one wins.
 *
 * <p>Locks need a file system with atomic exclusive create and rename: local disks, NFS v3+ and
 * HDFS-like mounts. The state dir must be a local or mounted path.
 */
public final class TableLocks {
  private final Path dir;
  private final Duration staleAfter;
  private final Duration heartbeat;
  private final Clock clock;

  public TableLocks(String stateDir, Duration staleAfter, Duration heartbeat) {
    this(Path.of(stripFileScheme(stateDir)).resolve("_locks"), staleAfter, heartbeat, Clock.systemUTC());
  }

  TableLocks(Path dir, Duration staleAfter, Duration heartbeat, Clock clock) {
    this.dir = dir;
    this.staleAfter = staleAfter;
    this.heartbeat = heartbeat;
    this.clock = clock;
  }

  /** Who holds a lock, as written in its file. */
  public record Holder(String runId, String command, String user, String host, Instant since) {
    String describe() {
      return command + " run " + runId + " by " + user + "@" + host + " since " + since;
    }
  }

  /**
   * Takes the table's lock or throws {@link LockHeldException} naming the holder.
   *
   * @return a handle that renews the lock until closed
   */
  public Lock acquire(String table, Holder holder) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(table + ".lock");
      for (int attempt = 0; attempt < 3; attempt++) {
        try {
          Files.writeString(file, serialize(holder), StandardCharsets.UTF_8,
              java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
          return new Lock(file, holder);
        } catch (FileAlreadyExistsException held) {
          Optional<Holder> current = read(file);
          Instant renewed = renewedAt(file);
          if (current.isEmpty() || renewed == null) {
            continue; // released or half-written meanwhile: try again
          }
          Duration age = Duration.between(renewed, clock.instant());
          if (age.compareTo(staleAfter) < 0) {
            throw new LockHeldException("Cannot " + holder.command() + " table " + table + ": it is locked by "
                + current.get().describe() + " (renewed " + age.toSeconds() + "s ago). Wait for that run to finish; "
                + "a lock not renewed for " + staleAfter.toMinutes() + "m (trickle.lock.stale-after) is taken over.");
          }
          takeOver(file, current.get());
        }
      }
      throw new LockHeldException("Cannot " + holder.command() + " table " + table
          + ": its lock changed hands while taking it. Run again.");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot lock table " + table + " under " + dir + ": " + e.getMessage()
          + ". Check that the state dir is writable.", e);
    }
  }

  /** The current holder of a table's lock, if any (for {@code status}). */
  public Optional<Holder> holder(String table) {
    return read(dir.resolve(table + ".lock"));
  }

  private void takeOver(Path file, Holder stale) throws IOException {
    Path aside = dir.resolve(file.getFileName() + ".stale-" + UUID.randomUUID());
    try {
      Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException someoneElse) {
      return;
    }
    Optional<Holder> moved = read(aside);
    if (moved.isPresent() && !moved.get().runId().equals(stale.runId())) {
      // Another run took over between our read and our move: give its fresh lock back.
      try {
        Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException ignored) {
        Files.deleteIfExists(aside);
      }
      return;
    }
    Files.deleteIfExists(aside);
  }

  private Instant renewedAt(Path file) {
    try {
      return Files.getLastModifiedTime(file).toInstant();
    } catch (IOException gone) {
      return null;
    }
  }

  private static Optional<Holder> read(Path file) {
    try {
      Properties p = new Properties();
      p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
      if (p.getProperty("run_id") == null || p.getProperty("since") == null) {
        return Optional.empty();
      }
      return Optional.of(new Holder(p.getProperty("run_id"), p.getProperty("command"), p.getProperty("user"),
          p.getProperty("host"), Instant.parse(p.getProperty("since"))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String serialize(Holder holder) throws IOException {
    Properties p = new Properties();
    p.setProperty("run_id", holder.runId());
    p.setProperty("command", holder.command());
    p.setProperty("user", String.valueOf(holder.user()));
    p.setProperty("host", String.valueOf(holder.host()));
    p.setProperty("since", holder.since().toString());
    StringWriter out = new StringWriter();
    p.store(out, "trickle table lock");
    return out.toString();
  }

  private static String stripFileScheme(String path) {
    return path.startsWith("file:") ? java.net.URI.create(path).getPath() : path;
  }

  /** A held lock; renewed on a daemon thread until closed. */
  public final class Lock implements AutoCloseable {
    private final Path file;
    private final Holder holder;
    private final ScheduledExecutorService renewer;

    private Lock(Path file, Holder holder) {
      this.file = file;
      this.holder = holder;
      this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "trickle-lock-" + file.getFileName());
        t.setDaemon(true);
        return t;
      });
      long millis = Math.max(1, heartbeat.toMillis());
      renewer.scheduleAtFixedRate(this::renew, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void renew() {
      try {
        if (stillMine()) {
          Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
        }
      } catch (IOException ignored) {
        // The next heartbeat tries again; a missed one only brings staleness closer.
      }
    }

    private boolean stillMine() {
      return read(file).map(h -> h.runId().equals(holder.runId())).orElse(false);
    }

    @Override
    public void close() {
      renewer.shutdownNow();
      try {
        if (stillMine()) {
          Files.deleteIfExists(file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot release lock " + file + ": " + e.getMessage(), e);
      }
    }
  }
}
