package dev.trickle.jobs.sync;

import static dev.trickle.jobs.sync.SyncFixture.assertSameRows;
import static dev.trickle.testing.DebeziumJson.LOGICAL_FIELD;
import static dev.trickle.testing.DebeziumJson.PRECISE_FIELD;
import static dev.trickle.testing.DebeziumJson.precise;
import static dev.trickle.testing.DebeziumJson.withSchema;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trickle.testing.SharedSpark;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * cdc end to end with Debezium JSON envelopes: out-of-order and duplicate events, a delete and a
 * re-insert of one key in one batch, the wrapped (schema + payload) form, Debezium's numeric dates
 * and timestamps (milliseconds where the events' schema says so), Debezium's precise decimals, tombstones, and an old event re-delivered in a later batch.
 */
@ExtendWith(SharedSpark.class)
class CdcSyncTest {
  private static final String PIPELINE = pipeline("customers", "");
  private static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.LongType).add("name", DataTypes.StringType)
      .add("updated_at", DataTypes.TimestampType).add("birthday", DataTypes.DateType);
  private static final Timestamp T0 = Timestamp.from(Instant.parse("2020-01-01T00:00:00Z"));
  private static final Date D0 = Date.valueOf("1990-05-01");

  /** One Parquet-sourced table synced from the events in $DIR/cdc; {@code sync} adds keys to its sync block. */
  private static String pipeline(String table, String sync) {
    return """
        trickle {
          warehouse = "$DIR/lake"
          sources { snap { type = parquet, path = "$DIR/src" } }
          tables { %1$s {
            source { ref = snap, path = "%1$s" }
            keys = [id]
            sync { mode = cdc, cdc-path = "$DIR/cdc"%2$s }
          } }
        }
        """.formatted(table, sync);
  }

  private static String event(String op, String before, String after, long lsn) {
    return "{\"before\":" + before + ",\"after\":" + after + ",\"op\":\"" + op + "\",\"source\":{\"lsn\":" + lsn
        + ",\"ts_ms\":1700000000000},\"ts_ms\":1700000000001}";
  }

  private static String row(long id, String name, String updatedAt, String birthday) {
    return "{\"id\":" + id + ",\"name\":\"" + name + "\",\"updated_at\":" + updatedAt + ",\"birthday\":" + birthday + "}";
  }

  private static Row expected(long id, String name, Timestamp updatedAt, Date birthday) {
    return RowFactory.create(id, name, updatedAt, birthday);
  }

  @Test
  void eventsApplyInSourceOrderWhateverOrderTheyArriveIn(SparkSession spark, @TempDir Path dir) throws IOException {
    SyncFixture f = new SyncFixture(spark, dir, PIPELINE);
    List<Row> initial = List.of(expected(1, "one", T0, D0), expected(2, "two", T0, D0),
        expected(3, "three", T0, D0), expected(4, "four", T0, D0));
    spark.createDataFrame(initial, SCHEMA).coalesce(1).write().parquet(dir.resolve("src/customers").toString());
    Path cdc = Files.createDirectories(dir.resolve("cdc"));
    f.load("customers");

    String micros = "1700000000000000"; // io.debezium.time.MicroTimestamp: 2023-11-14T22:13:20Z
    String days = "19000"; // io.debezium.time.Date: 2022-01-08
    Files.write(cdc.resolve("events-001.json"), List.of(
        event("u", row(1, "one", "null", "null"), row(1, "one-v2", micros, days), 120),
        event("c", "null", row(100, "hundred", "\"2024-01-01T00:00:00Z\"", "\"2000-02-29\""), 110),
        event("u", row(1, "one", "null", "null"), row(1, "one-v1", micros, days), 115), // older: loses to 120
        "",
        event("d", row(2, "two", "null", "null"), "null", 130),
        "null", // a tombstone
        event("c", "null", row(2, "two-again", micros, days), 140), // deleted, then inserted again
        event("c", "null", row(100, "hundred", "\"2024-01-01T00:00:00Z\"", "\"2000-02-29\""), 110), // a duplicate
        event("d", row(3, "three", "null", "null"), "null", 150),
        "{\"schema\":{\"type\":\"struct\"},\"payload\":" + event("u", "null", row(4, "four-v2", micros, days), 160) + "}"));
    JsonNode first = f.sync("customers", 0);

    Timestamp t1 = Timestamp.from(Instant.parse("2023-11-14T22:13:20Z"));
    Date d1 = Date.valueOf(LocalDate.of(2022, 1, 8));
    Dataset<Row> afterFirst = spark.createDataFrame(List.of(expected(1, "one-v2", t1, d1), expected(2, "two-again", t1, d1),
        expected(4, "four-v2", t1, d1), expected(100, "hundred", Timestamp.from(Instant.parse("2024-01-01T00:00:00Z")),
            Date.valueOf("2000-02-29"))), SCHEMA);
    assertSameRows(afterFirst, f.targetRows("customers"), "id", "name", "updated_at", "birthday");
    assertEquals(1, first.get("rows_inserted").asLong(), first.toString());
    assertEquals(3, first.get("rows_updated").asLong(), "1, 2 (deleted and back) and 4: " + first);
    assertEquals(1, first.get("rows_deleted").asLong(), "3: " + first);

    assertEquals("NOOP", f.sync("customers", 0).get("status").asText(), "processed files are remembered");

    // Positions are where changes sit in the source's log, not commit order: a transaction that
    // began before the last applied position (160) and committed after it arrives in a later file.
    Files.write(cdc.resolve("events-002.json"), List.of(
        event("c", "null", row(5, "five-long-transaction", micros, days), 105),
        event("u", "null", row(100, "hundred-v2", micros, days), 155),
        event("u", "null", row(4, "four-v3", micros, days), 200)));
    JsonNode second = f.sync("customers", 0);
    assertEquals(1, second.get("rows_inserted").asLong(), second.toString());
    assertEquals(2, second.get("rows_updated").asLong(), second.toString());
    Dataset<Row> afterSecond = afterFirst.where("id NOT IN (4, 100)").unionByName(spark.createDataFrame(List.of(
        expected(4, "four-v3", t1, d1), expected(5, "five-long-transaction", t1, d1), expected(100, "hundred-v2", t1, d1)),
        SCHEMA));
    assertSameRows(afterSecond, f.targetRows("customers"), "id", "name", "updated_at", "birthday");
  }

  @Test
  void aValueTheColumnTypeCannotReadStopsTheBatchInsteadOfLandingAsNull(SparkSession spark, @TempDir Path dir)
      throws IOException {
    SyncFixture f = new SyncFixture(spark, dir, PIPELINE);
    spark.createDataFrame(List.of(expected(1, "one", T0, D0)), SCHEMA).write().parquet(dir.resolve("src/customers").toString());
    Path cdc = Files.createDirectories(dir.resolve("cdc"));
    f.load("customers");
    long loaded = f.targetVersion("customers");
    Files.write(cdc.resolve("odd.json"), List.of(event("c", "null", row(5, "five", "null", "\"next tuesday\""), 10)));

    JsonNode failed = f.sync("customers", 2);

    String error = failed.get("error").asText();
    assertTrue(error.contains("birthday (DATE): 1 value(s), e.g. in ") && error.contains("odd.json")
        && error.contains("Nothing was applied"), failed.toString());
    assertEquals(loaded, f.targetVersion("customers"), "nothing applied");
    // The fix the message names: the file replaced with readable values.
    Files.write(cdc.resolve("odd.json"), List.of(event("c", "null", row(5, "five", "null", "\"2001-02-03\""), 10)));
    assertEquals(1, f.sync("customers", 0).get("rows_inserted").asLong());
    assertEquals(List.of(Date.valueOf("2001-02-03")), f.targetRows("customers").where("id = 5").select("birthday")
        .collectAsList().stream().map(r -> r.getDate(0)).toList());

    // Debezium's placeholder for a value PostgreSQL did not send (an unchanged TOASTed column).
    long synced = f.targetVersion("customers");
    Files.write(cdc.resolve("toast.json"), List.of(event("u", "null",
        "{\"id\":5,\"name\":\"__debezium_unavailable_value\",\"updated_at\":null,\"birthday\":\"2001-02-04\"}", 11)));
    JsonNode placeholder = f.sync("customers", 2);
    String why = placeholder.get("error").asText();
    assertTrue(why.contains("placeholder") && why.contains("[name]") && why.contains("toast.json")
        && why.contains("REPLICA IDENTITY FULL") && why.contains("Nothing was applied"), why);
    assertEquals(synced, f.targetVersion("customers"), "the real value stays");
  }

  @Test
  void preciseDecimalsAndMillisecondTimestampsApplyAsTheirSchemaStates(SparkSession spark, @TempDir Path dir) throws IOException {
    StructType schema = new StructType().add("id", DataTypes.LongType).add("amount", DataTypes.createDecimalType(12, 2))
        .add("paid_at", DataTypes.TimestampType);
    SyncFixture asDefault = new SyncFixture(spark, dir, pipeline("orders", ""));
    spark.createDataFrame(List.of(RowFactory.create(1L, new BigDecimal("1.00"), T0),
        RowFactory.create(3L, new BigDecimal("3.00"), T0)), schema).write().parquet(dir.resolve("src/orders").toString());
    Path cdc = Files.createDirectories(dir.resolve("cdc"));
    asDefault.load("orders");
    long loaded = asDefault.targetVersion("orders");
    // Debezium's defaults: decimal.handling.mode = precise, a timestamp(3) column in milliseconds
    // (time.precision.mode = adaptive), and the JSON converter's schema on.
    String[] fields = {"{\"type\":\"int64\",\"field\":\"id\"}", PRECISE_FIELD.formatted(2, "amount"),
        LOGICAL_FIELD.formatted("int64", "io.debezium.time.Timestamp", "paid_at")};
    Files.write(cdc.resolve("orders-1.json"), List.of(
        withSchema(event("u", amount(1, precise("100")), amount(1, precise("-250")), 10), fields),
        withSchema(event("c", "null", amount(2, precise("999999999999")), 11), fields),
        withSchema(event("d", amount(3, precise("300")), "null", 12), fields)));

    JsonNode refused = asDefault.sync("orders", 2);

    assertTrue(refused.get("error").asText().contains("sync.cdc-decimal-handling = string but the events' schema sends "
        + "amount (DECIMAL(12,2)) as org.apache.kafka.connect.data.Decimal"), refused.toString());
    assertEquals(loaded, asDefault.targetVersion("orders"), "nothing applied");

    SyncFixture precise = new SyncFixture(spark, dir, pipeline("orders", ", cdc-decimal-handling = precise"));
    JsonNode applied = precise.sync("orders", 0);

    assertEquals(List.of(1L, 1L, 1L), List.of(applied.get("rows_inserted").asLong(), applied.get("rows_updated").asLong(),
        applied.get("rows_deleted").asLong()), applied.toString());
    Timestamp paid = Timestamp.from(Instant.parse("2023-11-14T22:13:20.123Z"));
    assertSameRows(spark.createDataFrame(List.of(RowFactory.create(1L, new BigDecimal("-2.50"), paid),
        RowFactory.create(2L, new BigDecimal("9999999999.99"), paid)), schema), precise.targetRows("orders"),
        "id", "amount", "paid_at");
  }

  private static String amount(long id, String amount) {
    return "{\"id\":" + id + ",\"amount\":" + amount + ",\"paid_at\":1700000000123}";
  }

  @Test
  void aDamagedLineStopsTheBatchNamingTheFile(SparkSession spark, @TempDir Path dir) throws IOException {
    SyncFixture f = new SyncFixture(spark, dir, PIPELINE);
    spark.createDataFrame(List.of(expected(1, "one", T0, D0)), SCHEMA).write().parquet(dir.resolve("src/customers").toString());
    Path cdc = Files.createDirectories(dir.resolve("cdc"));
    f.load("customers");
    Files.write(cdc.resolve("broken.json"), List.of(event("d", row(1, "one", "null", "null"), "null", 10), "{\"op\":\"u\",\"after\":"));

    JsonNode failed = f.sync("customers", 2);

    assertTrue(failed.get("error").asText().contains("1 line(s) are not JSON objects, e.g. in ")
        && failed.get("error").asText().contains("broken.json"), failed.toString());
    assertEquals(1, f.targetRows("customers").count(), "nothing applied");
  }

  @Test
  void eventsInAFolderBelowAnUnderscoreFolderAreRead(SparkSession spark, @TempDir Path dir) throws IOException {
    SyncFixture f = new SyncFixture(spark, dir, PIPELINE.replace("$DIR/cdc", "$DIR/_landing/cdc"));
    spark.createDataFrame(List.of(expected(1, "one", T0, D0)), SCHEMA).write().parquet(dir.resolve("src/customers").toString());
    Path cdc = Files.createDirectories(dir.resolve("_landing/cdc"));
    f.load("customers");
    Files.write(cdc.resolve("events-001.json"), List.of(
        event("c", "null", row(2, "two", "\"2024-01-01T00:00:00Z\"", "\"2000-02-29\""), 10),
        event("d", row(1, "one", "null", "null"), "null", 11)));

    JsonNode batch = f.sync("customers", 0);

    assertEquals("DONE", batch.get("status").asText(), "the folder's files are seen, not hidden by _landing: " + batch);
    assertSameRows(spark.createDataFrame(List.of(expected(2, "two", Timestamp.from(Instant.parse("2024-01-01T00:00:00Z")),
        Date.valueOf("2000-02-29"))), SCHEMA), f.targetRows("customers"), "id", "name", "updated_at", "birthday");
  }
}
