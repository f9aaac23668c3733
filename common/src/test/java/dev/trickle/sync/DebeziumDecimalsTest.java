package dev.trickle.sync;

import static dev.trickle.testing.DebeziumJson.PRECISE_FIELD;
import static dev.trickle.testing.DebeziumJson.STRING_FIELD;
import static dev.trickle.testing.DebeziumJson.precise;
import static dev.trickle.testing.DebeziumJson.withSchema;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.config.DecimalHandling;
import dev.trickle.testing.SharedSpark;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Debezium's precise decimals decoded, and the events' own schema checked, on in-memory lines. */
@ExtendWith(SharedSpark.class)
class DebeziumDecimalsTest {
  private static final StructType ROW = new StructType().add("id", DataTypes.LongType)
      .add("amount", DataTypes.createDecimalType(12, 2));

  private static Dataset<Row> lines(SparkSession spark, List<String> lines) {
    return spark.createDataset(lines, Encoders.STRING()).toDF(DebeziumEvents.TEXT)
        .withColumn(DebeziumEvents.FILE, lit("f1"))
        .withColumn(DebeziumEvents.LINE, org.apache.spark.sql.functions.monotonically_increasing_id());
  }

  private static String created(long id, String amount) {
    return "{\"op\":\"c\",\"after\":{\"id\":" + id + ",\"amount\":" + amount + "},\"source\":{\"lsn\":" + id + "}}";
  }

  private static final String ID = "{\"type\":\"int64\",\"field\":\"id\"}";

  private static List<String> amounts(SparkSession spark, DecimalHandling handling, String... lines) {
    Dataset<Row> events = DebeziumEvents.parse(lines(spark, List.of(lines)));
    return DebeziumEvents.images(events, ROW, List.of("id"), EventEncoding.of(handling)).orderBy(col("id")).collectAsList().stream()
        .map(r -> r.isNullAt(1) ? "null" : r.getDecimal(1).toPlainString()).toList();
  }

  private static List<String> contradictions(Dataset<Row> lines, StructType row, DecimalHandling handling) {
    return DebeziumDecimals.contradictions(DebeziumEventsTest.stated(lines, List.of(row.fieldNames())), row, handling);
  }

  @Test
  void preciseBytesDecodeWithTheColumnsScale(SparkSession spark) {
    assertEquals(List.of("12.34", "-12.34", "9999999999.99", "0.00", "-0.01", "0.10", "1.50", "null"),
        amounts(spark, DecimalHandling.PRECISE,
            created(1, precise("1234")),
            created(2, precise("-1234")),
            created(3, precise("999999999999")), // the largest decimal(12,2)
            created(4, precise("0")),
            created(5, precise("-1")),
            // VariableScaleDecimal (a numeric column of no declared scale): the scale travels along.
            created(6, "{\"scale\":1,\"value\":" + precise("1") + "}"),
            created(7, "{\"scale\":3,\"value\":" + precise("1500") + "}"),
            created(8, "null")));
  }

  @Test
  void preciseValuesThatDoNotFitExactlyAreReportedNotRounded(SparkSession spark) {
    Dataset<Row> events = DebeziumEvents.parse(lines(spark, List.of(
        created(1, precise("1000000000000")), // 10,000,000,000.00: one digit too many for decimal(12,2)
        created(2, "{\"scale\":3,\"value\":" + precise("1234") + "}"), // 1.234: its last digit would round away
        created(3, "\"12.34\""), // text, not base64
        created(4, precise("1234")))));

    List<DebeziumEvents.Undecodable> lost = DebeziumEvents.undecodable(events, ROW, EventEncoding.of(DecimalHandling.PRECISE));

    assertEquals(1, lost.size(), lost.toString());
    assertEquals("amount", lost.get(0).column());
    assertEquals(3, lost.get(0).values(), "every value but the exact one");
  }

  @Test
  void theSameTextReadsAsTheConfiguredHandlingSays(SparkSession spark) {
    // "1234" is a decimal as text and valid base64 (bytes d7 6d f8): only the setting can tell.
    assertEquals(List.of("1234.00"), amounts(spark, DecimalHandling.STRING, created(1, "\"1234\"")));
    assertEquals(List.of(new BigDecimal(new BigInteger(Base64.getDecoder().decode("1234")), 2).toPlainString()),
        amounts(spark, DecimalHandling.PRECISE, created(1, "\"1234\"")));
    assertEquals(List.of("12.50", "7.25"), amounts(spark, DecimalHandling.DOUBLE,
        created(1, "12.5"), created(2, "\"7.25\"")));
  }

  @Test
  void theEventsSchemaIsCheckedAgainstTheHandlingAndTheColumnsScale(SparkSession spark) {
    Dataset<Row> precise = lines(spark, List.of(withSchema(created(1, precise("1234")), PRECISE_FIELD.formatted(2, "amount"), ID),
        withSchema(created(2, precise("5")), PRECISE_FIELD.formatted(2, "amount"), ID)));
    Dataset<Row> otherScale = lines(spark, List.of(withSchema(created(1, precise("1234")), PRECISE_FIELD.formatted(3, "amount"), ID)));
    Dataset<Row> text = lines(spark, List.of(withSchema(created(1, "\"12.34\""), STRING_FIELD.formatted("amount"), ID)));
    Dataset<Row> bare = lines(spark, List.of(created(1, precise("1234")), "null", "{not json"));

    assertEquals(List.of(), contradictions(precise, ROW, DecimalHandling.PRECISE));
    assertEquals(List.of(), contradictions(text, ROW, DecimalHandling.STRING));
    assertEquals(List.of(), contradictions(bare, ROW, DecimalHandling.STRING), "no schema, nothing stated");
    assertEquals(List.of(), contradictions(precise, new StructType().add("id", DataTypes.LongType),
        DecimalHandling.STRING), "no decimal column");

    List<String> found = new ArrayList<>();
    found.addAll(contradictions(precise, ROW, DecimalHandling.STRING));
    found.addAll(contradictions(text, ROW, DecimalHandling.PRECISE));
    found.addAll(contradictions(otherScale, ROW, DecimalHandling.PRECISE));
    assertEquals(3, found.size(), found.toString());
    assertTrue(found.get(0).startsWith("sync.cdc-decimal-handling = string but the events' schema sends amount "
        + "(DECIMAL(12,2)) as org.apache.kafka.connect.data.Decimal (decimal.handling.mode = precise)"), found.get(0));
    assertTrue(found.get(1).startsWith("sync.cdc-decimal-handling = precise but the events' schema sends amount "
        + "(DECIMAL(12,2)) as string;"), found.get(1));
    assertTrue(found.get(2).contains("gives amount (DECIMAL(12,2)) scale 3") && found.get(2).contains("trickle load"),
        found.get(2));
    assertEquals(Arrays.asList("12.34", "0.05"), amounts(spark, DecimalHandling.PRECISE,
        precise.collectAsList().stream().map(r -> r.getString(0)).toArray(String[]::new)));
  }
}
