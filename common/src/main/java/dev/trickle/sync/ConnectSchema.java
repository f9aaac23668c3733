package dev.trickle.sync;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.from_json;

import java.util.Collection;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What Kafka Connect's JSON converter states about the image columns when it writes its schema
 * along ({@code schemas.enable = true}, its default): the encoding of values that JSON alone
 * cannot tell, such as a decimal's scale or a timestamp number's unit.
 */
final class ConnectSchema {
  private static final StructType FIELD = new StructType()
      .add("field", DataTypes.StringType).add("type", DataTypes.StringType).add("name", DataTypes.StringType)
      .add("parameters", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
  /** The part of the converter's schema that describes the before and after images. */
  private static final StructType ENVELOPE = new StructType().add("schema", new StructType()
      .add("fields", DataTypes.createArrayType(new StructType()
          .add("field", DataTypes.StringType).add("fields", DataTypes.createArrayType(FIELD)))));

  private ConnectSchema() {}

  /**
   * One column's description in an image's schema.
   *
   * @param type Connect's type (int64, bytes, string, ...)
   * @param name the logical type, e.g. {@code io.debezium.time.MicroTimestamp}; null for none
   * @param scale a decimal's {@code scale} parameter, as written; null for none
   */
  record Stated(String column, String type, String name, String scale) {
    /** The logical type when there is one, else the Connect type. */
    String logical() {
      return name == null ? type : name;
    }
  }

  /**
   * The distinct descriptions of {@code columns} in the lines' schemas; none when no line
   * carries a schema.
   *
   * @param lines event lines ({@link DebeziumEvents#TEXT})
   */
  static List<Stated> stated(Dataset<Row> lines, Collection<String> columns) {
    if (columns.isEmpty()) {
      return List.of();
    }
    return lines
        .select(explode(from_json(col(DebeziumEvents.TEXT), ENVELOPE).getField("schema").getField("fields")).as("image"))
        .where(col("image.field").isin("before", "after"))
        .select(explode(col("image.fields")).as("f"))
        .where(col("f.field").isin(columns.toArray()))
        .select(col("f.field"), col("f.type"), col("f.name"), col("f.parameters").getItem("scale"))
        .distinct().collectAsList().stream()
        .map(r -> new Stated(r.getString(0), r.getString(1), r.getString(2), r.getString(3)))
        .toList();
  }
}
