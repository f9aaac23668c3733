package dev.trickle.recon;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.shiftleft;
import static org.apache.spark.sql.functions.shiftright;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Column;

/**
 * A sum of 64-bit hashes modulo 2^64, as an aggregate. Spark 4 runs with ANSI mode on, where a
 * bigint sum that overflows throws; hashes overflow by nature. So each hash is split into its high
 * and low 32 bits, the halves are summed as bigints (no overflow below 2^31 rows per group), and
 * the two sums are folded back into one 64-bit value with bit operations only, wrapping on purpose.
 * The result is the exact two's-complement sum, as Java's own {@code long} addition would give.
 */
final class WrappingSum {
  private static final long LOW_32 = 0xFFFFFFFFL;

  private WrappingSum() {}

  /** The aggregate of the high halves of {@code hash}. */
  static Column high(Column hash) {
    return sum(shiftrightunsigned(hash, 32));
  }

  /** The aggregate of the low halves of {@code hash}. */
  static Column low(Column hash) {
    return sum(hash.bitwiseAND(lit(LOW_32)));
  }

  /** The wrapped 64-bit sum from the two halves' sums (NULL sums, of no rows, give 0). */
  static Column combine(Column highSum, Column lowSum) {
    Column hi = org.apache.spark.sql.functions.coalesce(highSum, lit(0L));
    Column lo = org.apache.spark.sql.functions.coalesce(lowSum, lit(0L));
    Column carry = shiftright(lo, 32);
    Column top = hi.plus(carry).bitwiseAND(lit(LOW_32));
    return shiftleft(top, 32).bitwiseOR(lo.bitwiseAND(lit(LOW_32)));
  }

  /** Both steps at once: the wrapped sum of {@code hash} over a group. */
  static Column of(Column hash) {
    return combine(high(hash), low(hash));
  }
}
