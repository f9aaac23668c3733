package dev.trickle.recon.pushdown;

import dev.trickle.recon.ColumnProfiles;
import dev.trickle.recon.CompareRules;
import dev.trickle.recon.ComparisonPlan;
import dev.trickle.recon.ComparisonPlan.PlannedColumn;
import dev.trickle.recon.RowHashes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;

/**
 * The SQL a pushed-down source runs: each query reads the relation once, as {@code r}, with the
 * canonical values of {@link PostgresText}.
 */
final class PostgresQueries {
  private final String relation;
  private final Map<String, PgColumn> columns;
  private final String exclusion;
  private final ComparisonPlan plan;
  private final CompareRules rules;

  PostgresQueries(String relation, Map<String, PgColumn> columns, String exclusion, ComparisonPlan plan, CompareRules rules) {
    this.relation = relation;
    this.columns = columns;
    this.exclusion = exclusion;
    this.plan = plan;
    this.rules = rules;
  }

  /** The column's canonical value, on the relation's row {@code r}. */
  String canonical(PlannedColumn c) {
    return canonical(c, "r.");
  }

  private String canonical(PlannedColumn c, String qualifier) {
    return PostgresText.canonical(c, columns.get(c.name()), rules, qualifier);
  }

  /** The canonical value row hashes and buckets are made of ({@link PostgresText#hashed}). */
  private String hashed(PlannedColumn c, String qualifier) {
    return PostgresText.hashed(c, columns.get(c.name()), rules, qualifier);
  }

  private String from() {
    return " FROM (SELECT * FROM " + relation + ") r" + (exclusion == null ? "" : " WHERE " + exclusion);
  }

  String partitionLabel() {
    if (plan.partitions().isEmpty()) {
      return "'" + RowHashes.WHOLE_TABLE + "'";
    }
    return plan.partitions().stream()
        .map(p -> "'" + p.name() + "=' || coalesce(" + PostgresText.label(p, canonical(p)) + ", 'NULL')")
        .collect(Collectors.joining(" || '/' || "));
  }

  String bucket(int buckets) {
    return bucket(buckets, "r.");
  }

  private String bucket(int buckets, String qualifier) {
    List<String> keys = plan.keys().stream().map(k -> hashed(k, qualifier)).toList();
    return PostgresText.bucket(PostgresText.hash64(PostgresText.row(keys, plan.keys())), buckets);
  }

  String rowHash() {
    List<String> values = plan.compared().stream().map(c -> hashed(c, "r.")).toList();
    return PostgresText.hash64(PostgresText.row(values, plan.compared()));
  }

  /** Per partition and bucket: label, bucket, rows, wrapping hash sum. */
  String aggregates(int buckets, boolean withHashes) {
    if (!withHashes) {
      return "SELECT p, 0, count(*), 0::bigint FROM (SELECT " + partitionLabel() + " AS p" + from() + ") x GROUP BY p";
    }
    return "SELECT p, b, count(*), " + PostgresText.wrappingSum("h") + " FROM (SELECT " + partitionLabel() + " AS p, "
        + bucket(buckets) + " AS b, " + rowHash() + " AS h" + from() + ") x GROUP BY p, b";
  }

  /**
   * A condition on the relation's rows (unqualified, for Spark's JDBC reader) keeping these
   * buckets; every row when {@code keep} is null. The as-of exclusion is applied by the caller.
   */
  String rowFilter(List<Integer> keep, int buckets) {
    if (keep == null) {
      return "TRUE";
    }
    if (keep.isEmpty()) {
      return "FALSE";
    }
    return bucket(buckets, "") + " = ANY('{" + keep.stream().map(String::valueOf).collect(Collectors.joining(",")) + "}'::int[])";
  }

  /** Profile aggregates: column and metric names, and the SQL (first column: rows). */
  record Profile(String sql, List<String[]> names, List<PlannedColumn> columns) {}

  Profile profiles() {
    List<String> select = new ArrayList<>(List.of("count(*)"));
    List<String[]> names = new ArrayList<>();
    List<PlannedColumn> of = new ArrayList<>();
    for (PlannedColumn c : plan.compared()) {
      String v = canonical(c);
      for (String metric : ColumnProfiles.computed(c, false)) {
        select.add(aggregate(metric, c, v));
        names.add(new String[] {c.name(), metric});
        of.add(c);
      }
    }
    return new Profile("SELECT " + String.join(", ", select) + from(), names, of);
  }

