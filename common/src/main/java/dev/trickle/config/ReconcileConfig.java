package dev.trickle.config;

import java.util.List;
import java.util.OptionalInt;

/**
 * How {@code reconcile} compares a table's source and target.
 *
 * @param counts row counts, total and per partition
 * @param keys key distribution
 * @param profiles column profiles
 * @param hashes hash reconciliation naming every differing row
 * @param partitionBy columns counted and hashed per partition (target names)
 * @param toleranceRows differing rows allowed
 * @param tolerancePercent differing rows allowed, as a percentage of source rows
 * @param ignoreColumns columns left out of every comparison (target names)
 * @param floatAbsolute floats equal within this absolute difference
 * @param floatRelative floats equal within this relative difference
 * @param trimStrings compare strings with surrounding whitespace trimmed
 * @param ignoreCase compare strings case-insensitively
 * @param buckets a fixed bucket count; empty means adaptive
 * @param pushdown jdbc: compute the source's aggregates inside the database
 * @param maxDiffs recon_diffs rows written per table and run
 */
public record ReconcileConfig(
    boolean counts,
    boolean keys,
    boolean profiles,
    boolean hashes,
    List<String> partitionBy,
    long toleranceRows,
    double tolerancePercent,
    List<String> ignoreColumns,
    double floatAbsolute,
    double floatRelative,
    boolean trimStrings,
    boolean ignoreCase,
    OptionalInt buckets,
    boolean pushdown,
    int maxDiffs) {

  public ReconcileConfig {
    partitionBy = List.copyOf(partitionBy);
    ignoreColumns = List.copyOf(ignoreColumns);
  }

  /** Whether {@code differing} rows out of {@code sourceRows} are within tolerance. */
  public boolean withinTolerance(long differing, long sourceRows) {
    if (differing <= toleranceRows) {
      return true;
    }
    return tolerancePercent > 0 && differing * 100.0 <= tolerancePercent * sourceRows;
  }
}
