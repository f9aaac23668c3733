package dev.trickle.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Where a source stood when it was read: what the next sync starts from and what reconcile
 * compares "as of". Stored in the ledgers as a small JSON object, e.g.
 * {@code {"kind":"jdbc","wal_lsn":"0/16B6C50","watermark":"2026-11-20T10:00:00Z"}}. Keys by kind:
 * jdbc {@code wal_lsn}, {@code watermark}; iceberg {@code snapshot_id}; delta {@code version};
 * parquet {@code files} (count) and {@code listing} (digest of paths, sizes and times); every kind
 * {@code taken_at}. Sync modes add their own keys.
 */
public final class SourcePosition {
  public static final String KIND = "kind";
  public static final String WAL_LSN = "wal_lsn";
  public static final String WATERMARK = "watermark";
  public static final String SNAPSHOT_ID = "snapshot_id";
  public static final String VERSION = "version";
  public static final String FILES = "files";
  public static final String LISTING = "listing";
  public static final String TAKEN_AT = "taken_at";

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, String> values;

  private SourcePosition(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  public static SourcePosition of(String kind) {
    return new SourcePosition(Map.of(KIND, kind));
  }

  /** A copy with {@code key} set (or removed when {@code value} is null). */
  public SourcePosition with(String key, Object value) {
    Map<String, String> copy = new TreeMap<>(values);
    if (value == null) {
      copy.remove(key);
    } else {
      copy.put(key, String.valueOf(value));
    }
    return new SourcePosition(copy);
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  public OptionalLong getLong(String key) {
    String v = values.get(key);
    return v == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(v));
  }

  public Map<String, String> values() {
    return values;
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static SourcePosition parse(String json) {
    try {
      return new SourcePosition(JSON.readValue(json, new TypeReference<Map<String, String>>() {}));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Cannot parse source position '" + json + "': " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SourcePosition p && p.values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return toJson();
  }
}
