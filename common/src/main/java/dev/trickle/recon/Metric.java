package dev.trickle.recon;

/**
 * One metric compared between the sides: a key metric ({@code column} null) or a column's
 * profile metric. Values are display text; {@code examples} is a JSON array or null.
 */
public record Metric(String column, String metric, String sourceValue, String targetValue, Verdict verdict, String examples) {
  public static Metric key(String metric, Object source, Object target, String examples) {
    String s = Values.display(source);
    String t = Values.display(target);
    return new Metric(null, metric, s, t, Verdict.of(java.util.Objects.equals(s, t)), examples);
  }
}
