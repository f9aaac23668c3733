package dev.trickle.config;

/** What sync does when the source's schema drifts. */
public enum SchemaPolicy {
  /** New nullable source columns are added to the target. */
  EVOLVE,
  /** Any schema change stops the batch. */
  STRICT
}
