package dev.trickle.source;

import dev.trickle.TrickleException;
import dev.trickle.config.ConfigRenderer;
import dev.trickle.config.Secret;
import dev.trickle.config.SourceConfig;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Connections to a jdbc source, opened with its user, password and extra properties. The one
 * place that turns a {@link SourceConfig} into a connection: load, reconcile's pushdown and sync's
 * key scans all use it, and Spark's JDBC reader gets the same settings from {@link #sparkOptions}.
 */
public final class JdbcConnections {
  private JdbcConnections() {}

  /**
   * Opens a connection (autocommit on). Fails with exit 3 when the database cannot be reached or
   * refuses the login, and exit 2 when the driver class is not on the classpath; messages name the
   * source and never carry the password.
   */
  public static Connection open(SourceConfig source) {
    String url = source.url().orElseThrow(() -> new IllegalArgumentException("source " + source.name() + " has no url"));
    Driver driver = driver(source);
    try {
      Connection connection = driver.connect(url, properties(source));
      if (connection == null) {
        throw TrickleException.badInput("Cannot connect to source " + source.name() + ": driver " + driver.getClass().getName()
            + " does not accept " + ConfigRenderer.maskUrl(url) + ". Check trickle.sources." + source.name() + ".url and driver.");
      }
      return connection;
    } catch (SQLException e) {
      throw TrickleException.runFailed("Cannot connect to source " + source.name() + " at " + ConfigRenderer.maskUrl(url)
          + ": " + firstLine(e) + ". Check trickle.sources." + source.name()
          + ".url, user and password, and that the database is reachable.", e);
    }
  }

  /** Connection properties: user, password and the source's {@code properties}. */
  public static Properties properties(SourceConfig source) {
    Properties out = new Properties();
    out.putAll(source.properties());
    source.user().ifPresent(u -> out.setProperty("user", u));
    source.password().map(Secret::reveal).ifPresent(p -> out.setProperty("password", p));
    return out;
  }

  /**
   * Options for Spark's JDBC reader: the connection properties, the driver class and fetchsize
   * (never 0: the PostgreSQL driver would then hold the whole result in memory).
   */
  public static Map<String, String> sparkOptions(SourceConfig source) {
    Map<String, String> out = new LinkedHashMap<>();
    properties(source).forEach((k, v) -> out.put(k.toString(), v.toString()));
    source.driverClass().ifPresent(d -> out.put("driver", d));
    out.put("fetchsize", String.valueOf(Math.max(1, source.fetchSize())));
    return out;
  }

  private static Driver driver(SourceConfig source) {
    String name = source.driverClass().orElseThrow(() -> TrickleException.badInput("Cannot connect to source "
        + source.name() + ": no JDBC driver class. Set trickle.sources." + source.name() + ".driver."));
    try {
      return (Driver) Class.forName(name).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw TrickleException.badInput("Cannot load JDBC driver " + name + " for source " + source.name()
          + ": " + e.getClass().getSimpleName() + ". Put the driver's jar on the classpath (spark-submit --jars) or fix trickle.sources."
          + source.name() + ".driver.");
    }
  }

  static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse(message).strip();
  }
}
