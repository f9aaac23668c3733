package dev.trickle.plan;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;

/**
 * Chunks of a file or table source (Parquet, Delta, Iceberg): one per partition value, and a
 * partition larger than {@code max-chunk-bytes} (or holding more than its share of a fixed chunk
 * count) is cut further, into groups of files where the reader
 * skips unselected files by name (Parquet), or else into key ranges of the split column (which
 * Delta and Iceberg narrow with their min/max file statistics).
 */
public final class FileChunks {
  private static final String FILE = "__trickle_file";
  private static final String SIZE = "__trickle_size";
  private static final String ROWS = "__trickle_rows";

  private FileChunks() {}

  /**
   * What the planner knows of a snapshot's files.
   *
   * @param partitionColumns identity partition columns (source names)
   * @param fileMetadata whether the reader has Spark's {@code _metadata} column (file name and size)
   * @param fileGroups whether a filter on {@code _metadata.file_name} skips the other files (Parquet)
   * @param bytesPerRow bytes per row where file sizes are not at hand (0 when unknown)
   */
  public record Layout(List<String> partitionColumns, boolean fileMetadata, boolean fileGroups, double bytesPerRow) {
    public Layout {
      partitionColumns = List.copyOf(partitionColumns);
    }
  }

  private record FileStat(String name, long bytes, long rows) {}

  private record Partition(List<Object> values, List<FileStat> files, long rows) {
    long bytes(double bytesPerRow) {
      long sum = files.stream().mapToLong(FileStat::bytes).sum();
      return sum > 0 ? sum : (long) (rows * bytesPerRow);
    }
  }

  public static ChunkPlan plan(Dataset<Row> rows, Layout layout, ChunkRequest request) {
    // Partition values go into predicates, which land in the ledger: never a masked column's.
    List<String> partitionColumns = layout.partitionColumns().stream().allMatch(request::mayShow)
        ? layout.partitionColumns() : List.of();
    List<Partition> partitions = partitions(rows, partitionColumns, layout.fileMetadata());
    long total = partitions.stream().mapToLong(Partition::rows).sum();
    if (partitions.isEmpty()) {
      return ChunkPlan.whole("true", 0);
    }
    // By size: a file source reads fast, so chunks are as large as max-chunk-bytes allows (each
    // chunk costs a commit and a ledger row). A fixed chunk count spreads the rows instead.
    long rowsPerChunk = request.chunks().isPresent()
        ? Math.max(1, (total + request.chunks().getAsInt() - 1) / request.chunks().getAsInt())
        : Long.MAX_VALUE;

    List<Chunk> chunks = new ArrayList<>();
    boolean cutKeys = false;
    for (Partition p : partitions) {
      String where = partitionPredicate(partitionColumns, p.values(), c -> Optional.of(c)).orElseThrow();
      Optional<String> targetWhere = partitionPredicate(partitionColumns, p.values(), request::unchangedTarget);
      long bytes = p.bytes(layout.bytesPerRow());
      int n = (int) Math.max(1, Math.max(ceilDiv(p.rows(), rowsPerChunk), ceilDiv(bytes, request.maxChunkBytes())));
      if (n == 1) {
        chunks.add(new Chunk(chunks.size() + 1, where, targetWhere, p.rows()));
      } else if (layout.fileGroups() && p.files().size() > 1) {
        for (List<FileStat> group : groups(p.files(), n, bytes)) {
          String names = group.stream().map(f -> SparkSql.literal(f.name())).collect(Collectors.joining(", "));
          chunks.add(new Chunk(chunks.size() + 1, SparkSql.and(where, "_metadata.file_name IN (" + names + ")"),
              Optional.empty(), group.stream().mapToLong(FileStat::rows).sum()));
        }
      } else {
        List<Chunk> ranges = keyRanges(rows.where(where), request, n, p.rows(), chunks.size() + 1, where, targetWhere);
        cutKeys |= ranges.size() > 1;
        chunks.addAll(ranges);
      }
    }
    String method = partitionColumns.isEmpty() && cutKeys ? ChunkPlan.KEY_RANGES
        : chunks.size() == 1 ? ChunkPlan.WHOLE : ChunkPlan.PARTITIONS;
    return new ChunkPlan(method, cutKeys ? Optional.of(request.splitColumn()) : Optional.empty(), chunks);
  }

