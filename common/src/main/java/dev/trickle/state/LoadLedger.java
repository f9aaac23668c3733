package dev.trickle.state;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.trickle.plan.Chunk;
import dev.trickle.source.SourcePosition;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The load ledgers. {@code loads} has a row per load attempt of a table with the source position
 * its snapshot was taken at: the first sync after a load starts exactly there. {@code load_chunks}
 * records each chunk of a load: its predicate (PLANNED, written once when the load is planned, so a
 * resumed load reuses exactly the same chunks), and a row per finished or failed attempt.
 *
 * <p>A resumed load (same {@code load_id}, a new attempt row) keeps the first attempt's source
 * position: the chunks finished by the first attempt hold data as of that position, so a sync that
 * starts from the earliest position misses nothing; changes that later chunks already hold are
 * applied again, which upserts make harmless.
 */
public final class LoadLedger {
  public static final String LOADS = "loads";
  public static final String LOAD_CHUNKS = "load_chunks";

  public static final String RUNNING = "RUNNING";
  public static final String DONE = "DONE";
  public static final String FAILED = "FAILED";
  public static final String PLANNED = "PLANNED";

  public static final StructType LOADS_SCHEMA = new StructType()
      .add("table_name", DataTypes.StringType, false)
      .add("load_id", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false) // RUNNING, DONE, FAILED
      .add("source_position", DataTypes.StringType, true) // SourcePosition JSON
      .add("chunks", DataTypes.IntegerType, true)
      .add("rows", DataTypes.LongType, true)
      .add("target_version", DataTypes.LongType, true)
      .add("started_at", DataTypes.TimestampType, false)
      .add("finished_at", DataTypes.TimestampType, true)
      .add("run_id", DataTypes.StringType, true) // the attempt's row in runs
      .add("target_base_version", DataTypes.LongType, true) // target version once emptied/created for this load
      .add("error", DataTypes.StringType, true)
      .add("target", DataTypes.StringType, true); // the target's folder or catalog name

  public static final StructType LOAD_CHUNKS_SCHEMA = new StructType()
      .add("table_name", DataTypes.StringType, false)
      .add("load_id", DataTypes.StringType, false)
      .add("chunk_id", DataTypes.IntegerType, false)
      .add("predicate", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false) // PLANNED, DONE, FAILED
      .add("rows", DataTypes.LongType, true)
      .add("attempt", DataTypes.IntegerType, true)
      .add("started_at", DataTypes.TimestampType, true)
      .add("finished_at", DataTypes.TimestampType, true)
      .add("target_predicate", DataTypes.StringType, true)
      .add("estimated_rows", DataTypes.LongType, true)
      .add("error", DataTypes.StringType, true);

  /** A finished load, as sync and reconcile need it; {@code finishedAt} is when its DONE attempt ended. */
  public record Load(String table, String loadId, SourcePosition position, long rows, Long targetVersion, Instant finishedAt) {}

