package dev.trickle.sync;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.config.DecimalHandling;
import dev.trickle.testing.DebeziumJson;
import dev.trickle.testing.SharedSpark;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Debezium envelopes to change images, on in-memory lines. */
@ExtendWith(SharedSpark.class)
class DebeziumEventsTest {
  private static final StructType ROW = new StructType().add("id", DataTypes.LongType).add("name", DataTypes.StringType);

  private static Dataset<Row> lines(SparkSession spark, String... lines) {
    return spark.createDataset(List.of(lines), Encoders.STRING()).toDF(DebeziumEvents.TEXT)
        .withColumn(DebeziumEvents.FILE, lit("f1")).withColumn(DebeziumEvents.LINE, org.apache.spark.sql.functions.monotonically_increasing_id());
  }

  /** What the converter's schema of these lines states about {@code columns}, as a batch reads it. */
  static List<ConnectSchema.Stated> stated(Dataset<Row> lines, List<String> columns) {
    return ConnectSchema.stated(DebeziumEvents.parse(lines).agg(ConnectSchema.distinctImages()).head().getList(0), columns);
  }

  @Test
  void bareAndWrappedEnvelopesParseAndJunkIsFlagged(SparkSession spark) {
    List<Row> events = DebeziumEvents.parse(lines(spark,
        "{\"op\":\"c\",\"after\":{\"id\":1,\"name\":\"a\"},\"source\":{\"lsn\":7}}",
        "{\"schema\":{},\"payload\":{\"op\":\"d\",\"before\":{\"id\":1},\"source\":{\"ts_ms\":9}}}",
        "null", "", "{not json")).orderBy(DebeziumEvents.LINE).collectAsList();
    assertEquals("c", events.get(0).getAs(DebeziumEvents.OP));
    assertEquals(7L, events.get(0).<Long>getAs(DebeziumEvents.POSITION));
    assertEquals("d", events.get(1).getAs(DebeziumEvents.OP));
    assertEquals(9L, events.get(1).<Long>getAs(DebeziumEvents.POSITION), "ts_ms when there is no lsn");
    assertEquals(List.of(false, false, false, false, true),
        events.stream().map(r -> r.<Boolean>getAs(DebeziumEvents.JUNK)).toList());
  }

  @Test
  void updatesThatChangeTheKeyDeleteTheOldKey(SparkSession spark) {
    Dataset<Row> events = DebeziumEvents.parse(lines(spark,
        "{\"op\":\"u\",\"before\":{\"id\":1,\"name\":\"a\"},\"after\":{\"id\":2,\"name\":\"a\"},\"source\":{\"lsn\":5}}"));
    String images = DebeziumEvents.images(events, ROW, List.of("id"), EventEncoding.of(DecimalHandling.STRING)).orderBy(col("id")).collectAsList().stream()
        .map(r -> r.get(0) + ":" + r.getAs(Changes.CHANGE)).collect(Collectors.joining(","));
    assertEquals("1:D,2:U", images);
  }

  @Test
  void valuesTheColumnsTypeCannotReadAreFoundNotTurnedIntoNulls(SparkSession spark) {
    StructType row = new StructType().add("id", DataTypes.LongType).add("amount", DataTypes.createDecimalType(12, 2))
        .add("day", DataTypes.DateType).add("name", DataTypes.StringType);
    Dataset<Row> events = DebeziumEvents.parse(lines(spark,
        "{\"op\":\"c\",\"after\":{\"id\":1,\"amount\":\"12.50\",\"day\":19000,\"name\":7},\"source\":{\"lsn\":1}}",
        "{\"op\":\"c\",\"after\":{\"id\":2,\"amount\":12.5,\"day\":\"2024-02-29\",\"name\":null},\"source\":{\"lsn\":2}}",
        // Debezium's default decimal.handling.mode = precise: the unscaled value's bytes in base64.
        "{\"op\":\"u\",\"after\":{\"id\":3,\"amount\":\"BNI=\",\"day\":null},\"source\":{\"lsn\":3}}",
        "{\"op\":\"d\",\"before\":{\"id\":4,\"day\":\"soon\"},\"source\":{\"lsn\":4}}",
        "{\"op\":\"d\",\"before\":{\"id\":\"five\"},\"source\":{\"lsn\":5}}"));

    assertEquals(List.of("id:1", "amount:1", "day:1"), DebeziumEvents.undecodable(events, row, EventEncoding.of(DecimalHandling.STRING)).stream()
        .map(u -> u.column() + ":" + u.values()).toList());
    assertEquals(List.of(), DebeziumEvents.undecodable(events.where(col(DebeziumEvents.POSITION).leq(2)), row, EventEncoding.of(DecimalHandling.STRING)),
        "decimals as text or numbers, dates as days or ISO text, a number into a string column, JSON nulls");
  }

  @Test
  void timestampNumbersDecodeInTheUnitTheEventsSchemaStates(SparkSession spark) {
    StructType row = new StructType().add("id", DataTypes.LongType).add("at", DataTypes.TimestampType);
    String id = "{\"type\":\"int64\",\"field\":\"id\"}";
    java.util.function.BiFunction<String, String, String> event = (logical, at) -> DebeziumJson.withSchema(
        "{\"op\":\"c\",\"after\":{\"id\":1,\"at\":" + at + "},\"source\":{\"lsn\":1}}", id,
        DebeziumJson.LOGICAL_FIELD.formatted("int64", logical, "at"));
    String millis = event.apply("io.debezium.time.Timestamp", "1700000000123");
    String micros = event.apply("io.debezium.time.MicroTimestamp", "1700000000123456");
    String nanos = event.apply("io.debezium.time.NanoTimestamp", "1700000000123456789");
    String bare = "{\"op\":\"c\",\"after\":{\"id\":1,\"at\":1700000000123456},\"source\":{\"lsn\":1}}";

    java.util.function.Function<String, String> decoded = line -> {
      Dataset<Row> lines = lines(spark, line);
      EventEncoding.Result r = EventEncoding.from(stated(lines, List.of("at")), row, DecimalHandling.STRING);
      assertEquals(List.of(), r.problems());
      return DebeziumEvents.images(DebeziumEvents.parse(lines), row, List.of("id"), r.encoding()).first()
          .getTimestamp(1).toInstant().toString();
    };
    assertEquals("2023-11-14T22:13:20.123Z", decoded.apply(millis), "io.debezium.time.Timestamp: milliseconds");
    assertEquals("2023-11-14T22:13:20.123456Z", decoded.apply(micros));
    assertEquals("2023-11-14T22:13:20.123456Z", decoded.apply(nanos), "nanoseconds down to Spark's microseconds");
    assertEquals("2023-11-14T22:13:20.123456Z", decoded.apply(bare), "no schema: microseconds");

    List<String> problems = EventEncoding.from(stated(lines(spark, millis, micros), List.of("at")), row,
        DecimalHandling.STRING).problems();
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("timestamp column at in more than one unit"), problems.get(0));
  }
}
