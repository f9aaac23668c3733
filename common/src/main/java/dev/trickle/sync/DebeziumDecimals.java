package dev.trickle.sync;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import dev.trickle.config.DecimalHandling;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Decimals in Debezium's {@code decimal.handling.mode = precise} (its default): the unscaled
 * value's big-endian two's-complement bytes in base64, with the column's declared scale, which
 * only the converter's schema states; a column of no fixed scale as {@code {"scale", "value"}}.
 * Decoded with the target column's scale, which a load from the source gave it; where the events
 * carry the converter's schema, {@link #contradictions} checks that schema against that scale and
 * against the configured handling, so a wrong guess stops the batch instead of landing values
 * shifted by a power of ten.
 */
final class DebeziumDecimals {
  static final String DECIMAL = "org.apache.kafka.connect.data.Decimal";
  static final String VARIABLE_SCALE = "io.debezium.data.VariableScaleDecimal";

  private static final StructType VARIABLE = new StructType()
      .add("scale", DataTypes.IntegerType).add("value", DataTypes.StringType);
  private static final StructType FIELD = new StructType()
      .add("field", DataTypes.StringType).add("type", DataTypes.StringType).add("name", DataTypes.StringType)
      .add("parameters", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
  /** The part of Kafka Connect's JSON schema that describes the before and after images. */
  private static final StructType CONNECT_SCHEMA = new StructType().add("schema", new StructType()
      .add("fields", DataTypes.createArrayType(new StructType()
          .add("field", DataTypes.StringType).add("fields", DataTypes.createArrayType(FIELD)))));

  private DebeziumDecimals() {}

  /** The value a precise decimal's JSON text stands for in {@code type}; NULL unless exact. */
  static Column decode(Column text, DecimalType type) {
    Column isObject = text.startsWith("{");
    Column variable = from_json(text, VARIABLE);
    Column bytes = when(isObject, variable.getField("value")).otherwise(text);
    Column scale = when(isObject, variable.getField("scale")).otherwise(lit(type.scale()));
    return udf(new Unscaled(type.precision(), type.scale()), type).apply(bytes, scale);
  }

  /**
   * What the events' own schema says about the decimal columns that contradicts {@code handling}
   * or the column's type, one sentence each; empty when the events carry no schema.
   *
   * @param lines the event lines ({@link DebeziumEvents#TEXT})
   */
  static List<String> contradictions(Dataset<Row> lines, StructType rowSchema, DecimalHandling handling) {
    Map<String, DecimalType> decimals = Arrays.stream(rowSchema.fields())
        .filter(f -> f.dataType() instanceof DecimalType)
        .collect(Collectors.toMap(StructField::name, f -> (DecimalType) f.dataType()));
    if (decimals.isEmpty()) {
      return List.of();
    }
    List<Row> stated = lines
        .select(explode(from_json(col(DebeziumEvents.TEXT), CONNECT_SCHEMA).getField("schema").getField("fields")).as("image"))
        .where(col("image.field").isin("before", "after"))
        .select(explode(col("image.fields")).as("f"))
        .where(col("f.field").isin(decimals.keySet().toArray()))
        .select(col("f.field"), col("f.type"), col("f.name"), col("f.parameters").getItem("scale"))
        .distinct().collectAsList();
    List<String> out = new ArrayList<>();
    for (Row r : stated) {
      String column = r.getString(0);
      String logical = r.isNullAt(2) ? r.getString(1) : r.getString(2);
      String declared = column + " (" + decimals.get(column).sql() + ")";
      boolean precise = DECIMAL.equals(logical) || VARIABLE_SCALE.equals(logical);
      if (precise != (handling == DecimalHandling.PRECISE)) {
        out.add("sync.cdc-decimal-handling = " + handling.name().toLowerCase(Locale.ROOT) + " but the events' schema sends "
            + declared + " as " + logical + (precise ? " (decimal.handling.mode = precise)" : "")
            + "; set sync.cdc-decimal-handling to the connector's decimal.handling.mode");
      } else if (DECIMAL.equals(logical) && !String.valueOf(decimals.get(column).scale()).equals(r.getString(3))) {
        out.add("the events' schema gives " + declared + " scale " + r.getString(3) + ", so its bytes cannot be read"
            + " with the column's scale " + decimals.get(column).scale() + "; the source column's type changed:"
            + " reload the table with trickle load");
      }
    }
    return out;
  }

  /** Base64 of an unscaled value and its scale to the column's decimal; null unless exact. */
  private record Unscaled(int precision, int scale) implements UDF2<String, Integer, BigDecimal> {
    @Override
    public BigDecimal call(String base64, Integer valueScale) {
      if (base64 == null || valueScale == null) {
        return null;
      }
      try {
        byte[] bytes = Base64.getDecoder().decode(base64);
        if (bytes.length == 0) {
          return null;
        }
        BigDecimal value = new BigDecimal(new BigInteger(bytes), valueScale).setScale(scale, RoundingMode.UNNECESSARY);
        return value.precision() - value.scale() > precision - scale ? null : value;
      } catch (IllegalArgumentException | ArithmeticException e) {
        return null; // not base64, or digits the column's scale would round away: reported by undecodable()
      }
    }
  }
}
