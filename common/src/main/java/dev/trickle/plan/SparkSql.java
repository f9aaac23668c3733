package dev.trickle.plan;

/** Small helpers for writing Spark SQL text. */
public final class SparkSql {
  private SparkSql() {}

  /** A column name back-quoted for Spark SQL, whatever characters it holds. */
  public static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /**
   * A value as a Spark SQL literal, rendered by Spark's own {@code Literal.sql} so that it parses
   * back to the same value (strings escaped, dates and timestamps typed).
   */
  public static String literal(Object value) {
    return org.apache.spark.sql.catalyst.expressions.Literal$.MODULE$.apply(value).sql();
  }

  /** Both predicates must hold; "true" is left out. */
  public static String and(String a, String b) {
    if (a.equals("true")) {
      return b;
    }
    if (b.equals("true")) {
      return a;
    }
    return "(" + a + ") AND (" + b + ")";
  }
}
