package dev.trickle.recon;

import dev.trickle.config.ReconcileConfig;
import dev.trickle.config.TableConfig;
import java.util.List;

/**
 * What two sides are compared on and what counts as equal: the key, the partition columns, the
 * columns left out, and the tolerances of the canonicalisation rules. Column names are target
 * names; the source side arrives already mapped (renamed, cast, masked).
 *
 * @param keys the key columns, one or more
 * @param partitionBy columns counted and hashed per partition (may be empty)
 * @param ignoreColumns columns left out of hashes and comparisons (still shown in diff rows)
 * @param floatAbsolute floats are equal within this absolute difference (0: exactly)
 * @param floatRelative floats are equal within this difference relative to the larger magnitude
 * @param trimStrings strings compare with leading and trailing spaces removed
 * @param ignoreCase strings compare lower-cased
 * @param scheme how rows are hashed (Spark-only, or portable between Spark and PostgreSQL)
 */
public record CompareRules(
    List<String> keys,
    List<String> partitionBy,
    List<String> ignoreColumns,
    double floatAbsolute,
    double floatRelative,
    boolean trimStrings,
    boolean ignoreCase,
    HashScheme scheme) {

  public CompareRules {
    keys = List.copyOf(keys);
    partitionBy = List.copyOf(partitionBy);
    ignoreColumns = List.copyOf(ignoreColumns);
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("Cannot compare rows without a key: list one or more key columns");
    }
  }

  /** The rules of a configured table, hashing with {@code scheme}. */
  public static CompareRules of(TableConfig table, HashScheme scheme) {
    ReconcileConfig r = table.reconcile();
    return new CompareRules(table.keys(), r.partitionBy(), r.ignoreColumns(), r.floatAbsolute(), r.floatRelative(),
        r.trimStrings(), r.ignoreCase(), scheme);
  }

  /** Rules with exact comparison of everything: no tolerance, no trimming, no case folding. */
  public static CompareRules exact(List<String> keys) {
    return new CompareRules(keys, List.of(), List.of(), 0, 0, false, false, HashScheme.XXHASH64);
  }

  public CompareRules withScheme(HashScheme other) {
    return new CompareRules(keys, partitionBy, ignoreColumns, floatAbsolute, floatRelative, trimStrings, ignoreCase, other);
  }

  public CompareRules withPartitionBy(List<String> columns) {
    return new CompareRules(keys, columns, ignoreColumns, floatAbsolute, floatRelative, trimStrings, ignoreCase, scheme);
  }

  public CompareRules withIgnored(List<String> columns) {
    return new CompareRules(keys, partitionBy, columns, floatAbsolute, floatRelative, trimStrings, ignoreCase, scheme);
  }

  public CompareRules withFloats(double absolute, double relative) {
    return new CompareRules(keys, partitionBy, ignoreColumns, absolute, relative, trimStrings, ignoreCase, scheme);
  }

  public CompareRules withStrings(boolean trim, boolean caseInsensitive) {
    return new CompareRules(keys, partitionBy, ignoreColumns, floatAbsolute, floatRelative, trim, caseInsensitive, scheme);
  }

  /** Whether floats compare within a tolerance (then a differing hash is only a candidate). */
  public boolean floatTolerance() {
    return floatAbsolute > 0 || floatRelative > 0;
  }
}
