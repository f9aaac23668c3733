package dev.trickle.sync;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.json_object_keys;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.map_keys;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.when;

import dev.trickle.TrickleException;
import dev.trickle.config.ColumnsConfig;
import dev.trickle.config.DecimalHandling;
import dev.trickle.source.ParquetListing;
import dev.trickle.source.SourcePosition;
import dev.trickle.state.SourceFilesLedger;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code cdc}: Debezium JSON change events from files in {@code sync.cdc-path}. Each batch reads
 * the files no earlier batch processed (path, size and modification time, kept in
 * {@code source_files}); within the batch the events are ordered by source position, so duplicate
 * and out-of-order events are harmless and each key's newest event wins. Across batches nothing is
 * skipped by position: a position is where a change sits in the source's log, not when its
 * transaction committed (Debezium streams PostgreSQL transactions in commit order, so a long
 * transaction's early changes arrive after a later-starting one's), and a topic of several
 * partitions delivers files of different keys in no common order. A change in a later file is
 * applied even when an earlier batch applied higher positions of other keys; one key's changes
 * must arrive in order across files, as Debezium (one key, one partition) delivers them.
 */
final class CdcEventChanges implements ChangeReader {
  /**
   * Debezium's default {@code unavailable.value.placeholder}, as text and as the base64 of its
   * bytes (binary columns): what it sends for a value it does not have.
   */
  static final List<String> UNAVAILABLE = List.of("__debezium_unavailable_value", "X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ==");

  /** The newest source position (lsn or ts_ms) a batch applied. */
  static final String CDC_POSITION = "cdc_position";

  private final SparkSession spark;
  private final String table;
  private final String folder;
  private final SourceFilesLedger ledger;
  private final List<String> keys;
  private final StructType rowSchema;
  private final Set<String> excluded;
  private final DecimalHandling decimals;

  /**
   * @param keys key columns, source names
   * @param rowSchema the source row as events carry it (see {@link #rowSchema})
   * @param excluded source columns the table excludes (not new, however often they appear)
   * @param decimals how the events carry decimals (the connector's decimal.handling.mode)
   */
  CdcEventChanges(SparkSession spark, String table, String folder, SourceFilesLedger ledger, List<String> keys,
      StructType rowSchema, Set<String> excluded, DecimalHandling decimals) {
    this.spark = spark;
    this.table = table;
    this.folder = folder;
    this.ledger = ledger;
    this.keys = List.copyOf(keys);
    this.rowSchema = rowSchema;
    this.excluded = Set.copyOf(excluded);
    this.decimals = decimals;
  }

  @Override
  public String mode() {
    return "cdc";
  }

  /**
   * The source row an event's before/after holds, from the target's schema: source names, and the
   * target's types except where a cast or mask changed them (then the raw JSON text, which the
   * column mapping casts or masks as the load did).
   */
  static StructType rowSchema(StructType target, ColumnsConfig columns) {
    StructType out = new StructType();
    for (StructField f : target.fields()) {
      boolean raw = columns.cast().containsKey(f.name()) || columns.mask().containsKey(f.name());
      out = out.add(columns.sourceName(f.name()), raw ? DataTypes.StringType : f.dataType(), true);
    }
    return out;
  }

  @Override
  public ChangeSet read(SyncStart start) {
    Set<ParquetListing.File> processed = new HashSet<>(ledger.files(table,
        start.effectiveBatches().stream().map(SourceFilesLedger::forBatch).toList()));
    ParquetListing listing = ParquetListing.of(spark, folder);
    List<ParquetListing.File> fresh = listing.files().stream().filter(f -> !processed.contains(f)).toList();
    if (fresh.isEmpty()) {
      return ChangeSet.unchanged(start.position());
    }
    OptionalLong applied = start.position().getLong(CDC_POSITION);
    Dataset<Row> events = DebeziumEvents.parse(spark.read().text(fresh.stream().map(ParquetListing.File::path).toArray(String[]::new))
        .select(col(DebeziumEvents.TEXT), col("_metadata.file_path").as(DebeziumEvents.FILE),
            monotonically_increasing_id().as(DebeziumEvents.LINE)));
    Row stats = summarize(events);
    Dataset<Row> current = events.where(col(DebeziumEvents.OP).isNotNull());
    StructType schema = withNewColumns(current, stats.getList(4));
    EventEncoding encoding = encodingOf(stats.getList(6), schema);
    requireDecodable(current, schema, encoding);
    long newest = Math.max(applied.orElse(Long.MIN_VALUE), stats.isNullAt(3) ? Long.MIN_VALUE : stats.getLong(3));
    SourcePosition to = SourcePosition.of("cdc")
        .with(CDC_POSITION, newest == Long.MIN_VALUE ? null : newest)
        .with(SourcePosition.FILES, processed.size() + fresh.size())
        .with(SourcePosition.TAKEN_AT, Instant.now());
    return ChangeSet.of(DebeziumEvents.images(current, schema, keys, encoding), to)
        .withFiles(new ParquetListing(fresh))
        .withNote(fresh.size() + " new event file(s), " + stats.getLong(0) + " event(s)");
  }

