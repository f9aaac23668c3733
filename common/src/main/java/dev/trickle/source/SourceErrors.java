package dev.trickle.source;

import dev.trickle.TrickleException;

/** The failures every source kind reports the same way. */
final class SourceErrors {
  private SourceErrors() {}

  static TrickleException missing(String what, String where, Throwable cause) {
    String reason = cause == null || cause.getMessage() == null ? "it does not exist"
        : cause.getMessage().lines().findFirst().orElse("it does not exist").strip();
    return TrickleException.badInput("Cannot read source table " + what + ": " + reason
        + ". Check " + where + " and that the table exists.");
  }
}
