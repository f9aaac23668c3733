package dev.trickle.recon;

import dev.trickle.recon.ComparisonPlan.PlannedColumn;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Column profiles of one side added up in plain per-task state ({@link ColumnTotals}), one pass,
 * one small object per task back to the driver. Spark's own aggregation computes the same
 * figures, but a string min or max or a HyperLogLog in the aggregate turns off its generated
 * code for every column, which made profiling cost about five scans (docs/BENCHMARKS.md).
 */
final class ProfileTotals implements Serializable {
  private static final long serialVersionUID = 1L;

  private long rows;
  private final ColumnTotals[] columns;

  private ProfileTotals(ColumnTotals[] columns) {
    this.columns = columns;
  }

  /** Profiles of canonical rows ({@link RowHashes#canonical}): column -> metric -> value. */
  static Map<String, Map<String, Object>> of(Dataset<Row> canonical, List<PlannedColumn> columns) {
    Dataset<Row> narrow = canonical.select(columns.stream().map(c -> canonical.col(RowHashes.quote(c.name())))
        .toArray(Column[]::new));
    ColumnTotals[] empty = new ColumnTotals[columns.size()];
    for (int i = 0; i < empty.length; i++) {
      empty[i] = new ColumnTotals(columns.get(i).storageType(), ColumnProfiles.computed(columns.get(i), true));
    }
    ProfileTotals total = narrow.queryExecution().toRdd().toJavaRDD()
        .aggregate(new ProfileTotals(empty), ProfileTotals::add, ProfileTotals::merge);
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      Map<String, Object> metrics = new LinkedHashMap<>();
      metrics.put(ColumnProfiles.ROWS, total.rows);
      for (String metric : ColumnProfiles.computed(columns.get(i), true)) {
        metrics.put(metric, total.columns[i].metric(metric));
      }
      out.put(columns.get(i).name(), metrics);
    }
    return out;
  }

  private ProfileTotals add(InternalRow row) {
    rows++;
    for (int i = 0; i < columns.length; i++) {
      columns[i].add(row, i);
    }
    return this;
  }

  private ProfileTotals merge(ProfileTotals other) {
    rows += other.rows;
    for (int i = 0; i < columns.length; i++) {
      columns[i].merge(other.columns[i]);
    }
    return this;
  }
}
