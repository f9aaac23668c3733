package dev.trickle.target;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.types.DataType;

/**
 * The smallest and largest value of each key column among a batch's changes, as a predicate on
 * the target that every row of a changed key meets: Delta skips the files whose key statistics
 * lie outside it. Empty when no bound helps (a NULL key among the changes, or unorderable keys).
 */
public record KeyBounds(List<Bound> bounds) {
  /** One key column's range; {@code min} and {@code max} as Spark's external values of {@code type}. */
  public record Bound(String column, DataType type, Object min, Object max) {}

  public KeyBounds {
    bounds = List.copyOf(bounds);
  }

  public static KeyBounds none() {
    return new KeyBounds(List.of());
  }

  /** The predicate on the table aliased {@code alias}; true when there are no bounds. */
  public Column on(String alias) {
    Column out = lit(true);
    for (Bound b : bounds) {
      Column key = col(alias + "." + ChangeApply.quote(b.column()));
      out = out.and(key.geq(lit(b.min()))).and(key.leq(lit(b.max())));
    }
    return out;
  }

  /**
   * The same predicate as SQL text, for Delta options that take SQL (replaceOn). The values are
   * rendered by Spark's own literal SQL (typed: {@code TIMESTAMP '...'}, {@code 12.50BD}, quoted
   * strings), never pasted.
   */
  public String sql(String alias) {
    StringBuilder out = new StringBuilder("true");
    for (Bound b : bounds) {
      String key = alias + "." + ChangeApply.quote(b.column());
      out.append(" AND ").append(key).append(" >= ").append(Literal.create(b.min(), b.type()).sql())
          .append(" AND ").append(key).append(" <= ").append(Literal.create(b.max(), b.type()).sql());
    }
    return out.toString();
  }
}
