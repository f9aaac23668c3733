package dev.trickle.jobs;

import static org.apache.spark.sql.functions.col;

import dev.trickle.ExitCode;
import dev.trickle.Throwables;
import dev.trickle.TrickleException;
import dev.trickle.config.TableConfig;
import dev.trickle.config.TrickleConfig;
import dev.trickle.recon.AsOf;
import dev.trickle.recon.BucketSizing;
import dev.trickle.recon.CompareRules;
import dev.trickle.recon.ComparisonPlan;
import dev.trickle.recon.HashScheme;
import dev.trickle.recon.ReconReport;
import dev.trickle.recon.ReconRequest;
import dev.trickle.recon.ReconSources;
import dev.trickle.recon.ReconTables;
import dev.trickle.recon.SparkSide;
import dev.trickle.recon.TableReconciler;
import dev.trickle.recon.pushdown.PostgresPushdown;
import dev.trickle.recon.Side;
import dev.trickle.recon.Verdict;
import dev.trickle.source.ColumnMapping;
import dev.trickle.source.Source;
import dev.trickle.source.Sources;
import dev.trickle.spark.SparkSteps;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * {@code reconcile}: per table, compares the target with the source as of the last synced
 * position and writes the recon tables. Holds no lock: it only reads the target, pinned at one
 * version. A table within tolerance ends OK, one beyond it DIFFERENCES (exit 1), one whose side
 * cannot be read RUN_FAILED (exit 3) with verdict ERROR in {@code recon_runs}.
 */
public final class ReconcileJob implements TableJob<ReconcileJob.Prepared> {
  /** How many differing rows the console shows per table. */
  static final int CONSOLE_EXAMPLES = 5;

  /**
   * What prepare found: the plan, or why a side cannot be read (reported at run as ERROR).
   */
  public record Prepared(Source source, ColumnMapping mapping, ReconTarget target, CompareRules rules, ComparisonPlan plan,
      String unreadable) {}

  @Override
  public String command() {
    return "reconcile";
  }

  @Override
  public boolean locksTable() {
    return false;
  }

  @Override
  public Prepared prepare(JobContext context, TableConfig table) {
    SparkSession spark = context.spark();
    Source source = Sources.open(spark, context.config(), table);
    ColumnMapping mapping = Sources.mapping(context.config(), table);
    ReconTarget target = new ReconTarget(spark, table);
    CompareRules rules = CompareRules.of(table, HashScheme.XXHASH64);
    StructType sourceSchema;
    StructType targetSchema;
    try {
      sourceSchema = source.schema();
    } catch (TrickleException e) {
      return new Prepared(source, mapping, target, rules, null, e.getMessage());
    }
    ColumnMapping.check(table, sourceSchema, Optional.empty());
    Optional<String> missingTarget = target.problem();
    if (missingTarget.isPresent()) {
      return new Prepared(source, mapping, target, rules, null, missingTarget.get());
    }
    targetSchema = target.schema();
    try {
      ComparisonPlan plan = ComparisonPlan.of(mapping.targetSchema(sourceSchema), targetSchema, rules);
      return new Prepared(source, mapping, target, rules, plan, null);
    } catch (ComparisonPlan.PlanException e) {
      throw TrickleException.badInput("Cannot reconcile table " + table.name() + ": " + e.getMessage()
          + ". Fix trickle.tables." + table.name() + " (keys, reconcile.partition-by, reconcile.ignore-columns).");
    }
  }

  @Override
  public TableResult run(JobContext context, TableConfig table, Prepared prepared) {
    Instant started = Instant.now();
    ReconTables tables = new ReconTables(context.spark(), context.config().reconDir());
    if (prepared.unreadable() != null) {
      return error(context, tables, table, started, AsOf.none().json("current", Optional.empty()), prepared, prepared.unreadable());
    }
    String asOfJson = AsOf.none().json("current", Optional.empty());
    try (TableReconciler reconciler = new TableReconciler(context.spark())) {
      long version = prepared.target().pinVersion();
      AsOf asOf = SparkSteps.step(context.spark(), "trickle-reconcile-" + table.name() + "-as-of",
          "reconcile " + table.name() + ": find the last synced position",
          () -> AsOf.latest(context.spark(), context.config().stateDir(), table.name(), Optional.of(version)));
      try (ReconSources.Resolved sides = ReconSources.resolve(context.spark(), context.config().sourceOf(table), table,
          prepared.source(), prepared.mapping(), asOf, prepared.target().read(), prepared.plan(), prepared.rules())) {
        asOfJson = sides.asOf();
        PostgresPushdown.Choice source = PostgresPushdown.choose(context.spark(), context.config().sourceOf(table), table,
            prepared.source(), prepared.mapping(), sides, prepared.plan(), prepared.rules());
        ReconRequest request = new ReconRequest(table.name(), context.run().runId(), table.reconcile(), source.rules(),
            prepared.plan(), source.source(),
            new SparkSide(prepared.target().describe(), sides.target(), Side.TARGET, prepared.plan(), source.rules()),
            buckets(context, table, prepared.target()), sides.asOf(), sides.skippedRows());
        ReconReport report = reconciler.run(request);
        long written = SparkSteps.step(context.spark(), "trickle-reconcile-" + table.name() + "-write",
            "reconcile " + table.name() + ": write the recon tables",
            () -> tables.write(report, table.reconcile().maxDiffs(), checks(table)));
        return result(report, written, examples(report));
      }
    } catch (TrickleException e) {
      if (e.exitCode() == ExitCode.BAD_INPUT) {
        throw e;
      }
      return error(context, tables, table, started, asOfJson, prepared, context.redactor().redact(e.getMessage()));
    } catch (Exception e) { // also SparkException, which Scala code throws undeclared
      String message = "Cannot reconcile table " + table.name() + ": " + Throwables.rootMessage(e)
          + ". Check that both sides can be read and run again.";
      return error(context, tables, table, started, asOfJson, prepared, context.redactor().redact(message));
    }
  }

