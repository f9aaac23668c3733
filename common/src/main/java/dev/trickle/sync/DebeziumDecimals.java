package dev.trickle.sync;

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
 * carry the converter's schema ({@link ConnectSchema}), {@link #contradictions} checks it against
 * that scale and against the configured handling, so a wrong guess stops the batch instead of landing values
 * shifted by a power of ten.
 */
final class DebeziumDecimals {
  static final String DECIMAL = "org.apache.kafka.connect.data.Decimal";
  static final String VARIABLE_SCALE = "io.debezium.data.VariableScaleDecimal";

  private static final StructType VARIABLE = new StructType()
      .add("scale", DataTypes.IntegerType).add("value", DataTypes.StringType);
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
   * What the events' own schema ({@link ConnectSchema}) says about the decimal columns that
   * contradicts {@code handling} or the column's type, one sentence each.
   */
  static List<String> contradictions(List<ConnectSchema.Stated> stated, StructType rowSchema, DecimalHandling handling) {
    Map<String, DecimalType> decimals = Arrays.stream(rowSchema.fields())
        .filter(f -> f.dataType() instanceof DecimalType)
        .collect(Collectors.toMap(StructField::name, f -> (DecimalType) f.dataType()));
    List<String> out = new ArrayList<>();
    for (ConnectSchema.Stated s : stated) {
      DecimalType type = decimals.get(s.column());
      if (type == null) {
        continue;
      }
      String declared = s.column() + " (" + type.sql() + ")";
      boolean precise = DECIMAL.equals(s.logical()) || VARIABLE_SCALE.equals(s.logical());
      if (precise != (handling == DecimalHandling.PRECISE)) {
        out.add("sync.cdc-decimal-handling = " + handling.name().toLowerCase(Locale.ROOT) + " but the events' schema sends "
            + declared + " as " + s.logical() + (precise ? " (decimal.handling.mode = precise)" : "")
            + "; set sync.cdc-decimal-handling to the connector's decimal.handling.mode");
      } else if (DECIMAL.equals(s.logical()) && !String.valueOf(type.scale()).equals(s.scale())) {
        out.add("the events' schema gives " + declared + " scale " + s.scale() + ", so its bytes cannot be read"
            + " with the column's scale " + type.scale() + "; the source column's type changed:"
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
