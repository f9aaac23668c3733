package dev.trickle.recon;

import dev.trickle.config.ReconcileConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The table verdict. The hash check, when it ran, is the authority on rows: MATCH when the
 * differing rows (missing + extra + changed) are within the tolerance. Without it, the row counts
 * (total, and per partition) stand in for differing rows, and every key and profile metric must
 * agree, since nothing else vouches for the values. Either way a column only one side has is a
 * MISMATCH: a column lost on the way is data lost.
 */
public final class Verdicts {
  private Verdicts() {}

  /** What the checks found, for the verdict. */
  public record Findings(boolean hashesRan, boolean countsRan, long sourceRows, long targetRows, long missing, long extra,
      long changed, long partitionCountDifference, List<String> onlyInSource, List<String> onlyInTarget,
      List<Metric> keyMetrics, List<Metric> columnMetrics) {}

  /** The verdict, and the reasons for a MISMATCH added to {@code reasons}. */
  public static Verdict decide(ReconcileConfig config, Findings f, List<String> reasons) {
    List<String> out = new ArrayList<>();
    if (f.hashesRan()) {
      long differing = f.missing() + f.extra() + f.changed();
      if (!config.withinTolerance(differing, f.sourceRows())) {
        out.add(differing + " row(s) differ (" + f.missing() + " missing in target, " + f.extra() + " extra in target, "
            + f.changed() + " changed)" + tolerance(config));
      }
    } else if (f.countsRan()) {
      long differing = Math.max(Math.abs(f.sourceRows() - f.targetRows()), (f.partitionCountDifference() + 1) / 2);
      if (!config.withinTolerance(differing, f.sourceRows())) {
        out.add("row counts differ: source " + f.sourceRows() + ", target " + f.targetRows()
            + (f.partitionCountDifference() > 0 ? ", by " + f.partitionCountDifference() + " across partitions" : "") + tolerance(config));
      }
    }
    f.onlyInSource().forEach(c -> out.add("column " + c + " is only in the source"));
    f.onlyInTarget().forEach(c -> out.add("column " + c + " is only in the target"));
    if (!f.hashesRan()) {
      f.keyMetrics().stream().filter(m -> m.verdict() == Verdict.MISMATCH)
          .forEach(m -> out.add("key metric " + m.metric() + " differs: " + m.sourceValue() + " vs " + m.targetValue()));
      f.columnMetrics().stream().filter(m -> m.verdict() == Verdict.MISMATCH)
          .forEach(m -> out.add(m.column() + " " + m.metric() + " differs: " + m.sourceValue() + " vs " + m.targetValue()));
    }
    reasons.addAll(out);
    return out.isEmpty() ? Verdict.MATCH : Verdict.MISMATCH;
  }

  private static String tolerance(ReconcileConfig config) {
    if (config.toleranceRows() == 0 && config.tolerancePercent() == 0) {
      return "";
    }
    return "; tolerance " + config.toleranceRows() + " row(s) or " + config.tolerancePercent() + "%";
  }
}
