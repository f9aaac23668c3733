package dev.trickle.sync;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.json_object_keys;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import dev.trickle.config.DecimalHandling;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Debezium's JSON change events, one per line: the envelope ({@code op}, {@code before},
 * {@code after}, {@code source.lsn} or {@code source.ts_ms}), bare or inside {@code payload} (the
 * converter with schemas on). Pure functions over Datasets.
 *
 * <p>Values are decoded by the target's column types. Dates and timestamps may be ISO strings or
 * Debezium's numbers: days since the epoch ({@code io.debezium.time.Date}) and, for timestamps,
 * the unit the batch's {@link EventEncoding} gives the column (microseconds unless the events'
 * schema says milliseconds or nanoseconds). Decimals come as the
 * connector's {@code decimal.handling.mode} sends them ({@link DecimalHandling}): text or numbers,
 * or precise bytes ({@link DebeziumDecimals}).
 */
final class DebeziumEvents {
  static final String OP = "_cdc_op";
  static final String BEFORE = "_cdc_before";
  static final String AFTER = "_cdc_after";
  static final String POSITION = "_cdc_position";
  static final String FILE = "_cdc_file";
  static final String LINE = "_cdc_line";
  static final String TEXT = "value";
  /** The image schemas of the converter's schema, where a line carries one ({@link ConnectSchema}). */
  static final String IMAGE_SCHEMAS = "_cdc_image_schemas";
  /** True for a line that is neither blank, a tombstone, nor a JSON object: a damaged file. */
  static final String JUNK = "_cdc_junk";

  private static final StructType ENVELOPE = new StructType()
      .add("op", DataTypes.StringType)
      .add("before", DataTypes.StringType) // objects kept as JSON text; decoded later by the row schema
      .add("after", DataTypes.StringType)
      .add("source", new StructType().add("lsn", DataTypes.LongType).add("ts_ms", DataTypes.LongType))
      .add("ts_ms", DataTypes.LongType);
  private static final StructType WRAPPED = new StructType().add("payload", ENVELOPE);

  private DebeziumEvents() {}

  /** Whether a line is a tombstone or blank: nothing to apply, nothing wrong. */
  static Column isBlank(Column text) {
    return trim(text).equalTo("").or(trim(text).equalTo("null")).or(text.isNull());
  }

  /**
   * Lines ({@link #TEXT}, {@link #FILE}, {@link #LINE}) to events: op, before and after as JSON
   * text, and the source position (lsn, else the source's ts_ms). Lines that are not events keep
   * a null op.
   */
  static Dataset<Row> parse(Dataset<Row> lines) {
    Column wrapped = from_json(col(TEXT), WRAPPED).getField("payload");
    Column bare = from_json(col(TEXT), ENVELOPE);
    Column envelope = when(wrapped.isNotNull().and(wrapped.getField("op").isNotNull()), wrapped).otherwise(bare);
    return lines.select(
        envelope.getField("op").as(OP),
        envelope.getField("before").as(BEFORE),
        envelope.getField("after").as(AFTER),
        coalesce(envelope.getField("source").getField("lsn"), envelope.getField("source").getField("ts_ms"),
            envelope.getField("ts_ms")).as(POSITION),
        col(FILE), col(LINE),
        not(isBlank(col(TEXT))).and(json_object_keys(col(TEXT)).isNull()).as(JUNK),
        ConnectSchema.imageSchemas(col(TEXT)).as(IMAGE_SCHEMAS));
  }

  /**
   * Events to change images in source column names, each key's newest event winning: c, r and u
   * upsert their after image, d deletes its before image's key; an update that changed the key
   * also deletes the old key. Order: source position, then file and line (arrival order).
   */
  static Dataset<Row> images(Dataset<Row> events, StructType rowSchema, List<String> keys, EventEncoding encoding) {
    StructType parseSchema = asParsed(rowSchema, encoding.decimals());
    Column after = from_json(col(AFTER), parseSchema);
    Column before = from_json(col(BEFORE), parseSchema);
    List<String> meta = List.of(POSITION, FILE, LINE);
    events = events.drop(JUNK);
    Dataset<Row> upserts = events.where(col(OP).isin("c", "r", "u"))
        .select(row(after, rowSchema, encoding, meta, Changes.UPSERT));
    Dataset<Row> deletes = events.where(col(OP).equalTo("d"))
        .select(row(before, rowSchema, encoding, meta, Changes.DELETE));
    Column keyChanged = lit(false);
    for (String key : keys) {
      keyChanged = keyChanged.or(not(before.getField(key).eqNullSafe(after.getField(key))));
    }
    Dataset<Row> movedKeys = events.where(col(OP).equalTo("u").and(col(BEFORE).isNotNull()).and(keyChanged))
        .select(row(before, rowSchema, encoding, meta, Changes.DELETE));
    Dataset<Row> all = upserts.unionByName(deletes).unionByName(movedKeys);
    return Changes.latestPerKey(all, keys,
            List.of(col(POSITION).desc(), col(FILE).desc(), col(LINE).desc(), Changes.upsertFirst()))
        .drop(POSITION, FILE, LINE);
  }

