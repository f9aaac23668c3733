package dev.trickle.recon;

/** The outcome of a check, a metric or a whole table's reconciliation. */
public enum Verdict {
  MATCH,
  MISMATCH,
  /** A side could not be read: nothing was compared. */
  ERROR;

  public static Verdict of(boolean matches) {
    return matches ? MATCH : MISMATCH;
  }
}
