package dev.trickle.recon;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.forall;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.zip_with;

import dev.trickle.recon.ComparisonPlan.PlannedColumn;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Value equality of two canonical values, with the float tolerance wherever a double sits: at the
 * top level, in array elements, struct fields and map entries (maps are arrays of entries in
 * their canonical form), so a tolerance set for a table holds for its nested numbers too.
 */
final class ColumnEquality {
  private ColumnEquality() {}

  static Column equal(Column s, Column t, PlannedColumn column, CompareRules rules) {
    if (!rules.floatTolerance() || column.canon() != ComparisonPlan.Canon.VALUE) {
      return s.eqNullSafe(t);
    }
    return equal(s, t, column.storageType(), rules);
  }

  /** Never NULL: NULL equals only NULL, a NULL array or struct is not one of NULLs. */
  private static Column equal(Column s, Column t, DataType type, CompareRules rules) {
    Column exact = s.eqNullSafe(t);
    if (!holdsDoubles(type)) {
      return exact;
    }
    Column within;
    if (type instanceof DoubleType) {
      // Only finite numbers are within a tolerance: Spark orders NaN above every number (so
      // NaN <= NaN), and infinities make the difference and the relative bound infinite (or NaN),
      // either of which would pass NaN or an infinity as "within" of any number.
      Column delta = abs(s.minus(t));
      within = finite(s).and(finite(t)).and(delta.leq(lit(rules.floatAbsolute()))
          .or(delta.leq(greatest(abs(s), abs(t)).multiply(lit(rules.floatRelative())))));
    } else if (type instanceof ArrayType array) {
      within = s.isNotNull().and(t.isNotNull()).and(size(s).equalTo(size(t)))
          .and(forall(zip_with(s, t, (x, y) -> equal(x, y, array.elementType(), rules)), same -> same));
    } else {
      within = s.isNotNull().and(t.isNotNull());
      for (StructField f : ((StructType) type).fields()) {
        within = within.and(equal(s.getField(f.name()), t.getField(f.name()), f.dataType(), rules));
      }
    }
    return exact.or(coalesce(within, lit(false)));
  }

  /** Whether a value of {@code type} has a double anywhere in it. */
  private static boolean holdsDoubles(DataType type) {
    if (type instanceof DoubleType) {
      return true;
    }
    if (type instanceof ArrayType array) {
      return holdsDoubles(array.elementType());
    }
    if (type instanceof StructType struct) {
      for (StructField f : struct.fields()) {
        if (holdsDoubles(f.dataType())) {
          return true;
        }
      }
    }
    return false;
  }

  private static Column finite(Column d) {
    return isnan(d).unary_$bang().and(abs(d).lt(lit(Double.POSITIVE_INFINITY)));
  }
}
