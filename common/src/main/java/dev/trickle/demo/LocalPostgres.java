package dev.trickle.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server started from the embedded binaries (no install needed), for the demo
 * and the tests. It listens on loopback only, trusts local connections and stops on close.
 */
public final class LocalPostgres implements AutoCloseable {
  public static final String USER = "postgres";
  private final EmbeddedPostgres server;

  private LocalPostgres(EmbeddedPostgres server) {
    this.server = server;
  }

  /** Starts a server on a free port, its data in a fresh temporary folder. */
  public static LocalPostgres start() {
    return start(null);
  }

  /** Starts a server whose data lives under {@code dataDir} (wiped first), or a temp folder when null. */
  public static LocalPostgres start(Path dataDir) {
    try {
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("max_connections", "100")
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          .setServerConfig("full_page_writes", "off")
          .setServerConfig("wal_level", "logical")
          .setServerConfig("shared_buffers", "128MB");
      if (dataDir != null) {
        builder.setDataDirectory(dataDir).setCleanDataDirectory(true);
      }
      return new LocalPostgres(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the embedded PostgreSQL: " + e.getMessage()
          + ". Check that /tmp is writable and that unshare is permitted when running as root.", e);
    }
  }

  public int port() {
    return server.getPort();
  }

  /** A JDBC URL for {@code database} on this server. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
  }

  public Connection connect(String database) throws SQLException {
    return server.getDatabase(USER, database).getConnection();
  }

  /** Creates a database (dropping any previous one of that name). */
  public void createDatabase(String database) {
    try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS \"" + database.replace("\"", "\"\"") + "\" WITH (FORCE)");
      s.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create database " + database + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot stop the embedded PostgreSQL: " + e.getMessage(), e);
    }
  }
}
