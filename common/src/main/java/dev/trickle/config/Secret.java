package dev.trickle.config;

import java.util.Objects;

/** A secret value (a password, a salt) that prints as "****" wherever it ends up. */
public final class Secret {
  public static final String MASK = "****";
  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  public static Secret of(String value) {
    return new Secret(value);
  }

  /** The real value, for the one place that needs it (a JDBC connection, a hash). */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return MASK;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
