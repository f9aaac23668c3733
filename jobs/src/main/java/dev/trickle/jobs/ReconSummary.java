package dev.trickle.jobs;

import dev.trickle.recon.ReconReport;
import dev.trickle.recon.Verdict;
import java.time.Duration;

/** The one line a person reads per reconciled table. */
final class ReconSummary {
  private ReconSummary() {}

  static String line(ReconReport r) {
    StringBuilder out = new StringBuilder(r.table()).append(": ").append(r.verdict().name())
        .append("  source ").append(r.sourceRows()).append(" row(s), target ").append(r.targetRows()).append(" row(s)");
    if (r.differingRows() > 0 || r.verdict() == Verdict.MISMATCH) {
      out.append("; missing ").append(r.missingRows()).append(", extra ").append(r.extraRows())
          .append(", changed ").append(r.changedRows());
    }
    if (r.skippedRows() > 0) {
      out.append("; skipped ").append(r.skippedRows()).append(" changed since the position");
    }
    if (!r.reasons().isEmpty() && r.verdict() == Verdict.MISMATCH) {
      out.append(" (").append(String.join("; ", r.reasons())).append(')');
    }
    long millis = Duration.between(r.startedAt(), r.finishedAt()).toMillis();
    return out.append("  [").append(String.format("%.1f", millis / 1000.0)).append(" s]").toString();
  }
}
