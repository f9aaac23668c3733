package dev.trickle.recon;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.CharType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.sql.types.VarcharType;

/**
 * The type two sides' values are compared in, derived from both sides' types so that equal values
 * get equal canonical values whatever their physical type:
 *
 * <ul>
 *   <li>any integers (byte, short, int, bigint) compare as bigint;
 *   <li>decimals and integers compare as one decimal wide enough for both, so 1.5 as decimal(10,1)
 *       equals 1.50 as decimal(12,2) (when no decimal(38) holds both, {@link ComparisonPlan} compares
 *       them by their exact text without trailing zeros);
 *   <li>float and double (also against decimals or integers) compare as double;
 *   <li>char, varchar and string compare as string;
 *   <li>timestamps compare by instant: timestamp_ntz is read as UTC; a date against a timestamp is
 *       midnight UTC;
 *   <li>arrays element by element, maps by their entries in key order, structs field by field
 *       by name;
 *   <li>anything else (a number against a string, say) compares by its text and is reported as a
 *       type difference.
 * </ul>
 */
final class CanonicalTypes {
  private CanonicalTypes() {}

  /** The common canonical type, or empty when the two types are not comparable by value. */
  static Optional<DataType> common(DataType a, DataType b) {
    if (a instanceof NullType && b instanceof NullType) {
      return Optional.of(DataTypes.StringType);
    }
    if (a instanceof NullType) {
      return Optional.of(canonical(b));
    }
    if (b instanceof NullType) {
      return Optional.of(canonical(a));
    }
    if (isIntegral(a) && isIntegral(b)) {
      return Optional.of(DataTypes.LongType);
    }
    if (isExactNumber(a) && isExactNumber(b)) {
      DecimalType x = asDecimal(a);
      DecimalType y = asDecimal(b);
      int scale = Math.max(x.scale(), y.scale());
      int integerDigits = Math.max(x.precision() - x.scale(), y.precision() - y.scale());
      return integerDigits + scale <= DecimalType.MAX_PRECISION()
          ? Optional.of(DataTypes.createDecimalType(integerDigits + scale, scale))
          : Optional.empty();
    }
    if (isNumber(a) && isNumber(b)) {
      return Optional.of(DataTypes.DoubleType);
    }
    if (isString(a) && isString(b)) {
      return Optional.of(DataTypes.StringType);
    }
    if (isTime(a) && isTime(b)) {
      return Optional.of(a instanceof DateType && b instanceof DateType ? DataTypes.DateType : DataTypes.TimestampType);
    }
    if (a instanceof BooleanType && b instanceof BooleanType) {
      return Optional.of(DataTypes.BooleanType);
    }
    if (a instanceof BinaryType && b instanceof BinaryType) {
      return Optional.of(DataTypes.BinaryType);
    }
    if (a instanceof ArrayType x && b instanceof ArrayType y) {
      return common(x.elementType(), y.elementType()).map(e -> DataTypes.createArrayType(e, true));
    }
    if (a instanceof MapType x && b instanceof MapType y) {
      Optional<DataType> key = common(x.keyType(), y.keyType());
      Optional<DataType> value = common(x.valueType(), y.valueType());
      return key.isPresent() && value.isPresent()
          ? Optional.of(DataTypes.createMapType(key.get(), value.get(), true)) : Optional.empty();
    }
    if (a instanceof StructType x && b instanceof StructType y) {
      return commonStruct(x, y);
    }
    return Optional.empty();
  }

  /** The canonical type of one type on its own (the common type with itself). */
  static DataType canonical(DataType t) {
    return common(t, t).orElse(DataTypes.StringType);
  }

  private static Optional<DataType> commonStruct(StructType x, StructType y) {
    Map<String, StructField> left = byLowerName(x);
    Map<String, StructField> right = byLowerName(y);
    if (!left.keySet().equals(right.keySet())) {
      return Optional.empty();
    }
    List<StructField> fields = new ArrayList<>();
    for (Map.Entry<String, StructField> e : left.entrySet()) {
      Optional<DataType> t = common(e.getValue().dataType(), right.get(e.getKey()).dataType());
      if (t.isEmpty()) {
        return Optional.empty();
      }
      fields.add(DataTypes.createStructField(e.getValue().name(), t.get(), true));
    }
    fields.sort(Comparator.comparing(f -> f.name().toLowerCase(Locale.ROOT)));
    return Optional.of(DataTypes.createStructType(fields));
  }

  static Map<String, StructField> byLowerName(StructType t) {
    Map<String, StructField> out = new TreeMap<>();
    for (StructField f : t.fields()) {
      out.put(f.name().toLowerCase(Locale.ROOT), f);
    }
    return out;
  }

  static boolean isIntegral(DataType t) {
    return t instanceof ByteType || t instanceof ShortType || t instanceof IntegerType || t instanceof LongType;
  }

  static boolean isExactNumber(DataType t) {
    return isIntegral(t) || t instanceof DecimalType;
  }

  static boolean isNumber(DataType t) {
    return isExactNumber(t) || t instanceof FloatType || t instanceof DoubleType;
  }

  static boolean isFloating(DataType t) {
    return t instanceof FloatType || t instanceof DoubleType;
  }

  static boolean isString(DataType t) {
    return t instanceof StringType || t instanceof VarcharType || t instanceof CharType;
  }

  static boolean isTime(DataType t) {
    return t instanceof DateType || t instanceof TimestampType || t instanceof TimestampNTZType;
  }

  static boolean isAtomic(DataType t) {
    return !(t instanceof ArrayType || t instanceof MapType || t instanceof StructType);
  }

  private static DecimalType asDecimal(DataType t) {
    if (t instanceof DecimalType d) {
      return d;
    }
    if (t instanceof ByteType) {
      return DataTypes.createDecimalType(3, 0);
    }
    if (t instanceof ShortType) {
      return DataTypes.createDecimalType(5, 0);
    }
    if (t instanceof IntegerType) {
      return DataTypes.createDecimalType(10, 0);
    }
    return DataTypes.createDecimalType(20, 0);
  }
}
