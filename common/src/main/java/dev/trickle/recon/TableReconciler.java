package dev.trickle.recon;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.trickle.config.ReconcileConfig;
import dev.trickle.recon.ReconReport.PartitionResult;
import dev.trickle.spark.LocalCopies;
import dev.trickle.spark.SparkSteps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Reconciles one table: one pass over each side for counts and bucket hashes, a comparison of the
 * aggregates, a drill-down into the mismatched buckets only, then the key and profile checks,
 * then the verdict. Each step runs in its own Spark job group, named after the table and step.
 * Only aggregates, the key figures, capped examples and the partition results reach the driver;
 * differing rows stay in Spark (kept until {@link #close}) and are written from there.
 */
public final class TableReconciler implements AutoCloseable {
  private final SparkSession spark;
  private final List<Dataset<Row>> persisted = new ArrayList<>();
  private final LocalCopies copies = new LocalCopies();

  public TableReconciler(SparkSession spark) {
    this.spark = spark;
  }

  public ReconReport run(ReconRequest request) {
    Instant started = Instant.now();
    ReconcileConfig config = request.config();
    boolean hashes = config.hashes();
    boolean aggregate = hashes || config.counts();
    String table = request.table();

    Dataset<Row> comparison = null;
    List<PartitionResult> partitions = List.of();
    long mismatched = 0;
    long[] differences = new long[3];
    Dataset<Row> diffs = null;
    if (aggregate) {
      String what = hashes ? "count and hash" : "count";
      // Both sides' passes run as one Spark job, so their scans share the cores; that job's per-partition
      // roll-up also fills the kept comparison, which the drill-down and key checks read again.
      comparison = keep(BucketAggregates.compare(request.source().bucketAggregates(request.buckets(), hashes),
          request.target().bucketAggregates(request.buckets(), hashes), RowHashes.PARTITION, RowHashes.BUCKET));
      Dataset<Row> compared = comparison;
      PartitionsFound found = step(table, "aggregates", what + " the source " + request.source().describe()
          + " and the target " + request.target().describe() + ", compare per partition", () -> partitions(compared));
      partitions = found.partitions();
      mismatched = found.mismatchedBuckets();
    }
    if (hashes && mismatched > 0) {
      Dataset<Row> spoilt = comparison.where(col("matches").equalTo(false)).select(RowHashes.PARTITION, RowHashes.BUCKET);
      // Past half of all partition buckets, filtering on them saves little: read every row.
      long groups = (long) request.buckets() * Math.max(1, partitions.size());
      Dataset<Row> only = mismatched * 2 > groups ? null : spoilt;
      long spoiltBuckets = mismatched;
      diffs = step(table, "drill-down", "drill into " + mismatched + " mismatched bucket(s)", () -> {
        // Both sides' scans run at once; the left-over (key, hash) rows are kept too, or each use
        // of them would recompute the whole matching.
        List<Dataset<Row>> sides = bothSides(() -> copies.of(request.source().rowsIn(only, request.buckets())),
            () -> copies.of(request.target().rowsIn(only, request.buckets())));
        Dataset<Row> s = sides.get(0);
        Dataset<Row> t = sides.get(1);
        Dataset<Row> leftover = copies.of(Differences.leftover(s, t, request.plan()));
        Dataset<Row> withRows = copies.of(Differences.withRows(leftover, s, t, request.plan()));
        return copies.of(Differences.classified(withRows, request.plan(), request.rules()));
      });
      Dataset<Row> found = diffs;
      differences = step(table, "count-differences", "count the rows of " + spoiltBuckets + " bucket(s) that differ",
          () -> count(found));
    }
    List<Metric> keyMetrics = new ArrayList<>();
    if (config.keys()) {
      List<KeyDistribution.Stats> stats = step(table, "keys", "key distribution of the source and the target",
          () -> bothSides(request.source()::keys, request.target()::keys));
      keyMetrics.addAll(KeyDistribution.compare(stats.get(0), stats.get(1)));
      if (hashes) {
        String[] sourceSpread = KeyDistribution.bucketSpread(comparison, "source_rows", request.buckets());
        String[] targetSpread = KeyDistribution.bucketSpread(comparison, "target_rows", request.buckets());
        keyMetrics.add(Metric.key(KeyDistribution.KEYS_PER_BUCKET, sourceSpread[0], targetSpread[0], null));
        keyMetrics.add(Metric.key(KeyDistribution.BUCKET_HISTOGRAM, sourceSpread[1], targetSpread[1], null));
      }
    }
    List<Metric> columnMetrics = new ArrayList<>();
    if (config.profiles()) {
      List<Map<String, Map<String, Object>>> profiles = step(table, "profiles", "profile the columns of the source and the target",
          () -> bothSides(request.source()::profiles, request.target()::profiles));
      columnMetrics.addAll(ColumnProfiles.compare(request.plan().compared(), profiles.get(0), profiles.get(1), request.rules()));
    }
    columnMetrics.addAll(schemaMetrics(request.plan()));

    long sourceRows = partitions.stream().mapToLong(PartitionResult::sourceRows).sum();
    long targetRows = partitions.stream().mapToLong(PartitionResult::targetRows).sum();
    if (!aggregate) {
      sourceRows = keyRows(keyMetrics, true);
      targetRows = keyRows(keyMetrics, false);
    }
    long partitionDifference = partitions.stream().mapToLong(p -> Math.abs(p.sourceRows() - p.targetRows())).sum();
    List<String> reasons = new ArrayList<>();
    Verdict verdict = Verdicts.decide(config, new Verdicts.Findings(hashes, config.counts(), sourceRows, targetRows,
        differences[0], differences[1], differences[2], partitionDifference, request.plan().onlyInSource(),
        request.plan().onlyInTarget(), keyMetrics, columnMetrics), reasons);
    return new ReconReport(table, request.runId(), started, Instant.now(), verdict, sourceRows, targetRows,
        differences[0], differences[1], differences[2], request.skippedRows(), request.asOf(), request.buckets(), mismatched,
        request.source().describe(), request.target().describe(), partitions, keyMetrics, columnMetrics, diffs, reasons, null);
  }

  /**
   * The source's and the target's results, computed at once: each side's scan alone leaves a core
   * idle while its last, smaller tasks run.
   */
  private static <T> List<T> bothSides(Supplier<T> source, Supplier<T> target) {
    AtomicReference<T> s = new AtomicReference<>();
    AtomicReference<T> t = new AtomicReference<>();
    SparkSteps.concurrently(List.of(() -> s.set(source.get()), () -> t.set(target.get())));
    return List.of(s.get(), t.get());
  }

  private record PartitionsFound(List<PartitionResult> partitions, long mismatchedBuckets) {}

  /** Per partition: rows and wrapped hash sums of both sides, MATCH when none of its buckets differs. */
  private static PartitionsFound partitions(Dataset<Row> comparison) {
    List<PartitionResult> out = new ArrayList<>();
    long spoilt = 0;
    // One row per partition: sorted here, as a Spark sort would cost a sampling job and a shuffle.
    List<Row> rows = new ArrayList<>(comparison.groupBy(col(RowHashes.PARTITION)).agg(
        sum(col("source_rows")), WrappingSum.of(col("source_hash")), sum(col("target_rows")), WrappingSum.of(col("target_hash")),
        sum(when(col("matches"), lit(0L)).otherwise(lit(1L)))).collectAsList());
    rows.sort(Comparator.comparing((Row r) -> r.getString(0), Comparator.nullsFirst(Comparator.naturalOrder())));
    for (Row r : rows) {
      spoilt += r.getLong(5);
      out.add(new PartitionResult(r.getString(0), r.getLong(1), r.getLong(3), r.getLong(2), r.getLong(4), Verdict.of(r.getLong(5) == 0)));
    }
    return new PartitionsFound(out, spoilt);
  }

  /** missing, extra, changed. */
  private static long[] count(Dataset<Row> differences) {
    long[] out = new long[3];
    for (Row r : Differences.counts(differences).collectAsList()) {
      switch (r.getString(0)) {
        case Differences.MISSING -> out[0] = r.getLong(1);
        case Differences.EXTRA -> out[1] = r.getLong(1);
        default -> out[2] = r.getLong(1);
      }
    }
    return out;
  }

  /** Columns only one side has, and columns compared by text because their types differ. */
  static List<Metric> schemaMetrics(ComparisonPlan plan) {
    List<Metric> out = new ArrayList<>();
    plan.onlyInSource().forEach(c -> out.add(new Metric(c, "present", "true", "false", Verdict.MISMATCH, null)));
    plan.onlyInTarget().forEach(c -> out.add(new Metric(c, "present", "false", "true", Verdict.MISMATCH, null)));
    for (ComparisonPlan.PlannedColumn c : plan.compared()) {
      String s = c.sourceType().simpleString();
      String t = c.targetType().simpleString();
      out.add(new Metric(c.name(), "data_type", s, t,
          c.canon() == ComparisonPlan.Canon.TEXT ? Verdict.MISMATCH : Verdict.MATCH, null));
    }
    return out;
  }

  private static long keyRows(List<Metric> keyMetrics, boolean source) {
    return keyMetrics.stream().filter(m -> m.metric().equals(KeyDistribution.ROWS)).findFirst()
        .map(m -> Long.parseLong(source ? m.sourceValue() : m.targetValue())).orElse(0L);
  }

  /** Persisted by the first job that computes it, until {@link #close}. */
  private Dataset<Row> keep(Dataset<Row> rows) {
    Dataset<Row> kept = rows.persist(StorageLevel.MEMORY_AND_DISK());
    persisted.add(kept);
    return kept;
  }

  private <T> T step(String table, String name, String description, Supplier<T> body) {
    return SparkSteps.step(spark, "trickle-reconcile-" + table + "-" + name, "reconcile " + table + ": " + description, body);
  }

  /** Drops what was kept; call after the report is written. */
  @Override
  public void close() {
    persisted.forEach(Dataset::unpersist);
    persisted.clear();
    copies.close();
  }
}
