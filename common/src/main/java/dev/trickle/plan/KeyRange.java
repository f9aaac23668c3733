package dev.trickle.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A half-open range of a split column, {@code from <= column < to}; either end may be open. The
 * first range of a table also holds the rows whose split column is NULL, so a list of ranges from
 * {@link KeyRanges#covering} selects every row exactly once.
 */
public record KeyRange(Optional<SplitValue> from, Optional<SplitValue> to, boolean withNulls) {

  /** The range as a predicate of the source's SQL dialect over {@code column} (the source's name). */
  public String sql(SqlDialect dialect, String column, SplitType type) {
    String quoted = dialect.quoteName(column);
    String compared = dialect.comparable(quoted, type);
    return render(compared + " >= ", compared + " < ", quoted, dialect.all(), v -> v.sql(dialect));
  }

  /** The range as a Spark SQL predicate over {@code column} (a name in the Dataset it filters). */
  public String spark(String column) {
    String quoted = SparkSql.quote(column);
    return render(quoted + " >= ", quoted + " < ", quoted, "true", SplitValue::spark);
  }

  private String render(String atLeast, String below, String column, String all,
      java.util.function.Function<SplitValue, String> literal) {
    List<String> bounds = new ArrayList<>();
    from.ifPresent(v -> bounds.add(atLeast + literal.apply(v)));
    to.ifPresent(v -> bounds.add(below + literal.apply(v)));
    if (bounds.isEmpty()) {
      return withNulls ? all : column + " IS NOT NULL";
    }
    String range = String.join(" AND ", bounds);
    return withNulls ? "(" + range + " OR " + column + " IS NULL)" : range;
  }
}
