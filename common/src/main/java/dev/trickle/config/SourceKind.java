package dev.trickle.config;

import java.util.Locale;

/** The kinds of source trickle reads from; the value of a source's {@code type}. */
public enum SourceKind {
  JDBC,
  PARQUET,
  ICEBERG,
  DELTA;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
