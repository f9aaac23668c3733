package dev.trickle.sync;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Compares a source's key set with the target's, on the key columns only: the keys only the target
 * has were deleted at the source; the keys only the source has are rows the target lacks. One full
 * outer join of two narrow scans; only the one-sided keys come out.
 */
public final class KeyScan {
  /** Which side alone has a key: {@link #TARGET_ONLY} or {@link #SOURCE_ONLY}. */
  public static final String ONLY = "_trickle_only";
  public static final String TARGET_ONLY = "target";
  public static final String SOURCE_ONLY = "source";

  private static final String TARGET_PREFIX = "_trickle_t_";
  private static final String IN_SOURCE = "_trickle_in_s";
  private static final String IN_TARGET = "_trickle_in_t";

  private KeyScan() {}

  /**
   * @param source the source's keys mapped to target names and types, plus any columns to carry
   *     along (e.g. the source's own key values), which are null for target-only keys
   * @param target the target's key columns
   * @return the key columns (either side's value), the carried columns and {@link #ONLY}
   */
  public static Dataset<Row> oneSided(Dataset<Row> source, Dataset<Row> target, List<String> keys) {
    Dataset<Row> s = source.withColumn(IN_SOURCE, lit(true));
    Dataset<Row> t = target.select(keys.stream().map(k -> col(Changes.quote(k)).as(TARGET_PREFIX + k)).toArray(Column[]::new))
        .withColumn(IN_TARGET, lit(true));
    Column on = lit(true);
    for (String k : keys) {
      on = on.and(s.col(Changes.quote(k)).eqNullSafe(t.col(Changes.quote(TARGET_PREFIX + k))));
    }
    List<Column> out = new ArrayList<>();
    for (String k : keys) {
      out.add(coalesce(s.col(Changes.quote(k)), t.col(Changes.quote(TARGET_PREFIX + k))).as(k));
    }
    Arrays.stream(source.columns()).filter(c -> !keys.contains(c)).forEach(c -> out.add(s.col(Changes.quote(c))));
    out.add(when(col(IN_SOURCE).isNull(), lit(TARGET_ONLY)).otherwise(lit(SOURCE_ONLY)).as(ONLY));
    return s.join(t, on, "full_outer")
        .where(col(IN_SOURCE).isNull().or(col(IN_TARGET).isNull()))
        .select(out.toArray(Column[]::new));
  }
}
