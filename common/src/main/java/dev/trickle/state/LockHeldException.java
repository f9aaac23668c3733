package dev.trickle.state;

import dev.trickle.ExitCode;
import dev.trickle.TrickleException;

/** Another run holds a table's lock: exit 4. */
public final class LockHeldException extends TrickleException {
  private static final long serialVersionUID = 1L;

  public LockHeldException(String message) {
    super(ExitCode.LOCKED, message);
  }
}
