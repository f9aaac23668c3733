package dev.trickle.source;

import dev.trickle.config.SourceConfig;
import dev.trickle.config.SourceRef;
import io.delta.tables.DeltaTable;
import java.time.Instant;
import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A Parquet folder (Hive-style partition folders become columns), a Delta table by path, or an
 * Iceberg table by path or by name in the source's Hadoop catalog.
 */
final class FileTableSource implements Source {
  private final SparkSession spark;
  private final SourceConfig source;
  private final SourceRef ref;

  FileTableSource(SparkSession spark, SourceConfig source, SourceRef ref) {
    this.spark = spark;
    this.source = source;
    this.ref = ref;
  }

  @Override
  public String describe() {
    return ref.describe();
  }

  @Override
  public StructType schema() {
    return read().schema();
  }

  @Override
  public Dataset<Row> read() {
    return guarded(() -> switch (source.kind()) {
      case PARQUET -> spark.read().option("basePath", path()).parquet(path());
      case DELTA -> spark.read().format("delta").load(path());
      case ICEBERG -> spark.read().format("iceberg").load(icebergName());
      case JDBC -> throw new IllegalStateException("jdbc sources are read by JdbcSource");
    });
  }

  @Override
  public SourceSnapshot snapshot() {
    SourcePosition base = SourcePosition.of(source.kind().key()).with(SourcePosition.TAKEN_AT, Instant.now());
    return switch (source.kind()) {
      case DELTA -> {
        long version = guarded(() -> DeltaTable.forPath(spark, path()).history(1).head().getLong(0));
        yield pinned(base.with(SourcePosition.VERSION, version),
            () -> spark.read().format("delta").option("versionAsOf", version).load(path()));
      }
      case ICEBERG -> {
        Long snapshotId = guarded(() -> IcebergTables.currentSnapshotId(spark, icebergName()));
        yield pinned(base.with(SourcePosition.SNAPSHOT_ID, snapshotId), () -> snapshotId == null
            ? read()
            : spark.read().format("iceberg").option("versionAsOf", snapshotId).load(icebergName()));
      }
      case PARQUET -> {
        ParquetListing listing = guarded(() -> ParquetListing.of(spark, path()));
        yield pinned(base.with(SourcePosition.FILES, listing.files().size()).with(SourcePosition.LISTING, listing.digest()),
            () -> listing.files().isEmpty() ? read() : spark.read().option("basePath", path())
                .parquet(listing.files().stream().map(ParquetListing.File::path).toArray(String[]::new)));
      }
      case JDBC -> throw new IllegalStateException("jdbc sources are read by JdbcSource");
    };
  }

  @Override
  public java.util.Optional<SourceSnapshot> snapshotAt(SourcePosition position) {
    return switch (source.kind()) {
      case DELTA -> position.getLong(SourcePosition.VERSION).stream().boxed().findFirst().map(version -> pinned(position,
          () -> guarded(() -> spark.read().format("delta").option("versionAsOf", version).load(path()))));
      case ICEBERG -> position.getLong(SourcePosition.SNAPSHOT_ID).stream().boxed().findFirst().map(id -> pinned(position,
          () -> guarded(() -> spark.read().format("iceberg").option("versionAsOf", id).load(icebergName()))));
      case PARQUET, JDBC -> java.util.Optional.empty();
    };
  }

  /** The Iceberg table as Spark names it: catalog.db.table, or the folder path. */
  String icebergName() {
    return ref.table().map(t -> source.name() + "." + t).orElseGet(this::path);
  }

  private String path() {
    return ref.path().orElseThrow();
  }

  private <T> T guarded(java.util.function.Supplier<T> body) {
    try {
      return body.get();
    } catch (Exception e) { // AnalysisException (path or table not found) is undeclared in Scala
      if (e instanceof dev.trickle.TrickleException t) {
        throw t;
      }
      throw SourceErrors.missing(describe(), "trickle.sources." + source.name() + " and the table's source block", e);
    }
  }

  private static SourceSnapshot pinned(SourcePosition position, java.util.function.Supplier<Dataset<Row>> reader) {
    return new SourceSnapshot() {
      @Override
      public SourcePosition position() {
        return position;
      }

      @Override
      public Dataset<Row> read() {
        return reader.get();
      }

      @Override
      public void close() {}
    };
  }

  static String[] columns(StructType schema) {
    return Arrays.stream(schema.fields()).map(f -> f.name()).toArray(String[]::new);
  }
}