  private static int buckets(JobContext context, TableConfig table, ReconTarget target) {
    ReconTables tables = new ReconTables(context.spark(), context.config().reconDir());
    List<Row> previous = tables.runs().read()
        .where(col("table_name").equalTo(table.name()).and(col("verdict").notEqual(Verdict.ERROR.name())))
        .orderBy(col("finished_at").desc()).limit(1)
        .select("target_rows", "missing_rows", "extra_rows", "changed_rows", "partitions").collectAsList();
    if (previous.isEmpty()) {
      return BucketSizing.choose(table.reconcile().buckets(), target.estimatedRows(), OptionalLong.empty(), 1);
    }
    Row p = previous.get(0);
    long differing = p.getLong(1) + p.getLong(2) + p.getLong(3);
    return BucketSizing.choose(table.reconcile().buckets(), Math.max(p.getLong(0), target.estimatedRows()),
        OptionalLong.of(differing), p.isNullAt(4) ? 1 : Math.max(1, p.getInt(4)));
  }

  static String checks(TableConfig table) {
    List<String> on = new java.util.ArrayList<>();
    if (table.reconcile().counts()) {
      on.add("counts");
    }
    if (table.reconcile().keys()) {
      on.add("keys");
    }
    if (table.reconcile().profiles()) {
      on.add("profiles");
    }
    if (table.reconcile().hashes()) {
      on.add("hashes");
    }
    return String.join(",", on);
  }

  private static TableResult error(JobContext context, ReconTables tables, TableConfig table, Instant started, String asOf,
      Prepared prepared, String message) {
    ReconReport report = ReconReport.error(table.name(), context.run().runId(), started, asOf, prepared.source().describe(),
        prepared.target().describe(), message);
    try {
      tables.write(report, 0, checks(table));
    } catch (RuntimeException e) {
      context.console().error("Cannot record the ERROR verdict of " + table.name() + " in recon_runs: " + Throwables.rootMessage(e));
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("verdict", Verdict.ERROR.name());
    details.put("error", message);
    return new TableResult(table.name(), ExitCode.RUN_FAILED, table.name() + ": ERROR  " + message, details);
  }

  private static TableResult result(ReconReport r, long written, String examples) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("verdict", r.verdict().name());
    details.put("source_rows", r.sourceRows());
    details.put("target_rows", r.targetRows());
    details.put("missing_rows", r.missingRows());
    details.put("extra_rows", r.extraRows());
    details.put("changed_rows", r.changedRows());
    details.put("skipped_rows", r.skippedRows());
    details.put("diffs_written", written);
    details.put("buckets", r.buckets());
    details.put("mismatched_buckets", r.mismatchedBuckets());
    details.put("as_of", r.asOf());
    details.put("reasons", r.reasons());
    ExitCode exit = r.verdict() == Verdict.MATCH ? ExitCode.OK : ExitCode.DIFFERENCES;
    return new TableResult(r.table(), exit, ReconSummary.line(r) + examples, details);
  }

  /** A few differing rows and how to query them all, as lines under the summary. */
  private static String examples(ReconReport report) {
    if (report.differences() == null || report.differingRows() == 0) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    Dataset<Row> examples = report.differences().orderBy(col("diff_type").desc(), col("key")).limit(CONSOLE_EXAMPLES)
        .select("diff_type", "key", "changed_columns");
    for (Row r : examples.collectAsList()) {
      List<String> changed = r.getList(2);
      out.append(System.lineSeparator()).append("  ").append(r.getString(0)).append(' ').append(r.getString(1))
          .append(changed.isEmpty() ? "" : " " + changed);
    }
    if (report.differingRows() > CONSOLE_EXAMPLES) {
      out.append(System.lineSeparator()).append("  ... and ").append(report.differingRows() - CONSOLE_EXAMPLES).append(" more");
    }
    return out.append(System.lineSeparator()).append("  All of them: SELECT diff_type, key, changed_columns FROM recon_diffs WHERE run_id = '")
        .append(report.runId()).append("' AND table_name = '").append(report.table()).append("'").toString();
  }
}
