package dev.trickle.recon;

import dev.trickle.config.ReconcileConfig;

/**
 * Everything one table's reconciliation works from.
 *
 * @param runId the command's run id (also in the runs ledger)
 * @param config the table's reconcile settings (checks, tolerance, max-diffs)
 * @param buckets hash buckets ({@link BucketSizing})
 * @param asOf JSON of the source position compared against ({@code recon_runs.as_of})
 * @param skippedRows source rows left out because they changed after that position
 */
public record ReconRequest(
    String table,
    String runId,
    ReconcileConfig config,
    CompareRules rules,
    ComparisonPlan plan,
    SideStatistics source,
    SideStatistics target,
    int buckets,
    String asOf,
    long skippedRows) {}
