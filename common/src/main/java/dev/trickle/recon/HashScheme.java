package dev.trickle.recon;

/**
 * How a canonical row becomes a 64-bit hash. Both sides of one comparison must use the same
 * scheme; the scheme decides where the source side's hashes can be computed.
 */
public enum HashScheme {
  /**
   * Spark's {@code xxhash64} over the canonical values: fast, but only Spark computes it. Used when
   * both sides are read by Spark.
   */
  XXHASH64,
  /**
   * The first 64 bits of the MD5 of the row's canonical text, which PostgreSQL and Spark render
   * identically ({@link SparkText}, {@code PostgresText}). Used when the source side's aggregates
   * are computed inside PostgreSQL.
   */
  MD5_TEXT
}