  /**
   * A table's latest load, as a re-run needs it.
   *
   * @param status the latest attempt's status (RUNNING also when that attempt died)
   * @param position the first attempt's source position
   * @param targetBaseVersion set once the target was created or emptied for this load
   * @param plan the recorded chunks (empty if the load died before recording them)
   * @param doneRows rows per finished chunk, over all attempts
   * @param attempts how many attempts were recorded
   * @param target the target it wrote (folder or catalog name)
   */
  public record LoadState(String loadId, String status, Optional<SourcePosition> position, Optional<Long> targetBaseVersion,
      List<Chunk> plan, Map<Integer, Long> doneRows, int attempts, Optional<String> target) {

    public boolean done() {
      return DONE.equals(status);
    }

    public long doneRowCount() {
      return doneRows.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final DeltaLedger loads;
  private final DeltaLedger chunks;

  public LoadLedger(SparkSession spark, String stateDir) {
    this.loads = new DeltaLedger(spark, stateDir, LOADS, LOADS_SCHEMA);
    this.chunks = new DeltaLedger(spark, stateDir, LOAD_CHUNKS, LOAD_CHUNKS_SCHEMA);
  }

  public DeltaLedger loads() {
    return loads;
  }

  public DeltaLedger chunks() {
    return chunks;
  }

  /** The table's most recent DONE load, if it was ever loaded. */
  public Optional<Load> latestDone(String table) {
    List<Row> rows = loads.read()
        .where(col("table_name").equalTo(table).and(col("status").equalTo(DONE)))
        .orderBy(col("finished_at").desc())
        .limit(1)
        .collectAsList();
    return rows.stream().findFirst().map(r -> new Load(
        r.getAs("table_name"), r.getAs("load_id"),
        r.getAs("source_position") == null ? null : SourcePosition.parse(r.getAs("source_position")),
        r.getAs("rows") == null ? 0L : r.<Long>getAs("rows"),
        r.getAs("target_version"),
        r.getAs("finished_at") == null ? Instant.EPOCH : r.<Timestamp>getAs("finished_at").toInstant()));
  }

  /** The table's latest load (by its first attempt's start), with its plan and finished chunks. */
  public Optional<LoadState> latest(String table) {
    List<Row> attempts = loads.read().where(col("table_name").equalTo(table)).collectAsList();
    Optional<String> loadId = attempts.stream()
        .min(Comparator.comparing((Row r) -> r.<Timestamp>getAs("started_at")).reversed())
        .map(r -> r.<String>getAs("load_id"));
    if (loadId.isEmpty()) {
      return Optional.empty();
    }
    List<Row> mine = attempts.stream().filter(r -> loadId.get().equals(r.getAs("load_id")))
        .sorted(Comparator.comparing((Row r) -> r.<Timestamp>getAs("started_at"))).toList();
    Row first = mine.get(0);
    Row last = mine.get(mine.size() - 1);
    Optional<Long> base = mine.stream().map(r -> r.<Long>getAs("target_base_version")).filter(v -> v != null).findFirst();

    Map<Integer, Chunk> plan = new TreeMap<>();
    Map<Integer, Long> done = new TreeMap<>();
    for (Row r : chunks.read().where(col("table_name").equalTo(table).and(col("load_id").equalTo(loadId.get()))).collectAsList()) {
      int id = r.getAs("chunk_id");
      String status = r.getAs("status");
      if (PLANNED.equals(status)) {
        Long estimated = r.getAs("estimated_rows");
        plan.put(id, new Chunk(id, r.getAs("predicate"), Optional.ofNullable(r.getAs("target_predicate")),
            estimated == null ? 0 : estimated));
      } else if (DONE.equals(status)) {
        Long rows = r.getAs("rows");
        done.putIfAbsent(id, rows == null ? 0 : rows);
      }
    }
    String position = first.getAs("source_position");
    return Optional.of(new LoadState(loadId.get(), last.getAs("status"),
        Optional.ofNullable(position).map(SourcePosition::parse), base, List.copyOf(plan.values()), done, mine.size(),
        Optional.ofNullable(first.getAs("target"))));
  }

  /** An attempt starts: a RUNNING row with the position its data is as of. */
  public void started(String table, String loadId, String runId, SourcePosition position, int chunkCount,
      Instant startedAt, Optional<Long> targetBaseVersion, String target) {
    loads.append(List.of(RowFactory.create(table, loadId, RUNNING, position.toJson(), chunkCount, null, null,
        Timestamp.from(startedAt), null, runId, targetBaseVersion.orElse(null), null, target)));
  }

  /** The plan, once per load: a PLANNED row per chunk, in one commit. */
  public void planned(String table, String loadId, List<Chunk> plan) {
    chunks.append(plan.stream().map(c -> RowFactory.create(table, loadId, c.id(), c.predicate(), PLANNED, null, null, null, null,
        c.targetPredicate().orElse(null), c.estimatedRows(), null)).toList());
  }

  /** The target was created or emptied for this load; its version then. */
  public void targetReady(String table, String loadId, String runId, long version) {
    loads.update(attempt(table, loadId, runId), Map.of("target_base_version", lit(version)));
  }

  /** A chunk attempt ended: DONE after its data commit, or FAILED with the (redacted) error. */
  public void chunkEnded(String table, String loadId, Chunk chunk, String status, Long rows, int attempt,
      Instant startedAt, Instant finishedAt, String error) {
    chunks.append(List.of(RowFactory.create(table, loadId, chunk.id(), chunk.predicate(), status, rows, attempt,
        Timestamp.from(startedAt), Timestamp.from(finishedAt), chunk.targetPredicate().orElse(null), chunk.estimatedRows(), error)));
  }

  /** An attempt ended: DONE (every chunk finished) or FAILED. */
  public void finished(String table, String loadId, String runId, String status, long rows, long targetVersion, String error) {
    Map<String, Column> set = new LinkedHashMap<>();
    set.put("status", lit(status));
    set.put("rows", lit(rows));
    set.put("target_version", lit(targetVersion));
    set.put("finished_at", lit(Timestamp.from(Instant.now())));
    set.put("error", error == null ? lit(null).cast(DataTypes.StringType) : lit(error));
    loads.update(attempt(table, loadId, runId), set);
  }

  private static Column attempt(String table, String loadId, String runId) {
    return col("table_name").equalTo(table).and(col("load_id").equalTo(loadId)).and(col("run_id").equalTo(runId));
  }
}
