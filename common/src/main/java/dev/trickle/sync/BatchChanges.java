package dev.trickle.sync;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import dev.trickle.config.TableConfig;
import dev.trickle.source.ColumnMapping;
import dev.trickle.target.KeyBounds;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * One batch's changes ready to apply: mapped to target columns exactly as a load maps them,
 * checked for schema drift, aligned to the target's columns and types, and kept in memory (or on
 * local disk) so the MERGE reads the source once and re-running it sees the same rows. Close it
 * when the batch is applied.
 *
 * @param rows the target's columns (plus any new ones) and {@link Changes#CHANGE}, in as few
 *     partitions as their size needs (Delta writes a file per partition of the rows it inserts)
 * @param cached what {@code rows} are read from, released by {@link #close}
 * @param upserts rows to insert or update
 * @param deletes keys to delete
 * @param drift how the schema moved
 * @param keyBounds the changes' key ranges: a predicate on the target true for every row whose
 *     key is among the changes, which lets Delta skip files by their key statistics
 * @param scope the recompute scope as a target predicate (alias {@code t}), if the changes carry one
 */
public record BatchChanges(
    Dataset<Row> rows, Dataset<Row> cached, long upserts, long deletes, SchemaDrift drift, KeyBounds keyBounds, Optional<Column> scope)
    implements AutoCloseable {

  public boolean isEmpty() {
    return upserts + deletes == 0 && scope.isEmpty();
  }

  /** Rows per partition of the change set: about one Delta file's worth. */
  static final long ROWS_PER_PARTITION = 1_000_000L;

  @Override
  public void close() {
    cached.unpersist(false);
  }

  /**
   * Maps, checks (may throw BAD_INPUT before anything is written), aligns and materialises the
   * changes; {@code current} is the target as it is (its schema, and its rows when the changes may
   * repeat them).
   */
  public static BatchChanges prepare(SparkSession spark, TableConfig table, ColumnMapping mapping, ChangeSet set,
      Dataset<Row> current) {
    StructType target = current.schema();
    Dataset<Row> changes = set.changes().orElseThrow();
    Dataset<Row> mapped = withTargetDeletes(set.mapped() ? changes : mapping.apply(changes), set.targetDeletes(), table.keys());
    StructType data = new StructType(java.util.Arrays.stream(mapped.schema().fields())
        .filter(f -> !f.name().equals(Changes.CHANGE)).toArray(StructField[]::new));
    SchemaDrift drift = SchemaDrift.check(table.name(), data, target, table.sync().schema());
    Dataset<Row> aligned = mapped.select(aligned(target, drift).toArray(Column[]::new))
        .persist(StorageLevel.MEMORY_AND_DISK());
    List<Column> figures = figures(table.keys(), target);
    Row stats = aligned.agg(figures.get(0), figures.subList(1, figures.size()).toArray(Column[]::new)).head();
    if (set.rereads() && drift.added().isEmpty()) { // a new column changes every row: nothing to drop then
      // Only the target's files whose key range meets the changes' are read (Delta skips the rest).
      Dataset<Row> candidates = current.as("t").where(keyBounds(table.keys(), target, stats).on("t"));
      List<StructField> compared = java.util.Arrays.stream(target.fields())
          .filter(f -> !drift.missing().contains(f.name())).toList();
      Dataset<Row> real = Changes.withoutNoOps(aligned, candidates, table.keys(), compared)
          .persist(StorageLevel.MEMORY_AND_DISK());
      stats = real.agg(figures.get(0), figures.subList(1, figures.size()).toArray(Column[]::new)).head();
      aligned.unpersist(false);
      aligned = real;
    }
    Optional<Column> scope = set.recompute().map(r -> scopePredicate(spark, mapping, r));
    long total = stats.getLong(0) + stats.getLong(1);
    int partitions = (int) Math.max(1, Math.min(aligned.rdd().getNumPartitions(),
        (total + ROWS_PER_PARTITION - 1) / ROWS_PER_PARTITION));
    return new BatchChanges(aligned.coalesce(partitions), aligned, stats.getLong(0), stats.getLong(1), drift,
        keyBounds(table.keys(), target, stats), scope);
  }

  /**
   * The mapped changes plus deletes given by target key, except deletes of a key that the changes
   * also carry (a reader that read the source twice, unpinned, may see a key go and come back).
   */
  static Dataset<Row> withTargetDeletes(Dataset<Row> mapped, Optional<Dataset<Row>> deletes, List<String> keys) {
    if (deletes.isEmpty()) {
      return mapped;
    }
    Dataset<Row> keyed = deletes.get().select(Changes.columns(keys));
    Column same = lit(true);
    for (String k : keys) {
      same = same.and(keyed.col(Changes.quote(k)).eqNullSafe(mapped.col(Changes.quote(k))));
    }
    Dataset<Row> onlyDeleted = keyed.join(mapped, same, "left_anti").withColumn(Changes.CHANGE, lit(Changes.DELETE));
    return mapped.unionByName(onlyDeleted, true);
  }

  /** The target's columns in its order and types (null where the changes lack one), then new ones. */
  static List<Column> aligned(StructType target, SchemaDrift drift) {
    List<Column> out = new ArrayList<>();
    for (StructField f : target.fields()) {
      Column value = drift.missing().contains(f.name()) ? lit(null) : col(Changes.quote(f.name()));
      out.add(value.cast(f.dataType()).as(f.name()));
    }
    drift.added().forEach(f -> out.add(col(Changes.quote(f.name()))));
    out.add(col(Changes.CHANGE));
    return out;
  }

  /** upserts, deletes, null keys, then min and max of each key column. */
  private static List<Column> figures(List<String> keys, StructType target) {
    List<Column> out = new ArrayList<>();
    out.add(count(when(col(Changes.CHANGE).equalTo(Changes.UPSERT), lit(1))));
    out.add(count(when(col(Changes.CHANGE).equalTo(Changes.DELETE), lit(1))));
    Column anyNull = lit(false);
    for (String k : keys) {
      anyNull = anyNull.or(col(Changes.quote(k)).isNull());
    }
    out.add(count(when(anyNull, lit(1))));
    for (String k : keys) {
      out.add(min(col(Changes.quote(k))));
      out.add(max(col(Changes.quote(k))));
    }
    return out;
  }

  /** Each orderable key column's min and max; none when a key is null or there are no changes. */
  static KeyBounds keyBounds(List<String> keys, StructType target, Row stats) {
    if (stats.getLong(2) > 0 || stats.getLong(0) + stats.getLong(1) == 0) {
      return KeyBounds.none();
    }
    List<KeyBounds.Bound> bounds = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      DataType type = target.apply(keys.get(i)).dataType();
      if (orderable(type)) {
        bounds.add(new KeyBounds.Bound(keys.get(i), type, stats.get(3 + 2 * i), stats.get(4 + 2 * i)));
      }
    }
    return new KeyBounds(bounds);
  }

  private static boolean orderable(DataType type) {
    return type instanceof DecimalType || List.of(DataTypes.ByteType, DataTypes.ShortType, DataTypes.IntegerType,
        DataTypes.LongType, DataTypes.StringType, DataTypes.DateType, DataTypes.TimestampType,
        DataTypes.TimestampNTZType).contains(type);
  }

  /** The recompute scope mapped through the column mapping, as a predicate on target columns. */
  private static Column scopePredicate(SparkSession spark, ColumnMapping mapping, Recompute scope) {
    if (scope.isWholeTable()) {
      return lit(true);
    }
    Dataset<Row> mapped = mapping.apply(spark.createDataFrame(scope.partitions(), scope.schema()));
    String[] names = mapped.columns();
    Column any = lit(false);
    for (Row partition : mapped.collectAsList()) {
      Column all = lit(true);
      for (int i = 0; i < names.length; i++) {
        all = all.and(col("t." + Changes.quote(names[i])).eqNullSafe(lit(partition.get(i))));
      }
      any = any.or(all);
    }
    return any;
  }
}
