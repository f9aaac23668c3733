package dev.trickle.target;

import static org.apache.spark.sql.functions.col;

import dev.trickle.config.TargetConfig;
import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaTableBuilder;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.concurrent.Await;
import scala.concurrent.duration.Duration;

/**
 * A table's Delta target, by path or catalog name. Chunk writes are idempotent: each is a blind
 * append carrying Delta's {@code txnAppId}/{@code txnVersion}, so a chunk whose commit already
 * landed (a crash between the data commit and the ledger row) is never written twice, and
 * concurrent chunk commits never conflict (blind appends read nothing another commit changes).
 * Each chunk commit is tagged in its {@code userMetadata}, which is how the rows it wrote are
 * found again.
 */
public final class DeltaTarget {
  private final SparkSession spark;
  private final TargetConfig config;

  public DeltaTarget(SparkSession spark, TargetConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /** The folder or catalog name, for messages. */
  public String describe() {
    return config.describe();
  }

  public TargetConfig config() {
    return config;
  }

  public boolean exists() {
    return config.table().isPresent()
        ? spark.catalog().tableExists(config.table().get())
        : DeltaTable.isDeltaTable(spark, config.path().orElseThrow());
  }

  public DeltaTable table() {
    return config.table().isPresent() ? DeltaTable.forName(spark, config.table().get())
        : DeltaTable.forPath(spark, config.path().orElseThrow());
  }

  /** The target's current rows. */
  public Dataset<Row> read() {
    return table().toDF();
  }

  /** The columns of an existing target. */
  public Optional<StructType> schema() {
    return exists() ? Optional.of(read().schema()) : Optional.empty();
  }

  /** Whether an existing target holds data files (without reading them). */
  public boolean hasData() {
    return exists() && table().detail().select("numFiles").head().getLong(0) > 0;
  }

  /** The latest version; -1 when the table does not exist. */
  public long version() {
    return exists() ? table().history(1).select("version").head().getLong(0) : -1;
  }

  /**
   * Creates the table when it is missing, from the mapped source schema, with the configured
   * partitioning and table properties (deletion vectors and change data feed on by default).
   */
  public void createIfMissing(StructType schema) {
    build(DeltaTable.createIfNotExists(spark), schema).execute();
  }

  /**
   * Empties the table and gives it this schema and partitioning, for a fresh load over an old one:
   * one overwrite commit. Delta keeps the earlier versions (time travel) until they are vacuumed.
   */
  public void replace(StructType schema) {
    if (!exists()) {
      createIfMissing(schema);
      return;
    }
    DataFrameWriter<Row> writer = spark.createDataFrame(List.of(), schema).write().format("delta")
        .mode("overwrite").option("overwriteSchema", "true").partitionBy(config.partitionBy().toArray(String[]::new));
    if (config.table().isPresent()) {
      writer.saveAsTable(config.table().get());
    } else {
      writer.save(config.path().orElseThrow());
    }
  }

  private DeltaTableBuilder build(DeltaTableBuilder builder, StructType schema) {
    builder = config.table().isPresent() ? builder.tableName(config.table().get()) : builder.location(config.path().orElseThrow());
    for (StructField field : schema.fields()) {
      builder = builder.addColumn(field.name(), field.dataType(), true);
    }
    if (!config.partitionBy().isEmpty()) {
      builder = builder.partitionedBy(config.partitionBy().toArray(String[]::new));
    }
    for (var property : config.properties().entrySet()) {
      builder = builder.property(property.getKey(), property.getValue());
    }
    return builder;
  }

  /**
   * Appends one chunk exactly once: Delta skips the commit when {@code appId} already committed
   * (check {@link #committedRows} first when an earlier attempt may have committed).
   *
   * @param tag recorded as the commit's userMetadata, to find the commit again
   * @return the rows the chunk's commit wrote, counted while writing
   */
  public long appendOnce(Dataset<Row> rows, String appId, String tag) {
    Observation written = new Observation("trickle-rows-" + UUID.randomUUID());
    DataFrameWriter<Row> writer = rows.observe(written, functions.count(functions.lit(1)).as("rows"))
        .write().format("delta").mode("append")
        .option("txnAppId", appId).option("txnVersion", 0L).option("userMetadata", tag);
    if (config.table().isPresent()) {
      writer.saveAsTable(config.table().get());
    } else {
      writer.save(config.path().orElseThrow());
    }
    // The metrics arrive through Spark's listener bus just after the write returns; none come when
    // Delta skipped the commit because appId had committed already, and the history then tells.
    Optional<Row> metrics = await(written, 10);
    if (metrics.isPresent()) {
      return metrics.get().<Long>getAs("rows");
    }
    OptionalLong earlier = committedRows(tag, 0);
    if (earlier.isPresent()) {
      return earlier.getAsLong();
    }
    return await(written, 120).map(m -> m.<Long>getAs("rows")).orElseThrow(() -> new IllegalStateException(
        "Cannot count the rows of " + tag + " in " + describe() + ": Spark reported no metrics and the commit is not in the history"));
  }

  private static Optional<Row> await(Observation observation, int seconds) {
    try {
      return Optional.of(Await.result(observation.future(), Duration.create(seconds, TimeUnit.SECONDS)));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while counting written rows", e);
    }
  }

  /** The rows written by the commit tagged {@code tag}, if it landed (0 means search everything). */
  public OptionalLong committedRows(String tag, int recentCommits) {
    OptionalLong recent = rowsOf(recentCommits <= 0 ? table().history() : table().history(recentCommits), tag);
    return recent.isPresent() || recentCommits <= 0 ? recent : rowsOf(table().history(), tag);
  }

  private static OptionalLong rowsOf(Dataset<Row> history, String tag) {
    List<Row> found = history.where(col("userMetadata").equalTo(tag))
        .select(col("operationMetrics").getItem("numOutputRows")).limit(1).collectAsList();
    if (found.isEmpty()) {
      return OptionalLong.empty();
    }
    String rows = found.get(0).getString(0);
    return OptionalLong.of(rows == null ? 0 : Long.parseLong(rows));
  }

  /** Whether two schemas have the same columns and types, in order (nullability aside). */
  public static boolean sameColumns(StructType a, StructType b) {
    if (a.fields().length != b.fields().length) {
      return false;
    }
    for (int i = 0; i < a.fields().length; i++) {
      StructField x = a.fields()[i];
      StructField y = b.fields()[i];
      if (!x.name().equals(y.name()) || !x.dataType().sameType(y.dataType())) {
        return false;
      }
    }
    return true;
  }
}
