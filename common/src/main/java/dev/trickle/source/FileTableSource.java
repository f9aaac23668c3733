package dev.trickle.source;

import dev.trickle.config.SourceConfig;
import dev.trickle.config.SourceRef;
import dev.trickle.plan.ChunkPlan;
import dev.trickle.plan.ChunkRequest;
import dev.trickle.plan.FileChunks;
import io.delta.tables.DeltaTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
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
      case PARQUET -> ParquetListing.read(spark, path());
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
        yield deltaAt(base.with(SourcePosition.VERSION, version), version);
      }
      case ICEBERG -> {
        Long snapshotId = guarded(() -> IcebergTables.currentSnapshotId(spark, icebergName()));
        yield snapshotId == null ? new Pinned(base, this::read, () -> icebergLayout(null), Optional.empty())
            : icebergAt(base.with(SourcePosition.SNAPSHOT_ID, snapshotId), snapshotId);
      }
      case PARQUET -> {
        ParquetListing listing = guarded(() -> ParquetListing.of(spark, path()));
        SourcePosition position = base.with(SourcePosition.FILES, listing.files().size())
            .with(SourcePosition.LISTING, listing.digest());
        yield new Pinned(position, () -> listing.files().isEmpty() ? read()
                : ParquetListing.read(spark, path(), listing.files().stream().map(ParquetListing.File::path).toArray(String[]::new)),
            () -> new FileChunks.Layout(parquetPartitionColumns(listing), true, true, 0), Optional.of(listing));
      }
      case JDBC -> throw new IllegalStateException("jdbc sources are read by JdbcSource");
    };
  }

  @Override
  public Optional<SourceSnapshot> snapshotAt(SourcePosition position) {
    return switch (source.kind()) {
      case DELTA -> position.getLong(SourcePosition.VERSION).stream().boxed().findFirst()
          .map(version -> deltaAt(position, version));
      case ICEBERG -> position.getLong(SourcePosition.SNAPSHOT_ID).stream().boxed().findFirst()
          .map(id -> icebergAt(position, id));
      case PARQUET, JDBC -> Optional.empty();
    };
  }

  private SourceSnapshot deltaAt(SourcePosition position, long version) {
    return new Pinned(position,
        () -> guarded(() -> spark.read().format("delta").option("versionAsOf", version).load(path())),
        () -> new FileChunks.Layout(deltaPartitionColumns(), true, false, 0), Optional.empty());
  }

  private SourceSnapshot icebergAt(SourcePosition position, long snapshotId) {
    return new Pinned(position,
        () -> guarded(() -> spark.read().format("iceberg").option("versionAsOf", snapshotId).load(icebergName())),
        () -> icebergLayout(snapshotId), Optional.empty());
  }

  /** The Iceberg table as Spark names it: catalog.db.table, or the folder path. */
  String icebergName() {
    return ref.table().map(t -> source.name() + "." + t).orElseGet(this::path);
  }

  private String path() {
    return ref.path().orElseThrow();
  }

  private List<String> deltaPartitionColumns() {
    return DeltaTable.forPath(spark, path()).detail().select("partitionColumns").head().getList(0);
  }

  /** Identity partition columns only: a transform's value (a day, a bucket) is no column value. */
  private FileChunks.Layout icebergLayout(Long snapshotId) {
    Table table = IcebergTables.load(spark, icebergName());
    List<String> columns = new ArrayList<>();
    for (PartitionField field : table.spec().fields()) {
      if (field.transform().isIdentity()) {
        columns.add(table.schema().findColumnName(field.sourceId()));
      }
    }
    double bytesPerRow = 0;
    Snapshot snapshot = snapshotId == null ? null : table.snapshot(snapshotId);
    if (snapshot != null && snapshot.summary() != null) {
      long bytes = Long.parseLong(snapshot.summary().getOrDefault("total-files-size", "0"));
      long records = Long.parseLong(snapshot.summary().getOrDefault("total-records", "0"));
      bytesPerRow = records > 0 ? (double) bytes / records : 0;
    }
    return new FileChunks.Layout(columns, false, false, bytesPerRow);
  }

  /** Hive-style partition columns: the {@code name=value} folders above the first data file. */
  private static List<String> parquetPartitionColumns(ParquetListing listing) {
    List<String> out = new ArrayList<>();
    if (listing.files().isEmpty()) {
      return out;
    }
    for (Path p = new Path(listing.files().get(0).path()).getParent(); p != null && p.getName().contains("="); p = p.getParent()) {
      out.add(0, p.getName().substring(0, p.getName().indexOf('=')));
    }
    return out;
  }

  private <T> T guarded(Supplier<T> body) {
    try {
      return body.get();
    } catch (Exception e) { // AnalysisException (path or table not found) is undeclared in Scala
      if (e instanceof dev.trickle.TrickleException t) {
        throw t;
      }
      throw SourceErrors.missing(describe(), "trickle.sources." + source.name() + " and the table's source block", e);
    }
  }

  /** A snapshot of a file or table source: a reader pinned to one version, snapshot or listing. */
  private static final class Pinned implements SourceSnapshot {
    private final SourcePosition position;
    private final Supplier<Dataset<Row>> reader;
    private final Supplier<FileChunks.Layout> layout;
    private final Optional<ParquetListing> listing;

    Pinned(SourcePosition position, Supplier<Dataset<Row>> reader, Supplier<FileChunks.Layout> layout,
        Optional<ParquetListing> listing) {
      this.position = position;
      this.reader = reader;
      this.layout = layout;
      this.listing = listing;
    }

    @Override
    public SourcePosition position() {
      return position;
    }

    @Override
    public Dataset<Row> read() {
      return reader.get();
    }

    @Override
    public ChunkPlan plan(ChunkRequest request) {
      return FileChunks.plan(read(), layout.get(), request);
    }

    @Override
    public Optional<ParquetListing> listing() {
      return listing;
    }

    @Override
    public void close() {}
  }

  static String[] columns(StructType schema) {
    return Arrays.stream(schema.fields()).map(f -> f.name()).toArray(String[]::new);
  }
}