  /** Rows (and files, where the reader names them) per partition value; a small aggregate. */
  private static List<Partition> partitions(Dataset<Row> rows, List<String> partitionColumns, boolean fileMetadata) {
    List<Column> by = new ArrayList<>();
    partitionColumns.forEach(c -> by.add(col(SparkSql.quote(c))));
    if (fileMetadata) {
      by.add(col("_metadata.file_name").as(FILE));
      by.add(col("_metadata.file_size").as(SIZE));
    }
    List<Row> counted = rows.groupBy(by.toArray(Column[]::new)).agg(functions.count(functions.lit(1)).as(ROWS)).collectAsList();
    Map<String, List<Row>> byPartition = new LinkedHashMap<>();
    Map<String, List<Object>> values = new LinkedHashMap<>();
    for (Row r : counted) {
      List<Object> v = new ArrayList<>();
      for (int i = 0; i < partitionColumns.size(); i++) {
        v.add(r.get(i));
      }
      String key = v.toString();
      values.putIfAbsent(key, v);
      byPartition.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
    }
    List<Partition> out = new ArrayList<>();
    for (Map.Entry<String, List<Row>> e : byPartition.entrySet()) {
      List<FileStat> files = new ArrayList<>();
      long sum = 0;
      for (Row r : e.getValue()) {
        long n = r.getLong(r.fieldIndex(ROWS));
        sum += n;
        if (fileMetadata) {
          files.add(new FileStat(r.getString(r.fieldIndex(FILE)), r.getLong(r.fieldIndex(SIZE)), n));
        }
      }
      files.sort(Comparator.comparing(FileStat::name));
      out.add(new Partition(values.get(e.getKey()), files, sum));
    }
    out.sort(Comparator.comparing(p -> p.values().toString()));
    return out;
  }

  /** {@code a = 1 AND b IS NULL} over the names {@code name} gives; empty if a column has none. */
  private static Optional<String> partitionPredicate(List<String> columns, List<Object> values,
      java.util.function.Function<String, Optional<String>> name) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      Optional<String> column = name.apply(columns.get(i));
      if (column.isEmpty()) {
        return Optional.empty();
      }
      Object v = values.get(i);
      parts.add(SparkSql.quote(column.get()) + (v == null ? " IS NULL" : " = " + SparkSql.literal(v)));
    }
    return Optional.of(parts.isEmpty() ? "true" : String.join(" AND ", parts));
  }

  /** Files in name order, cut into at most n groups of similar size. */
  private static List<List<FileStat>> groups(List<FileStat> files, int n, long bytes) {
    int count = Math.min(n, files.size());
    double target = (double) bytes / count;
    List<List<FileStat>> out = new ArrayList<>();
    List<FileStat> current = new ArrayList<>();
    long size = 0;
    for (int i = 0; i < files.size(); i++) {
      FileStat f = files.get(i);
      int groupsLeft = count - out.size();
      int filesLeft = files.size() - i;
      if (!current.isEmpty() && (size + f.bytes() / 2.0 > target || filesLeft < groupsLeft) && groupsLeft > 1) {
        out.add(current);
        current = new ArrayList<>();
        size = 0;
      }
      current.add(f);
      size += f.bytes();
    }
    out.add(current);
    return out;
  }

  private static List<Chunk> keyRanges(Dataset<Row> partition, ChunkRequest request, int n, long rows, int firstId,
      String where, Optional<String> targetWhere) {
    String split = request.splitColumn();
    Optional<SplitType> type = java.util.Arrays.stream(partition.schema().fields())
        .filter(f -> f.name().equals(split)).findFirst().map(StructField::dataType).flatMap(SplitType::ofSpark);
    if (type.isEmpty() || !request.mayShow(split)) {
      return List.of(new Chunk(firstId, where, targetWhere, rows));
    }
    Optional<String> targetSplit = request.unchangedTarget(split);
    return KeyRanges.chunks(KeyRanges.inSpark(partition, split, type.get(), n, rows), rows, firstId,
        range -> SparkSql.and(where, range.spark(split)),
        range -> targetWhere.flatMap(w -> targetSplit.map(t -> SparkSql.and(w, range.spark(t)))));
  }

  private static long ceilDiv(long a, long b) {
    return a <= 0 ? 0 : (a + b - 1) / b;
  }
}
