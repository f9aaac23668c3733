package dev.trickle;

/** The process exit codes that schedulers act on (see DESIGN.md). */
public enum ExitCode {
  /** Done; for reconcile, every table within tolerance. */
  OK(0),
  /** Reconcile found differences beyond tolerance. */
  DIFFERENCES(1),
  /** Bad usage or bad config; nothing was touched. */
  BAD_INPUT(2),
  /** A run failed (source unreachable, write failed); state is left resumable. */
  RUN_FAILED(3),
  /** Another run holds the table's lock. */
  LOCKED(4);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
