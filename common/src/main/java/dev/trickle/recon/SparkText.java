package dev.trickle.recon;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.conv;
import static org.apache.spark.sql.functions.hex;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.md5;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.unix_date;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampType;

/**
 * The canonical text of a row as Spark renders it, for {@link HashScheme#MD5_TEXT}. PostgreSQL
 * renders the same text ({@code dev.trickle.recon.pushdown.PostgresText}); a test checks both on
 * every supported type. Each value becomes {@code N} (NULL) or {@code <length>:<text>}, values
 * joined by {@code |}: unambiguous, so NULL differs from '' and values cannot run into each other.
 *
 * <p>Texts: integers and decimals in plain notation (decimals with exactly their canonical scale),
 * doubles as the signed 64-bit integer of their IEEE bits (exact; -0.0 is already 0.0), strings
 * as they are, dates as days and timestamps as microseconds since 1970-01-01 UTC, booleans as 1
 * or 0, binary as lower-case hex.
 */
public final class SparkText {
  private SparkText() {}

  /** The text of canonical values, in the given order (public for the PostgreSQL render tests). */
  public static Column rowText(List<Column> values, List<DataType> types) {
    return row(values, types);
  }

  /** The text of canonical values, in the given order. */
  static Column row(List<Column> values, List<DataType> types) {
    Column[] segments = new Column[values.size()];
    for (int i = 0; i < values.size(); i++) {
      Column v = values.get(i);
      Column text = render(v, types.get(i));
      segments[i] = when(v.isNull(), lit("N")).otherwise(concat(length(text).cast(DataTypes.StringType), lit(":"), text));
    }
    return concat_ws("|", segments);
  }

  /** A non-null canonical value's text. */
  static Column render(Column v, DataType type) {
    if (type instanceof StringType) {
      return v;
    }
    if (type.equals(DataTypes.LongType) || type instanceof DecimalType) {
      return v.cast(DataTypes.StringType);
    }
    if (type.equals(DataTypes.DoubleType)) {
      return call_function("java_method", lit("java.lang.Double"), lit("doubleToLongBits"), v);
    }
    if (type instanceof DateType) {
      return unix_date(v).cast(DataTypes.StringType);
    }
    if (type instanceof TimestampType) {
      return unix_micros(v).cast(DataTypes.StringType);
    }
    if (type instanceof BooleanType) {
      return when(v, lit("1")).otherwise(lit("0"));
    }
    if (type instanceof BinaryType) {
      return lower(hex(v));
    }
    throw new IllegalArgumentException("Cannot render a " + type.simpleString() + " value as canonical text: "
        + "only atomic types have a text PostgreSQL renders identically");
  }

  /** The signed 64-bit number made of the first 16 hex digits of the text's MD5. */
  static Column hash64(Column text) {
    return conv(substring(md5(text), 1, 16), 16, -10).cast(DataTypes.LongType);
  }

  /** Whether {@link #render} supports the canonical type. */
  public static boolean supports(DataType type) {
    return type instanceof StringType || type.equals(DataTypes.LongType) || type instanceof DecimalType
        || type.equals(DataTypes.DoubleType) || type instanceof DateType || type instanceof TimestampType
        || type instanceof BooleanType || type instanceof BinaryType;
  }
}
