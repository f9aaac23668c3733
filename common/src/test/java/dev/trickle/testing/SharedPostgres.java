package dev.trickle.testing;

import dev.trickle.demo.LocalPostgres;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One embedded PostgreSQL server per test JVM, stopped after the JVM's last test. Tests isolate
 * themselves with {@link #freshDatabase(String)} rather than a server each.
 */
public final class SharedPostgres implements BeforeAllCallback, ParameterResolver {
  private static final String KEY = "trickle.shared-postgres";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static LocalPostgres server;

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(KEY, k -> new Holder(server()), Holder.class);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalPostgres.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return server();
  }

  public static synchronized LocalPostgres server() {
    if (server == null) {
      server = LocalPostgres.start();
    }
    return server;
  }

  /** Creates an empty database with a unique name starting with {@code prefix}; returns its name. */
  public static String freshDatabase(String prefix) {
    String name = prefix + "_" + DATABASES.incrementAndGet();
    server().createDatabase(name);
    return name;
  }

  private record Holder(LocalPostgres postgres) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    @Override
    public void close() {
      synchronized (SharedPostgres.class) {
        postgres.close();
        server = null;
      }
    }
  }
}
