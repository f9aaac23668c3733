package dev.trickle.testing;

import java.math.BigInteger;
import java.util.Base64;

/** Pieces of Debezium's JSON events as its connector and Kafka Connect's JSON converter write them. */
public final class DebeziumJson {
  /** How the converter's schema describes a decimal column in {@code decimal.handling.mode = precise}. */
  public static final String PRECISE_FIELD = "{\"type\":\"bytes\",\"optional\":true,"
      + "\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1,"
      + "\"parameters\":{\"scale\":\"%d\",\"connect.decimal.precision\":\"12\"},\"field\":\"%s\"}";
  /** ... and in {@code decimal.handling.mode = string}. */
  public static final String STRING_FIELD = "{\"type\":\"string\",\"optional\":true,\"field\":\"%s\"}";
  /**
   * A column of logical type {@code %2$s} on Connect type {@code %1$s}, e.g. a timestamp in
   * milliseconds: {@code LOGICAL_FIELD.formatted("int64", "io.debezium.time.Timestamp", "paid_at")}.
   */
  public static final String LOGICAL_FIELD = "{\"type\":\"%s\",\"optional\":true,\"name\":\"%s\",\"version\":1,"
      + "\"field\":\"%s\"}";

  private DebeziumJson() {}

  /** A precise decimal: the unscaled value's two's-complement bytes (Java's own encoding), in base64, quoted. */
  public static String precise(String unscaled) {
    return "\"" + Base64.getEncoder().encodeToString(new BigInteger(unscaled).toByteArray()) + "\"";
  }

  /**
   * {@code envelope} wrapped with the converter's schema ({@code schemas.enable = true}), its before
   * and after images described by {@code fields} (each a field schema as above).
   */
  public static String withSchema(String envelope, String... fields) {
    String image = "{\"type\":\"struct\",\"fields\":[" + String.join(",", fields)
        + "],\"optional\":true,\"name\":\"shop.public.orders.Value\",\"field\":\"%s\"}";
    return "{\"schema\":{\"type\":\"struct\",\"fields\":[" + image.formatted("before") + "," + image.formatted("after")
        + ",{\"type\":\"string\",\"field\":\"op\"}],\"name\":\"shop.public.orders.Envelope\"},\"payload\":"
        + envelope + "}";
  }
}
