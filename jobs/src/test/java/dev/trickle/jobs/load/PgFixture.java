package dev.trickle.jobs.load;

import dev.trickle.demo.LocalPostgres;
import dev.trickle.testing.SharedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A fresh PostgreSQL database and a folder for one test's pipeline: config file, lake, state. */
public record PgFixture(LocalPostgres pg, String db, Path dir) {

  public static PgFixture create(LocalPostgres pg, Path dir) {
    return new PgFixture(pg, SharedPostgres.freshDatabase("load"), dir);
  }

  public String url() {
    return pg.jdbcUrl(db);
  }

  public Path lake() {
    return dir.resolve("lake");
  }

  public String target(String table) {
    return lake().resolve(table).toString();
  }

  public String stateDir() {
    return lake().resolve("_trickle/state").toString();
  }

  /** Writes a pipeline over this database: {@code tables} is the body of trickle.tables. */
  public Path config(String tables) {
    return config("user = postgres", tables, "");
  }

  public Path config(String sourceExtras, String tables, String extra) {
    try {
      return Files.writeString(dir.resolve("pipeline.conf"), """
          trickle {
            warehouse = "%s"
            lock { stale-after = 2s, heartbeat = 200ms }
            sources { pg { type = jdbc, url = "%s", %s } }
            tables { %s }
            %s
          }
          """.formatted(lake(), url(), sourceExtras, tables, extra));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void sql(String... statements) {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public long count(String sql) {
    try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public Connection connect() throws SQLException {
    return pg.connect(db);
  }
}
