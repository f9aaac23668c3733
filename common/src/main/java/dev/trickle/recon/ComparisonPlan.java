package dev.trickle.recon;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Which columns two sides are compared on and as what: built from both schemas, so that the same
 * canonical type serves both sides of each column. Columns are matched by name, ignoring case;
 * their order on either side never matters (compared columns are kept sorted by name).
 *
 * @param compared the columns compared, keys included, sorted by lower-cased name
 * @param keys the key columns, in configured order
 * @param partitions the partition columns, in configured order
 * @param onlyInSource columns the source has and the target lacks (not ignored)
 * @param onlyInTarget columns the target has and the source lacks (not ignored)
 * @param sourceColumns every column of the source side, in its order (for diff rows)
 * @param targetColumns every column of the target side, in its order (for diff rows)
 */
public record ComparisonPlan(
    List<PlannedColumn> compared,
    List<PlannedColumn> keys,
    List<PlannedColumn> partitions,
    List<String> onlyInSource,
    List<String> onlyInTarget,
    List<String> sourceColumns,
    List<String> targetColumns) {

  /** Columns whose names trickle uses for its own bookkeeping inside a comparison. */
  static final String RESERVED_PREFIX = "__t_";

  public ComparisonPlan {
    compared = List.copyOf(compared);
    keys = List.copyOf(keys);
    partitions = List.copyOf(partitions);
    onlyInSource = List.copyOf(onlyInSource);
    onlyInTarget = List.copyOf(onlyInTarget);
    sourceColumns = List.copyOf(sourceColumns);
    targetColumns = List.copyOf(targetColumns);
  }

  /** How a column's values are made comparable. */
  public enum Canon {
    /** Both sides cast to the canonical type (by value). */
    VALUE,
    /** Decimals too wide for one decimal(38): their plain text without trailing zeros. */
    DECIMAL_TEXT,
    /** Types that cannot be compared by value: both sides as text; reported as a type difference. */
    TEXT
  }

  /**
   * One compared column.
   *
   * @param name the name used in results (the target's spelling)
   * @param sourceName the column's name on the source side
   * @param canonicalType the type both sides' values are compared as ({@link CanonicalTypes})
   */
  public record PlannedColumn(String name, String sourceName, String targetName, DataType sourceType,
      DataType targetType, DataType canonicalType, Canon canon) {

    /** Whether float tolerance applies to this column. */
    public boolean floating() {
      return canon == Canon.VALUE && canonicalType.equals(DataTypes.DoubleType);
    }

    /** The type of the canonical value in a Dataset (maps become arrays of entries in key order). */
    public DataType storageType() {
      return ComparisonPlan.storageType(canonicalType);
    }

    /** The column's type on {@code side}. */
    public DataType type(Side side) {
      return side == Side.SOURCE ? sourceType : targetType;
    }

    public String nameOn(Side side) {
      return side == Side.SOURCE ? sourceName : targetName;
    }
  }

  /** Thrown when the rules name columns the sides do not have; carries every problem. */
  public static final class PlanException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    PlanException(List<String> problems) {
      super(String.join("; ", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  /** Plans the comparison of {@code source} (already mapped to target names) with {@code target}. */
  public static ComparisonPlan of(StructType source, StructType target, CompareRules rules) {
    Map<String, StructField> s = CanonicalTypes.byLowerName(source);
    Map<String, StructField> t = CanonicalTypes.byLowerName(target);
    List<String> problems = new ArrayList<>();
    Stream.concat(s.values().stream(), t.values().stream()).map(StructField::name)
        .filter(n -> n.startsWith(RESERVED_PREFIX)).distinct()
        .forEach(n -> problems.add("column '" + n + "' starts with " + RESERVED_PREFIX + ", which reconcile reserves"));
    List<String> ignored = rules.ignoreColumns().stream().map(ComparisonPlan::lower).toList();
    for (String name : rules.ignoreColumns()) {
      if (!s.containsKey(lower(name)) && !t.containsKey(lower(name))) {
        problems.add("ignore-columns: '" + name + "' is a column of neither side");
      }
    }
    checkPresent("keys", rules.keys(), s, t, problems);
    checkPresent("partition-by", rules.partitionBy(), s, t, problems);
    rules.keys().stream().filter(k -> ignored.contains(lower(k)))
        .forEach(k -> problems.add("keys: '" + k + "' is also in ignore-columns; a key is always compared"));
    if (!problems.isEmpty()) {
      throw new PlanException(problems);
    }

    List<PlannedColumn> compared = new ArrayList<>();
    List<String> onlyInSource = new ArrayList<>();
    List<String> onlyInTarget = new ArrayList<>();
    for (Map.Entry<String, StructField> e : s.entrySet()) {
      StructField other = t.get(e.getKey());
      if (ignored.contains(e.getKey())) {
        continue;
      }
      if (other == null) {
        onlyInSource.add(e.getValue().name());
      } else {
        compared.add(planned(e.getValue(), other));
      }
    }
    t.forEach((name, field) -> {
      if (!s.containsKey(name) && !ignored.contains(name)) {
        onlyInTarget.add(field.name());
      }
    });
    compared.sort(Comparator.comparing(c -> lower(c.name())));
    List<PlannedColumn> keys = rules.keys().stream().map(k -> planned(s.get(lower(k)), t.get(lower(k)))).toList();
    List<PlannedColumn> partitions = rules.partitionBy().stream().map(p -> planned(s.get(lower(p)), t.get(lower(p)))).toList();
    return new ComparisonPlan(compared, keys, partitions, onlyInSource, onlyInTarget,
        List.of(source.fieldNames()), List.of(target.fieldNames()));
  }

  private static PlannedColumn planned(StructField source, StructField target) {
    Optional<DataType> common = CanonicalTypes.common(source.dataType(), target.dataType());
    Canon canon = Canon.VALUE;
    DataType type;
    if (common.isPresent()) {
      type = common.get();
    } else if (CanonicalTypes.isExactNumber(source.dataType()) && CanonicalTypes.isExactNumber(target.dataType())) {
      canon = Canon.DECIMAL_TEXT;
      type = DataTypes.StringType;
    } else {
      canon = Canon.TEXT;
      type = DataTypes.StringType;
    }
    return new PlannedColumn(target.name(), source.name(), target.name(), source.dataType(), target.dataType(), type, canon);
  }

  /** The type a canonical value has in a Dataset: maps become arrays of (key, value) in key order. */
  static DataType storageType(DataType canonical) {
    if (canonical instanceof org.apache.spark.sql.types.MapType m) {
      return DataTypes.createArrayType(DataTypes.createStructType(List.of(
          DataTypes.createStructField("key", storageType(m.keyType()), true),
          DataTypes.createStructField("value", storageType(m.valueType()), true))), true);
    }
    if (canonical instanceof org.apache.spark.sql.types.ArrayType a) {
      return DataTypes.createArrayType(storageType(a.elementType()), true);
    }
    if (canonical instanceof StructType st) {
      List<StructField> fields = new ArrayList<>();
      for (StructField f : st.fields()) {
        fields.add(DataTypes.createStructField(f.name(), storageType(f.dataType()), true));
      }
      return DataTypes.createStructType(fields);
    }
    return canonical;
  }

  private static void checkPresent(String what, List<String> columns, Map<String, StructField> s,
      Map<String, StructField> t, List<String> problems) {
    for (String c : columns) {
      if (!s.containsKey(lower(c))) {
        problems.add(what + ": '" + c + "' is not a column of the source (after the table's column mapping)");
      }
      if (!t.containsKey(lower(c))) {
        problems.add(what + ": '" + c + "' is not a column of the target");
      }
    }
  }

  /** The compared columns that are not keys. */
  public List<PlannedColumn> values() {
    List<String> keyNames = keys.stream().map(k -> lower(k.name())).toList();
    return compared.stream().filter(c -> !keyNames.contains(lower(c.name()))).toList();
  }

  /** Whether the two sides' types differ in a way that cannot be compared by value. */
  public List<PlannedColumn> typeDifferences() {
    return compared.stream().filter(c -> c.canon() == Canon.TEXT).toList();
  }

  /** Whether every compared column can be rendered identically by Spark and PostgreSQL. */
  public boolean hasComplexColumns() {
    return compared.stream().anyMatch(c -> !CanonicalTypes.isAtomic(c.canonicalType()));
  }

  static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
