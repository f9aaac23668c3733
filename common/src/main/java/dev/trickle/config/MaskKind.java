package dev.trickle.config;

/** How a masked column's values are replaced before anything lands. */
public enum MaskKind {
  /** Hex SHA-256 of the salt and the value: joins still work, values cannot be read back. */
  SHA256,
  /** A fixed placeholder for every non-null value. */
  REDACT,
  /** NULL for every value. */
  NULL
}
