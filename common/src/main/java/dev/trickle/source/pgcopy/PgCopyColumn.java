package dev.trickle.source.pgcopy;

import dev.trickle.plan.SqlDialect;
import java.io.Serializable;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * A column as COPY reads it: the Spark field it fills (the one Spark's JDBC reader would give),
 * the expression selected for it, and how its binary values decode.
 *
 * @param field the Spark field, exactly as Spark's JDBC reader types it
 * @param select the SELECT list entry: the quoted column, cast to text where Spark reads text
 * @param kind the binary format of the value (of each element, for an array)
 * @param array whether the column is a one-dimensional array of {@code kind}
 * @param textOf the PostgreSQL type selected as {@code ::text} (of the elements, for an array), or null
 */
public record PgCopyColumn(StructField field, String select, PgBinary kind, boolean array, String textOf)
    implements Serializable {
  /** PostgreSQL types whose binary form is their UTF-8 text. */
  private static final Set<String> TEXT_TYPES = Set.of("text", "varchar", "bpchar", "name", "json");

  /**
   * The column read through COPY, or empty when its (PostgreSQL type, Spark type) pair is not one
   * COPY decoding covers: the caller then reads the table with Spark's JDBC reader.
   *
   * @param name the column's name at the source
   * @param pgType PostgreSQL's type name ({@code int4}, {@code _numeric}, {@code timestamptz})
   * @param field the field Spark's JDBC reader gives the column
   */
  public static Optional<PgCopyColumn> of(String name, String pgType, StructField field) {
    String quoted = SqlDialect.POSTGRES.quoteName(name);
    String type = pgType == null ? "" : pgType.toLowerCase(Locale.ROOT);
    DataType spark = field.dataType();
    if (spark instanceof ArrayType arrayType) {
      DataType element = arrayType.elementType();
      if (!type.startsWith("_") || element instanceof ArrayType) {
        return Optional.empty();
      }
      return select(quoted, type.substring(1), element, "[]").map(s -> s.column(field, true));
    }
    return select(quoted, type, spark, "").map(s -> s.column(field, false));
  }

  /** The values' writer (each element's, for an array). */
  PgBinary.ValueWriter writer() {
    DataType type = array ? ((ArrayType) field.dataType()).elementType() : field.dataType();
    return kind.writer(type, field.name());
  }

  /** The type cast to text, if any: the caller checks that the cast is the type's own output (see {@code JdbcSource}). */
  public Optional<String> textCast() {
    return Optional.ofNullable(textOf);
  }

  private record Selected(String select, PgBinary kind, String textOf) {
    PgCopyColumn column(StructField field, boolean array) {
      return new PgCopyColumn(field, select, kind, array, textOf);
    }
  }

  /**
   * Spark reads any other type as its text (uuid, jsonb, interval, enums...): COPY selects it
   * {@code ::text}, which is the same text for types without a cast function of their own.
   */
  private static Optional<Selected> select(String quoted, String type, DataType spark, String arraySuffix) {
    if (spark instanceof StringType && !TEXT_TYPES.contains(type)) {
      return Optional.of(new Selected(quoted + "::text" + arraySuffix, PgBinary.BYTES, type));
    }
    return kind(type, spark).map(k -> new Selected(quoted, k, null));
  }

  private static Optional<PgBinary> kind(String type, DataType spark) {
    PgBinary kind = switch (type) {
      case "bool" -> spark instanceof BooleanType ? PgBinary.BOOL : null;
      case "int2" -> spark instanceof ShortType ? PgBinary.INT2 : null;
      case "int4" -> spark instanceof IntegerType ? PgBinary.INT4 : null;
      case "int8" -> spark instanceof LongType ? PgBinary.INT8 : null;
      case "float4" -> spark instanceof FloatType ? PgBinary.FLOAT4 : null;
      case "float8" -> spark instanceof DoubleType ? PgBinary.FLOAT8 : null;
      case "numeric" -> spark instanceof DecimalType ? PgBinary.NUMERIC : null;
      case "text", "varchar", "bpchar", "name", "json" -> spark instanceof StringType ? PgBinary.BYTES : null;
      case "bytea" -> spark instanceof BinaryType ? PgBinary.BYTES : null;
      case "date" -> spark instanceof DateType ? PgBinary.DATE : null;
      case "timestamptz" -> spark instanceof TimestampType ? PgBinary.TIMESTAMP : null;
      // timestamp without time zone as a wall clock (trickle reads with preferTimestampNTZ).
      case "timestamp" -> spark instanceof TimestampNTZType ? PgBinary.TIMESTAMP : null;
      default -> null;
    };
    return Optional.ofNullable(kind);
  }
}
