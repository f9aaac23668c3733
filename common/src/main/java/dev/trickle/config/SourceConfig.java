package dev.trickle.config;

import java.util.Map;
import java.util.Optional;

/**
 * A named source from {@code trickle.sources}. Keys that a kind does not use are empty.
 *
 * @param name the source's name, referenced by a table's {@code source.ref}
 * @param kind its type
 * @param url jdbc: the JDBC URL
 * @param user jdbc: the user
 * @param password jdbc: the password
 * @param driver jdbc: the driver class
 * @param fetchSize jdbc: rows per round trip
 * @param copy jdbc, PostgreSQL: read with {@code COPY ... TO STDOUT (FORMAT binary)} rather than
 *     Spark's JDBC reader
 * @param properties jdbc: extra connection properties
 * @param path parquet, delta: base folder that table paths are resolved against
 * @param warehouse iceberg: Hadoop catalog warehouse folder
 */
public record SourceConfig(
    String name,
    SourceKind kind,
    Optional<String> url,
    Optional<String> user,
    Optional<Secret> password,
    Optional<String> driver,
    int fetchSize,
    boolean copy,
    Map<String, String> properties,
    Optional<String> path,
    Optional<String> warehouse) {

  public SourceConfig {
    properties = Map.copyOf(properties);
  }

  /** The JDBC driver class: the configured one, or PostgreSQL's for a PostgreSQL URL. */
  public Optional<String> driverClass() {
    if (driver.isPresent()) {
      return driver;
    }
    return url.filter(u -> u.startsWith("jdbc:postgresql:")).map(u -> "org.postgresql.Driver");
  }

  /** Whether reads go through PostgreSQL's binary COPY (a PostgreSQL URL and {@code copy} on). */
  public boolean readsWithCopy() {
    return copy && isPostgres();
  }

  public boolean isPostgres() {
    return kind == SourceKind.JDBC && url.map(u -> u.startsWith("jdbc:postgresql:")).orElse(false);
  }
}
