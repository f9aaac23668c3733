package dev.trickle.config;

import java.util.Locale;

/** How {@code sync} finds what changed at the source. */
public enum SyncMode {
  WATERMARK,
  CDC,
  ICEBERG_SNAPSHOTS,
  PARQUET_FILES,
  DELTA_CDF,
  DIFF;

  /** The mode's name as written in config ("iceberg-snapshots"). */
  public String key() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The default for a source kind when {@code sync.mode = auto}. */
  public static SyncMode defaultFor(SourceKind kind, boolean hasWatermarkColumn) {
    return switch (kind) {
      case JDBC -> hasWatermarkColumn ? WATERMARK : DIFF;
      case ICEBERG -> ICEBERG_SNAPSHOTS;
      case PARQUET -> PARQUET_FILES;
      case DELTA -> DELTA_CDF;
    };
  }

  /** Whether this mode can read changes from a source of this kind. */
  public boolean supports(SourceKind kind) {
    return switch (this) {
      case WATERMARK -> kind == SourceKind.JDBC;
      case ICEBERG_SNAPSHOTS -> kind == SourceKind.ICEBERG;
      case PARQUET_FILES -> kind == SourceKind.PARQUET;
      case DELTA_CDF -> kind == SourceKind.DELTA;
      case CDC, DIFF -> true;
    };
  }
}
