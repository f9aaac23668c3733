package dev.trickle.source;

import dev.trickle.config.SourceConfig;
import dev.trickle.config.SourceRef;
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
    try {
      return switch (source.kind()) {
        case PARQUET -> spark.read().option("basePath", ref.path().orElseThrow()).parquet(ref.path().orElseThrow());
        case DELTA -> spark.read().format("delta").load(ref.path().orElseThrow());
        case ICEBERG -> ref.table().isPresent()
            ? spark.table(source.name() + "." + ref.table().get())
            : spark.read().format("iceberg").load(ref.path().orElseThrow());
        case JDBC -> throw new IllegalStateException("jdbc sources are read by JdbcSource");
      };
    } catch (Exception e) { // AnalysisException (path or table not found) is undeclared in Scala
      throw SourceErrors.missing(describe(), "trickle.sources." + source.name() + " and the table's source block", e);
    }
  }
}