  private static String aggregate(String metric, PlannedColumn c, String v) {
    boolean text = c.canonicalType() instanceof StringType;
    boolean bool = c.canonicalType() instanceof BooleanType;
    return switch (metric) {
      case ColumnProfiles.NULLS -> "count(*) - count(" + v + ")";
      case ColumnProfiles.MIN -> bool ? "bool_and(" + v + ")" : "min(" + v + (text ? " COLLATE \"C\")" : ")");
      case ColumnProfiles.MAX -> bool ? "bool_or(" + v + ")" : "max(" + v + (text ? " COLLATE \"C\")" : ")");
      case ColumnProfiles.SUM -> c.canonicalType().equals(DataTypes.DoubleType) ? "sum(" + v + ")" : "sum(" + v + "::numeric)";
      case ColumnProfiles.SUM_ABS -> "sum(abs(" + v + "))";
      default -> throw new IllegalArgumentException(metric);
    };
  }

  private List<String> keyValues() {
    return plan.keys().stream().map(this::canonical).toList();
  }

  private String anyKeyNull() {
    return keyValues().stream().map(v -> v + " IS NULL").collect(Collectors.joining(" OR "));
  }

  /** rows, distinct keys, duplicate keys, duplicate rows, rows with a NULL key. */
  String keyFigures() {
    List<String> k = keyValues();
    List<String> aliased = new ArrayList<>();
    for (int i = 0; i < k.size(); i++) {
      aliased.add(k.get(i) + " AS k" + i);
    }
    String anyNull = java.util.stream.IntStream.range(0, k.size()).mapToObj(i -> "k" + i + " IS NULL")
        .collect(Collectors.joining(" OR "));
    return "SELECT coalesce(sum(n), 0), count(*), count(*) FILTER (WHERE n > 1), coalesce(sum(n - 1) FILTER (WHERE n > 1), 0), "
        + "coalesce(sum(n) FILTER (WHERE " + anyNull + "), 0) FROM (SELECT " + String.join(", ", keyColumns(k.size()))
        + ", count(*) AS n FROM (SELECT " + String.join(", ", aliased) + from() + ") x GROUP BY "
        + String.join(", ", keyColumns(k.size())) + ") g";
  }

  private static List<String> keyColumns(int n) {
    return java.util.stream.IntStream.range(0, n).mapToObj(i -> "k" + i).toList();
  }

  /** The smallest (or largest) key without NULLs, in Spark's order (strings by bytes). */
  String keyEnd(boolean descending) {
    List<String> k = keyValues();
    String order = java.util.stream.IntStream.range(0, k.size())
        .mapToObj(i -> k.get(i) + (plan.keys().get(i).canonicalType() instanceof StringType ? " COLLATE \"C\"" : "")
            + (descending ? " DESC" : ""))
        .collect(Collectors.joining(", "));
    return "SELECT " + String.join(", ", k) + from() + (exclusion == null ? " WHERE " : " AND ") + "NOT (" + anyKeyNull() + ")"
        + " ORDER BY " + order + " LIMIT 1";
  }

  /** Keys with more than one row: the key and its rows, most first. */
  String duplicateExamples(int limit) {
    List<String> k = keyValues();
    List<String> aliased = new ArrayList<>();
    for (int i = 0; i < k.size(); i++) {
      aliased.add(k.get(i) + " AS k" + i);
    }
    List<String> keys = keyColumns(k.size());
    String order = java.util.stream.IntStream.range(0, k.size())
        .mapToObj(i -> "k" + i + (plan.keys().get(i).canonicalType() instanceof StringType ? " COLLATE \"C\"" : ""))
        .collect(Collectors.joining(", "));
    return "SELECT " + String.join(", ", keys) + ", count(*) AS n FROM (SELECT " + String.join(", ", aliased) + from()
        + ") x GROUP BY " + String.join(", ", keys) + " HAVING count(*) > 1 ORDER BY n DESC, " + order + " LIMIT " + limit;
  }
}
