package dev.trickle;

/** What an error says, for one-line messages: Spark and Delta wrap the cause several levels deep. */
public final class Throwables {
  private Throwables() {}

  /** The first line of the innermost cause's message (its class name when it has none). */
  public static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return text.lines().findFirst().orElse(text).strip();
  }

  /** Whether the message of {@code e} or of one of its causes contains {@code text}. */
  public static boolean chainContains(Throwable e, String text) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains(text)) {
        return true;
      }
    }
    return false;
  }
}
