package dev.trickle.recon;

/** One of the two sides of a comparison. */
public enum Side {
  SOURCE,
  TARGET;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
