package dev.trickle.sync;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.from_json;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
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
      .add("parameters", new StructType().add("scale", DataTypes.StringType)); // a struct: collect_set takes no map
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

  /** The image schemas a line's converter schema holds (null for a bare envelope), for {@link #distinctImages}. */
  static Column imageSchemas(Column text) {
    return from_json(text, ENVELOPE).getField("schema").getField("fields");
  }

  /**
   * An aggregate over events ({@link DebeziumEvents#IMAGE_SCHEMAS}): their distinct image schemas,
   * few per batch, so the events need no pass of their own for {@link #stated}.
   */
  static Column distinctImages() {
    return array_distinct(flatten(collect_set(col(DebeziumEvents.IMAGE_SCHEMAS))));
  }

  /**
   * The distinct descriptions of {@code columns} in the before and after images of
   * {@code images} (what {@link #distinctImages} gave); none when no event carried a schema.
   */
  static List<Stated> stated(List<Row> images, Collection<String> columns) {
    Set<Stated> out = new LinkedHashSet<>();
    for (Row image : images) {
      if (!List.of("before", "after").contains(image.getString(0)) || image.isNullAt(1)) {
        continue;
      }
      for (Row f : image.<Row>getList(1)) {
        if (columns.contains(f.getString(0))) {
          out.add(new Stated(f.getString(0), f.getString(1), f.getString(2), f.isNullAt(3) ? null : f.getStruct(3).getString(0)));
        }
      }
    }
    return List.copyOf(out);
  }
}
