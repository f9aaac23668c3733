package dev.trickle.testing;

import dev.trickle.spark.SparkSessions;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One tuned SparkSession per test JVM, shared by every test class that uses this extension, and
 * stopped when the JVM's tests end (it registers itself in the root store, which JUnit closes).
 * Inject it as a {@code SparkSession} parameter or call {@link #session()}.
 */
public final class SharedSpark implements BeforeAllCallback, ParameterResolver {
  private static final String KEY = "trickle.shared-spark";

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(KEY, k -> new Holder(create()), Holder.class);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == SparkSession.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return session();
  }

  /** The shared session (created on first use). */
  public static synchronized SparkSession session() {
    SparkSession active = SparkSession.getDefaultSession().isDefined() ? SparkSession.getDefaultSession().get() : null;
    return active != null ? active : create();
  }

  private static synchronized SparkSession create() {
    if (SparkSession.getDefaultSession().isDefined()) {
      return SparkSession.getDefaultSession().get();
    }
    SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName("trickle-tests");
    SparkSessions.baseSettings().forEach(builder::config);
    SparkSessions.localFileSystem().forEach(builder::config);
    // Set from the start: a test that reads an Iceberg path before any pipeline set it would
    // leave the session with Iceberg's default (Hive) catalog for good.
    SparkSessions.icebergByPathCatalog().forEach(builder::config);
    return builder
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.databricks.delta.snapshotPartitions", "2")
        .config("spark.sql.sources.parallelPartitionDiscovery.parallelism", "2")
        .config("spark.sql.adaptive.coalescePartitions.initialPartitionNum", "2")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }

  /** Stops the session when the root context closes, i.e. after the JVM's last test. */
  private record Holder(SparkSession spark) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    @Override
    public void close() {
      spark.stop();
    }
  }
}
