package dev.trickle.config;

/**
 * How cdc events carry decimal values ({@code sync.cdc-decimal-handling}): set it to the Debezium
 * connector's {@code decimal.handling.mode}. The events themselves cannot always tell: without
 * the converter's schema, the base64 text {@code "1234"} is also a decimal written as text.
 */
public enum DecimalHandling {
  /** Text of the exact value, e.g. {@code "12.50"}; also accepts JSON numbers. */
  STRING,
  /** JSON numbers, e.g. {@code 12.5}; also accepts text. */
  DOUBLE,
  /**
   * Debezium's default: the unscaled value's two's-complement bytes in base64, its scale the
   * column's; a column of no fixed scale as {@code {"scale": s, "value": base64}}.
   */
  PRECISE
}
