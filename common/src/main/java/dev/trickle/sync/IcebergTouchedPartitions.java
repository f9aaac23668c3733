package dev.trickle.sync;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.nio.ByteBuffer;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The partitions an Iceberg range of snapshots touched (added or removed data and delete files),
 * as source column values. Only identity partitions map to column values; any other transform, a
 * spec change within the range or an unpartitioned table means the whole table.
 */
final class IcebergTouchedPartitions {
  private IcebergTouchedPartitions() {}

  static Recompute of(Table table, List<Snapshot> snapshots, Set<String> excluded) {
    List<ContentFile<?>> files = new ArrayList<>();
    for (Snapshot s : snapshots) {
      s.addedDataFiles(table.io()).forEach(files::add);
      s.removedDataFiles(table.io()).forEach(files::add);
      s.addedDeleteFiles(table.io()).forEach(files::add);
      s.removedDeleteFiles(table.io()).forEach(files::add);
    }
    Set<Integer> specIds = new LinkedHashSet<>();
    files.forEach(f -> specIds.add(f.specId()));
    if (specIds.size() != 1) {
      return Recompute.wholeTable();
    }
    PartitionSpec spec = table.specs().get(specIds.iterator().next());
    if (spec.isUnpartitioned() || spec.fields().stream().anyMatch(f -> !f.transform().isIdentity())) {
      return Recompute.wholeTable();
    }
    StructType schema = new StructType();
    List<Type> types = new ArrayList<>();
    for (PartitionField field : spec.fields()) {
      Types.NestedField source = table.schema().findField(field.sourceId());
      DataType sparkType = sparkType(source.type());
      if (sparkType == null || excluded.contains(source.name())) {
        return Recompute.wholeTable();
      }
      schema = schema.add(source.name(), sparkType, true);
      types.add(source.type());
    }
    Set<Row> partitions = new LinkedHashSet<>();
    for (ContentFile<?> file : files) {
      partitions.add(toRow(file.partition(), types));
    }
    return new Recompute(schema, List.copyOf(partitions));
  }

  /** The rows of {@code rows} (source columns) inside the scope. */
  static Dataset<Row> filter(Dataset<Row> rows, Recompute scope) {
    return scope.isWholeTable() ? rows : rows.where(predicate(scope));
  }

  /** (p1 <=> v1 AND p2 <=> v2) OR ... over the scope's partitions, on the given column names. */
  static Column predicate(Recompute scope) {
    Column any = lit(false);
    String[] names = scope.schema().fieldNames();
    for (Row partition : scope.partitions()) {
      Column all = lit(true);
      for (int i = 0; i < names.length; i++) {
        all = all.and(col(Changes.quote(names[i])).eqNullSafe(lit(partition.get(i))));
      }
      any = any.or(all);
    }
    return any;
  }

  private static Row toRow(StructLike partition, List<Type> types) {
    Object[] values = new Object[types.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = toSpark(partition.get(i, Object.class), types.get(i));
    }
    return RowFactory.create(values);
  }

  /** Iceberg's internal partition value as the value Spark's external row holds. */
  private static Object toSpark(Object value, Type type) {
    if (value == null) {
      return null;
    }
    return switch (type.typeId()) {
      case DATE -> Date.valueOf(LocalDate.ofEpochDay((Integer) value));
      case TIMESTAMP -> Timestamp.from(java.time.Instant.ofEpochSecond(
          Math.floorDiv((Long) value, 1_000_000L), Math.floorMod((Long) value, 1_000_000L) * 1000L));
      case STRING -> value.toString();
      case BINARY, FIXED -> toBytes((ByteBuffer) value);
      default -> value;
    };
  }

  private static byte[] toBytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  private static DataType sparkType(Type type) {
    return switch (type.typeId()) {
      case BOOLEAN -> DataTypes.BooleanType;
      case INTEGER -> DataTypes.IntegerType;
      case LONG -> DataTypes.LongType;
      case FLOAT -> DataTypes.FloatType;
      case DOUBLE -> DataTypes.DoubleType;
      case DATE -> DataTypes.DateType;
      case TIMESTAMP -> ((Types.TimestampType) type).shouldAdjustToUTC() ? DataTypes.TimestampType : null;
      case STRING -> DataTypes.StringType;
      case DECIMAL -> DataTypes.createDecimalType(((Types.DecimalType) type).precision(), ((Types.DecimalType) type).scale());
      default -> null;
    };
  }
}
