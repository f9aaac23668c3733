package dev.trickle.source.pgcopy;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * A Spark data source (connector API) that reads PostgreSQL through binary COPY, one partition
 * per predicate, in column batches. Spark's JDBC reader fetches row by row through the driver's
 * ResultSet, a Java object per value; COPY streams the server's binary rows, decoded straight
 * into column vectors (docs/BENCHMARKS.md has the measured difference). Built by {@link #read};
 * the whole read travels as one option, so no key of it is ever shown as text.
 */
public final class PgCopySource implements TableProvider {
  private static final String SPEC = "spec";

  /** The rows of {@code spec}'s relation matching each predicate, one Spark partition each. */
  public static Dataset<Row> read(SparkSession spark, PgCopySpec spec) {
    return spark.read().format(PgCopySource.class.getName()).schema(spec.schema()).option(SPEC, spec.encode()).load();
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return PgCopySpec.decode(options.get(SPEC)).schema();
  }

  @Override
  public boolean supportsExternalMetadata() {
    return true;
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    return new CopyTable(PgCopySpec.decode(properties.get(SPEC)));
  }

  private record CopyTable(PgCopySpec spec) implements SupportsRead {
    @Override
    public String name() {
      return "postgresql:" + spec.source() + ":" + spec.relation();
    }

    @Override
    public StructType schema() {
      return spec.schema();
    }

    @Override
    public Set<TableCapability> capabilities() {
      return Set.of(TableCapability.BATCH_READ);
    }

    @Override
    public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
      return new CopyScan(spec);
    }
  }

  /** Builder, scan and batch at once: the only choice to make is which columns to read. */
  private static final class CopyScan implements ScanBuilder, SupportsPushDownRequiredColumns, Scan, Batch {
    private PgCopySpec spec;

    CopyScan(PgCopySpec spec) {
      this.spec = spec;
    }

    @Override
    public void pruneColumns(StructType required) {
      spec = spec.withColumns(required);
    }

    @Override
    public Scan build() {
      return this;
    }

    @Override
    public StructType readSchema() {
      return spec.schema();
    }

    @Override
    public String description() {
      return "PostgreSQL COPY of " + spec.relation() + " (" + spec.predicates().size() + " partitions)";
    }

    @Override
    public Batch toBatch() {
      return this;
    }

    @Override
    public InputPartition[] planInputPartitions() {
      List<String> predicates = spec.predicates();
      InputPartition[] out = new InputPartition[predicates.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = new CopyPartition(spec, predicates.get(i));
      }
      return out;
    }

    @Override
    public PartitionReaderFactory createReaderFactory() {
      return new CopyReaders();
    }
  }

  private record CopyPartition(PgCopySpec spec, String predicate) implements InputPartition {}

  private static final class CopyReaders implements PartitionReaderFactory, Serializable {
    @Override
    public boolean supportColumnarReads(InputPartition partition) {
      return true;
    }

    @Override
    public PartitionReader<ColumnarBatch> createColumnarReader(InputPartition partition) {
      CopyPartition p = (CopyPartition) partition;
      return new PgCopyBatchReader(p.spec(), p.predicate());
    }

    @Override
    public PartitionReader<org.apache.spark.sql.catalyst.InternalRow> createReader(InputPartition partition) {
      throw new UnsupportedOperationException("COPY reads are columnar");
    }
  }
}