  /** A column some events carry values of that its type cannot read, and how many. */
  record Undecodable(String column, DataType type, long values, String file) {}

  /**
   * Columns whose value, present in an event's before or after image, decodes to NULL: Spark's
   * JSON reader turns what it cannot read as the column's type into NULL silently (base64 bytes
   * of a precise decimal read as text, a date that is no date), which would land as a NULL in the
   * target. One pass: each image read once as text per column and once decoded.
   */
  static List<Undecodable> undecodable(Dataset<Row> events, StructType rowSchema, EventEncoding encoding) {
    StructType asText = new StructType(java.util.Arrays.stream(rowSchema.fields())
        .map(f -> DataTypes.createStructField(f.name(), DataTypes.StringType, true)).toArray(StructField[]::new));
    StructType parseSchema = asParsed(rowSchema, encoding.decimals());
    record Image(Column asText, Column typed) {}
    List<Image> images = List.of(BEFORE, AFTER).stream()
        .map(image -> new Image(from_json(col(image), asText), from_json(col(image), parseSchema))).toList();
    List<Column> figures = new ArrayList<>();
    for (StructField f : rowSchema.fields()) {
      Column lost = lit(false);
      for (Image image : images) {
        Column decoded = decode(image.typed().getField(f.name()), f, encoding);
        lost = lost.or(image.asText().getField(f.name()).isNotNull().and(decoded.isNull()));
      }
      figures.add(count(when(lost, lit(1))));
      figures.add(min(when(lost, col(FILE))));
    }
    Row found = events.agg(figures.get(0), figures.subList(1, figures.size()).toArray(Column[]::new)).head();
    List<Undecodable> out = new ArrayList<>();
    for (int i = 0; i < rowSchema.fields().length; i++) {
      if (found.getLong(2 * i) > 0) {
        StructField f = rowSchema.fields()[i];
        out.add(new Undecodable(f.name(), f.dataType(), found.getLong(2 * i), found.getString(2 * i + 1)));
      }
    }
    return out;
  }

  private static Column not(Column c) {
    return org.apache.spark.sql.functions.not(c);
  }

  private static Column[] row(Column image, StructType rowSchema, EventEncoding encoding, List<String> meta,
      String change) {
    List<Column> out = new ArrayList<>();
    for (StructField f : rowSchema.fields()) {
      out.add(decode(image.getField(f.name()), f, encoding).as(f.name()));
    }
    meta.forEach(m -> out.add(col(m)));
    out.add(lit(change).as(Changes.CHANGE));
    return out.toArray(Column[]::new);
  }

  /**
   * The schema JSON is parsed with: dates, timestamps and precise decimals as text, decoded by
   * {@link #decode}.
   */
  private static StructType asParsed(StructType rowSchema, DecimalHandling decimals) {
    StructType out = new StructType();
    for (StructField f : rowSchema.fields()) {
      out = out.add(f.name(), isText(f.dataType(), decimals) ? DataTypes.StringType : f.dataType(), true);
    }
    return out;
  }

  private static boolean isText(DataType type, DecimalHandling decimals) {
    return isTemporal(type) || (type instanceof DecimalType && decimals == DecimalHandling.PRECISE);
  }

  private static boolean isTemporal(DataType type) {
    return type.equals(DataTypes.DateType) || type.equals(DataTypes.TimestampType)
        || type.equals(DataTypes.TimestampNTZType);
  }

  private static Column decode(Column value, StructField field, EventEncoding encoding) {
    DataType type = field.dataType();
    if (!isText(type, encoding.decimals())) {
      return value;
    }
    if (type instanceof DecimalType decimal) {
      return DebeziumDecimals.decode(value, decimal);
    }
    Column numeric = value.rlike("^-?[0-9]+$");
    // try_cast: text that is no date or timestamp decodes to NULL, which undecodable() reports.
    Column fromNumber = type.equals(DataTypes.DateType)
        ? date_add(lit("1970-01-01").cast(DataTypes.DateType), value.try_cast(DataTypes.IntegerType))
        : timestamp(value, encoding.unitOf(field.name())).cast(type);
    return when(numeric, fromNumber).otherwise(value.try_cast(type));
  }

  /** A timestamp number in its unit; nanoseconds keep their microseconds, as Spark's timestamps do. */
  private static Column timestamp(Column number, EventEncoding.TimestampUnit unit) {
    return switch (unit) {
      case MILLIS -> timestamp_millis(number.try_cast(DataTypes.LongType));
      case MICROS -> timestamp_micros(number.try_cast(DataTypes.LongType));
      case NANOS -> timestamp_micros(floor(number.try_cast(DataTypes.createDecimalType(20, 0)).divide(lit(1000)))
          .cast(DataTypes.LongType));
    };
  }
}