  /**
   * events, damaged lines, truncates, newest position, keys seen in after images, a file with a
   * damaged line, the distinct image schemas ({@link ConnectSchema}), events with Debezium's
   * unavailable-value placeholder, a file and the columns with one; fails on damaged lines,
   * truncates and placeholders.
   */
  private Row summarize(Dataset<Row> events) {
    Column isEvent = col(DebeziumEvents.OP).isNotNull();
    Column placeholder = col(DebeziumEvents.AFTER).contains(UNAVAILABLE.get(0))
        .or(col(DebeziumEvents.AFTER).contains(UNAVAILABLE.get(1)));
    Column junk = col(DebeziumEvents.JUNK);
    Row stats = events.agg(
        count(when(isEvent, lit(1))),
        count(when(junk, lit(1))),
        count(when(col(DebeziumEvents.OP).equalTo("t"), lit(1))),
        max(when(isEvent, col(DebeziumEvents.POSITION))),
        array_distinct(flatten(collect_set(json_object_keys(col(DebeziumEvents.AFTER))))),
        min(when(junk, col(DebeziumEvents.FILE))),
        ConnectSchema.distinctImages(),
        count(when(isEvent.and(placeholder), lit(1))),
        min(when(isEvent.and(placeholder), col(DebeziumEvents.FILE))),
        array_distinct(flatten(collect_set(when(isEvent.and(placeholder), map_keys(map_filter(
            from_json(col(DebeziumEvents.AFTER), DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType)),
            (k, v) -> v.isin(UNAVAILABLE.toArray())))))))).head();
    if (stats.getLong(1) > 0) {
      throw TrickleException.badInput("Cannot read the change events of table " + table + ": " + stats.getLong(1)
          + " line(s) are not JSON objects, e.g. in " + stats.getString(5) + ". Fix or move the damaged file(s); "
          + "nothing was applied.");
    }
    if (stats.getLong(2) > 0) {
      throw TrickleException.badInput("Cannot apply the change events of table " + table + ": " + stats.getLong(2)
          + " truncate event(s) (op t) in " + folder + ". A truncate removes every row; reload the table with trickle load.");
    }
    if (stats.getLong(7) > 0) {
      throw TrickleException.badInput("Cannot apply the change events of table " + table + ": " + stats.getLong(7)
          + " event(s) carry Debezium's placeholder for a value it did not send (" + UNAVAILABLE.get(0) + ") in column(s) "
          + stats.getList(9) + ", e.g. in " + stats.getString(8) + "; PostgreSQL sends no unchanged large (TOASTed) value "
          + "under REPLICA IDENTITY DEFAULT, and applying the placeholder would overwrite the real value. Set REPLICA "
          + "IDENTITY FULL on the source table, replace the file(s) with events that carry the values (or move them out "
          + "and reload the table), then sync again. Nothing was applied.");
    }
    return stats;
  }

  /**
   * How the events encode decimals and numeric timestamps: as configured, with what their own
   * schema states where they carry one; stops the batch when the schema contradicts it.
   */
  private EventEncoding encodingOf(List<Row> imageSchemas, StructType schema) {
    EventEncoding.Result result = EventEncoding.from(
        ConnectSchema.stated(imageSchemas, EventEncoding.encodedColumns(schema)), schema, decimals);
    if (!result.problems().isEmpty()) {
      throw TrickleException.badInput("Cannot apply the change events of table " + table + ": "
          + String.join("; ", result.problems()) + ". Nothing was applied.");
    }
    return result.encoding();
  }

  /** Stops the batch when some column's values would land as NULL (see {@link DebeziumEvents#undecodable}). */
  private void requireDecodable(Dataset<Row> events, StructType schema, EventEncoding encoding) {
    List<DebeziumEvents.Undecodable> lost = DebeziumEvents.undecodable(events, schema, encoding);
    if (lost.isEmpty()) {
      return;
    }
    String columns = lost.stream().map(u -> u.column() + " (" + u.type().sql() + "): " + u.values() + " value(s), e.g. in "
        + u.file()).collect(java.util.stream.Collectors.joining("; "));
    boolean lostDecimals = lost.stream().anyMatch(u -> u.type() instanceof org.apache.spark.sql.types.DecimalType);
    throw TrickleException.badInput("Cannot apply the change events of table " + table + ": events carry values their "
        + "column's type cannot read, which would land as NULL: " + columns + ". "
        + (lostDecimals ? decimalHint() : "")
        + "Send each value as JSON of the column's type (dates and timestamps also as ISO text or Debezium's numbers), "
        + "replace the file(s), then sync again. Nothing was applied.");
  }

  private String decimalHint() {
    return decimals == DecimalHandling.PRECISE
        ? "with sync.cdc-decimal-handling = precise a decimal must be the base64 bytes of its unscaled value, exact in "
            + "the column's type (set the key to the connector's decimal.handling.mode); "
        : "Debezium sends decimals as base64 bytes in its default decimal.handling.mode = precise: set "
            + "sync.cdc-decimal-handling = precise (or the connector's mode to string); ";
  }

  /** The row schema plus columns the after images carry that the target lacks, typed by inference. */
  private StructType withNewColumns(Dataset<Row> events, List<String> seen) {
    Set<String> known = new HashSet<>(List.of(rowSchema.fieldNames()));
    Set<String> fresh = new LinkedHashSet<>();
    for (String name : seen) {
      if (!known.contains(name) && !excluded.contains(name)) {
        fresh.add(name);
      }
    }
    if (fresh.isEmpty()) {
      return rowSchema;
    }
    StructType inferred = spark.read().json(events.select(col(DebeziumEvents.AFTER)).where(col(DebeziumEvents.AFTER).isNotNull())
        .as(org.apache.spark.sql.Encoders.STRING())).schema();
    StructType out = rowSchema;
    for (String name : fresh) {
      out = out.add(name, inferred.apply(name).dataType(), true);
    }
    return out;
  }
}
