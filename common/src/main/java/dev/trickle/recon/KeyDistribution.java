package dev.trickle.recon;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The key distribution of one side: distinct keys, duplicate keys (and the extra rows they make),
 * rows with a NULL in the key, the smallest and largest key, and how rows spread over the hash
 * buckets. Duplicates are reported with examples, never collapsed.
 */
public final class KeyDistribution {
  public static final String ROWS = "rows";
  public static final String DISTINCT = "distinct_keys";
  public static final String DUPLICATE_KEYS = "duplicate_keys";
  public static final String DUPLICATE_ROWS = "duplicate_rows";
  public static final String NULL_KEYS = "null_keys";
  public static final String MIN_KEY = "min_key";
  public static final String MAX_KEY = "max_key";
  public static final String KEYS_PER_BUCKET = "keys_per_bucket";
  public static final String BUCKET_HISTOGRAM = "bucket_histogram";
  public static final int EXAMPLES = 5;
  static final int HISTOGRAM_BINS = 16;

  private KeyDistribution() {}

  /**
   * One side's key figures. Keys with a NULL are left out of min and max; examples are JSON
   * objects {@code {"key": {...}, "rows": n}}.
   */
  public record Stats(long rows, long distinct, long duplicateKeys, long duplicateRows, long nullKeys,
      String minKey, String maxKey, List<String> examples) {
    public Stats {
      examples = List.copyOf(examples);
    }
  }

  /**
   * Figures of canonical key columns ({@link RowHashes#canonicalKeys}). When no two rows share a
   * key hash, every key is distinct, which two passes show without grouping the keys; otherwise
   * (duplicates, or distinct keys whose hashes collide) the keys are grouped to count exactly.
   */
  public static Stats compute(Dataset<Row> keys, List<String> keyNames) {
    Column[] keyColumns = keyNames.stream().map(k -> col(RowHashes.quote(k))).toArray(Column[]::new);
    Column anyNull = lit(false);
    for (Column k : keyColumns) {
      anyNull = anyNull.or(k.isNull());
    }
    Column key = struct(keyColumns);
    Row ends = keys.agg(count(lit(1)), sum(when(anyNull, lit(1L)).otherwise(lit(0L))),
        to_json(min(when(anyNull.unary_$bang(), key)), Map.of("ignoreNullFields", "false")),
        to_json(max(when(anyNull.unary_$bang(), key)), Map.of("ignoreNullFields", "false"))).head();
    long rows = ends.getLong(0);
    Stats distinct = new Stats(rows, rows, 0, 0, longAt(ends, 1), ends.getString(2), ends.getString(3), List.of());
    return RepeatedHashes.of(keys.select(xxhash64(keyColumns)), rows).repeated() > 0
        ? grouped(keys, keyColumns, key, distinct) : distinct;
  }

  /**
   * {@code ends} (rows, NULL keys, the smallest and largest key) with the distinct and duplicate
   * keys counted by grouping the keys, and examples of duplicates.
   */
  private static Stats grouped(Dataset<Row> keys, Column[] keyColumns, Column key, Stats ends) {
    Dataset<Row> perKey = keys.groupBy(keyColumns).agg(count(lit(1)).as("n"));
    Row figures = perKey.agg(
        count(lit(1)).as("distinct"),
        sum(when(col("n").gt(1), lit(1L)).otherwise(lit(0L))).as("duplicate_keys"),
        sum(when(col("n").gt(1), col("n").minus(1)).otherwise(lit(0L))).as("duplicate_rows")).head();
    long duplicates = longAt(figures, 1);
    List<String> examples = new ArrayList<>();
    if (duplicates > 0) {
      perKey.where(col("n").gt(1)).orderBy(col("n").desc(), key).limit(EXAMPLES)
          .select(to_json(struct(key.as("key"), col("n").as("rows")), Map.of("ignoreNullFields", "false")))
          .collectAsList().forEach(r -> examples.add(r.getString(0)));
    }
    return new Stats(ends.rows(), longAt(figures, 0), duplicates, longAt(figures, 2), ends.nullKeys(), ends.minKey(),
        ends.maxKey(), examples);
  }

  private static long longAt(Row row, int i) {
    return row.isNullAt(i) ? 0 : row.getLong(i);
  }

  /**
   * How rows spread over {@code buckets} buckets, from bucket aggregates (their {@code rowsColumn}): {@code
   * {"buckets":B,"empty":e,"min":m,"max":M}} and the rows per sixteenth of the bucket range.
   */
  public static String[] bucketSpread(Dataset<Row> aggregates, String rowsColumn, int buckets) {
    Dataset<Row> perBucket = aggregates.groupBy(RowHashes.BUCKET).agg(sum(col(rowsColumn)).as("n")).where(col("n").gt(0));
    long[] bins = new long[HISTOGRAM_BINS];
    long nonEmpty = 0;
    long least = Long.MAX_VALUE;
    long most = 0;
    List<Row> perBin = perBucket
        .groupBy(floor(col(RowHashes.BUCKET).multiply(HISTOGRAM_BINS).divide(buckets)).cast("int").as("bin"))
        .agg(sum(col("n")), count(lit(1)), min(col("n")), max(col("n"))).collectAsList();
    for (Row r : perBin) {
      bins[Math.min(HISTOGRAM_BINS - 1, r.getInt(0))] += r.getLong(1);
      nonEmpty += r.getLong(2);
      least = Math.min(least, r.getLong(3));
      most = Math.max(most, r.getLong(4));
    }
    least = nonEmpty < buckets || perBin.isEmpty() ? 0 : least;
    String summary = "{\"buckets\":" + buckets + ",\"empty\":" + (buckets - nonEmpty) + ",\"min\":" + least + ",\"max\":" + most + "}";
    StringBuilder histogram = new StringBuilder("[");
    for (int i = 0; i < bins.length; i++) {
      histogram.append(i == 0 ? "" : ",").append(bins[i]);
    }
    return new String[] {summary, histogram.append(']').toString()};
  }

  /** Source against target, one metric each; examples of duplicates go with duplicate_keys. */
  public static List<Metric> compare(Stats source, Stats target) {
    List<Metric> out = new ArrayList<>();
    out.add(Metric.key(ROWS, source.rows(), target.rows(), null));
    out.add(Metric.key(DISTINCT, source.distinct(), target.distinct(), null));
    out.add(Metric.key(DUPLICATE_KEYS, source.duplicateKeys(), target.duplicateKeys(),
        examplesJson(source.examples(), target.examples())));
    out.add(Metric.key(DUPLICATE_ROWS, source.duplicateRows(), target.duplicateRows(), null));
    out.add(Metric.key(NULL_KEYS, source.nullKeys(), target.nullKeys(), null));
    out.add(Metric.key(MIN_KEY, source.minKey(), target.minKey(), null));
    out.add(Metric.key(MAX_KEY, source.maxKey(), target.maxKey(), null));
    return out;
  }

  private static String examplesJson(List<String> source, List<String> target) {
    if (source.isEmpty() && target.isEmpty()) {
      return null;
    }
    return "{\"source\":[" + String.join(",", source) + "],\"target\":[" + String.join(",", target) + "]}";
  }
}
