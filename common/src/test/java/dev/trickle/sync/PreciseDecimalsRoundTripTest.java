package dev.trickle.sync;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.config.DecimalHandling;
import dev.trickle.demo.DemoCdc;
import dev.trickle.demo.DemoShop;
import dev.trickle.demo.LocalPostgres;
import dev.trickle.testing.DebeziumJson;
import dev.trickle.testing.SharedPostgres;
import dev.trickle.testing.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's stand-in for Debezium encodes PostgreSQL numerics as precise bytes in PostgreSQL;
 * trickle's cdc reader decodes them in Spark. Both ends must agree on every sign and size.
 */
@ExtendWith({SharedSpark.class, SharedPostgres.class})
class PreciseDecimalsRoundTripTest {
  @Test
  void numericsEncodedInPostgresqlDecodeToTheSameValues(LocalPostgres pg, SparkSession spark, @TempDir Path dir)
      throws SQLException, IOException {
    pg.createDatabase(DemoShop.DATABASE);
    List<String> fixed = List.of("0.00", "-0.01", "1.28", "-1.29", "12.34", "-12.34", "9999999999.99", "-9999999999.99");
    List<String> free = List.of("0", "-1.5", "128", "-129", "0.000123", "-7", "12345678901234567890.5", "3");
    try (Connection c = pg.connect(DemoShop.DATABASE); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA probe");
      s.execute("CREATE TABLE probe.prices (id int PRIMARY KEY, fixed numeric(12,2), free numeric)");
      DemoCdc.capture(pg, "probe.prices");
      for (int i = 0; i < fixed.size(); i++) {
        s.execute("INSERT INTO probe.prices VALUES (" + i + ", " + fixed.get(i) + ", " + free.get(i) + ")");
      }
      s.execute("INSERT INTO probe.prices VALUES (99, NULL, NULL)");
    }
    Path file = dir.resolve("events.json");
    DemoCdc.export(pg, "probe.prices", file);
    String events = Files.readString(file);
    assertTrue(events.contains("\"fixed\": " + DebeziumJson.precise("1234")), "12.34 as the bytes of 1234: " + events);

    StructType row = new StructType().add("id", DataTypes.IntegerType).add("fixed", DataTypes.createDecimalType(12, 2))
        .add("free", DataTypes.createDecimalType(38, 18));
    Dataset<Row> parsed = DebeziumEvents.parse(spark.read().text(file.toString())
        .select(col(DebeziumEvents.TEXT), lit("events.json").as(DebeziumEvents.FILE),
            org.apache.spark.sql.functions.monotonically_increasing_id().as(DebeziumEvents.LINE)));
    assertEquals(List.of(), DebeziumEvents.undecodable(parsed, row, EventEncoding.of(DecimalHandling.PRECISE)));
    List<Row> decoded = DebeziumEvents.images(parsed, row, List.of("id"), EventEncoding.of(DecimalHandling.PRECISE)).orderBy("id")
        .collectAsList();
    for (int i = 0; i < fixed.size(); i++) {
      assertEquals(0, new java.math.BigDecimal(fixed.get(i)).compareTo(decoded.get(i).getDecimal(1)), "fixed " + fixed.get(i));
      assertEquals(0, new java.math.BigDecimal(free.get(i)).compareTo(decoded.get(i).getDecimal(2)), "free " + free.get(i));
    }
    assertTrue(decoded.get(fixed.size()).isNullAt(1) && decoded.get(fixed.size()).isNullAt(2), "NULL stays NULL");
  }
}
