package dev.trickle.recon;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import dev.trickle.recon.ComparisonPlan.PlannedColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Canonical values: what a column's value is compared as (README, "What counts as equal"). Built
 * only from Spark's own expressions, so they run inside Spark's generated code.
 */
final class Canonical {
  private Canonical() {}

  /** The canonical value of a planned column read from {@code side}'s column {@code value}. */
  static Column value(PlannedColumn column, Side side, Column value, CompareRules rules) {
    DataType from = column.type(side);
    return switch (column.canon()) {
      case VALUE -> value(value, from, column.canonicalType(), rules);
      case DECIMAL_TEXT -> regexp_replace(regexp_replace(value.cast(DataTypes.StringType), "(\\.[0-9]*?)0+$", "$1"), "\\.$", "");
      case TEXT -> CanonicalTypes.isAtomic(from) ? value.cast(DataTypes.StringType) : to_json(value);
    };
  }

  /** {@code c} of type {@code from} as a value of the canonical type {@code to}. */
  static Column value(Column c, DataType from, DataType to, CompareRules rules) {
    if (from instanceof NullType) {
      // A column of NULLs only (Spark's void type): NULLs of the canonical type, whatever it is.
      return lit(null).cast(ComparisonPlan.storageType(to));
    }
    if (to instanceof StringType) {
      Column s = c.cast(DataTypes.StringType);
      s = rules.trimStrings() ? trim(s) : s;
      return rules.ignoreCase() ? lower(s) : s;
    }
    if (to.equals(DataTypes.DoubleType)) {
      Column d = c.cast(DataTypes.DoubleType);
      // -0.0 and 0.0 are the same number; NaN is one value (Spark compares and hashes it as such).
      return when(d.equalTo(lit(0.0)), lit(0.0)).otherwise(d);
    }
    if (to instanceof ArrayType a) {
      DataType fromElement = ((ArrayType) from).elementType();
      return transform(c, x -> value(x, fromElement, a.elementType(), rules));
    }
    if (to instanceof MapType m) {
      MapType fromMap = (MapType) from;
      // Keys keep their exact form (trimming or case folding could merge two keys).
      CompareRules exactKeys = rules.withStrings(false, false);
      return array_sort(transform(map_entries(c), e -> struct(
          value(e.getField("key"), fromMap.keyType(), m.keyType(), exactKeys).as("key"),
          value(e.getField("value"), fromMap.valueType(), m.valueType(), rules).as("value"))));
    }
    if (to instanceof StructType st) {
      Map<String, StructField> fromFields = CanonicalTypes.byLowerName((StructType) from);
      List<Column> fields = new ArrayList<>();
      for (StructField f : st.fields()) {
        StructField source = fromFields.get(ComparisonPlan.lower(f.name()));
        fields.add(value(c.getField(source.name()), source.dataType(), f.dataType(), rules).as(f.name()));
      }
      return when(c.isNull(), lit(null).cast(ComparisonPlan.storageType(st))).otherwise(struct(fields.toArray(Column[]::new)));
    }
    return c.cast(to);
  }

  /**
   * What Spark's xxhash64 is given for a canonical value. xxhash64 skips NULLs, so nested values
   * carry their own null flags: [1, NULL] and [NULL, 1] must not hash alike. Top-level NULLs are
   * flagged by {@link RowHashes}' null mask. xxhash64 feeds an array's elements into the running
   * hash one after another without its length, so arrays carry their length too: a = [1, 2],
   * b = [] and a = [1], b = [2] must not hash alike.
   */
  static Column hashInput(Column v, DataType storage) {
    if (storage instanceof ArrayType a) {
      return struct(size(v).as("len"),
          transform(v, x -> struct(x.isNull().as("n"), hashInput(x, a.elementType()).as("v"))).as("elements"));
    }
    if (storage instanceof StructType st) {
      List<Column> fields = new ArrayList<>();
      List<Column> present = new ArrayList<>();
      for (StructField f : st.fields()) {
        present.add(v.getField(f.name()));
        fields.add(hashInput(v.getField(f.name()), f.dataType()).as(f.name()));
      }
      List<Column> all = new ArrayList<>(nullMask(present));
      all.addAll(fields);
      return struct(all.toArray(Column[]::new));
    }
    return v;
  }

  /** One bigint per 63 values, bit i set when value i is NULL: where the NULLs are, as data. */
  static List<Column> nullMask(List<Column> values) {
    List<Column> words = new ArrayList<>();
    for (int start = 0; start < values.size(); start += 63) {
      Column word = lit(0L);
      for (int i = start; i < Math.min(values.size(), start + 63); i++) {
        word = word.bitwiseOR(when(values.get(i).isNull(), lit(1L << (i - start))).otherwise(lit(0L)));
      }
      words.add(word.as("m" + start / 63));
    }
    return words;
  }
}
