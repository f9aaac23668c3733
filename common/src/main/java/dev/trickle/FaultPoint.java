package dev.trickle;

/**
 * Named points where a test can make the JVM die for real ({@code -Dtrickle.fault=<name>} halts it
 * there, skipping shutdown hooks and finally blocks, like a killed process) or pause it until a
 * file exists ({@code -Dtrickle.fault=<name>:await=<file>}, at most 5 minutes: to hold a lock while
 * another process tries it). Without the property they do nothing.
 */
public final class FaultPoint {
  public static final String PROPERTY = "trickle.fault";
  /** Exit status of a JVM halted at a fault point. */
  public static final int HALT_STATUS = 137;

  private FaultPoint() {}

  public static void at(String name) {
    String fault = System.getProperty(PROPERTY);
    if (fault == null || !(fault.equals(name) || fault.startsWith(name + ":"))) {
      return;
    }
    if (fault.startsWith(name + ":await=")) {
      java.nio.file.Path file = java.nio.file.Path.of(fault.substring((name + ":await=").length()));
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
      while (!java.nio.file.Files.exists(file) && System.nanoTime() < deadline) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      return;
    }
    System.err.println("trickle: halting at fault point " + name);
    System.err.flush();
    Runtime.getRuntime().halt(HALT_STATUS);
  }
}
