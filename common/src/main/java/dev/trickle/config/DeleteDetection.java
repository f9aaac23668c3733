package dev.trickle.config;

/** How the watermark mode learns about rows deleted at the source. */
public enum DeleteDetection {
  /** Deletes are not propagated. */
  NONE,
  /** The source's key set is compared with the target's, chunked. */
  KEY_SCAN,
  /** A column marks deleted rows with a value. */
  SOFT
}
