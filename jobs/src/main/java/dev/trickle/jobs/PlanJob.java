package dev.trickle.jobs;

import dev.trickle.config.TableConfig;
import dev.trickle.jobs.load.LoadChecks;
import dev.trickle.plan.Chunk;
import dev.trickle.plan.ChunkPlan;
import dev.trickle.plan.ChunkRequest;
import dev.trickle.source.SourceSnapshot;
import dev.trickle.state.LoadLedger;
import dev.trickle.state.LoadLedger.LoadState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code plan}: the chunks a load would run, with their predicates and estimated rows, without
 * moving data. When the table has an unfinished load, that load's recorded chunks are shown (a
 * re-run of load resumes exactly those), each marked DONE or TODO.
 */
public final class PlanJob implements TableJob<LoadChecks.Checked> {

  @Override
  public String command() {
    return "plan";
  }

  @Override
  public boolean locksTable() {
    return false;
  }

  @Override
  public LoadChecks.Checked prepare(JobContext context, TableConfig table) {
    return LoadChecks.check(context.spark(), context.config(), table, context.flag(LoadJob.RESTART));
  }

  @Override
  public TableResult run(JobContext context, TableConfig table, LoadChecks.Checked checked) {
    Optional<LoadState> unfinished = LoadChecks.previousLoad(new LoadLedger(context.spark(), context.config().stateDir()),
            table, checked.target())
        .filter(s -> !s.done() && !s.plan().isEmpty() && !context.flag(LoadJob.RESTART));
    ChunkPlan plan;
    Map<Integer, Long> done = Map.of();
    if (unfinished.isPresent()) {
      plan = new ChunkPlan("recorded", Optional.empty(), unfinished.get().plan());
      done = unfinished.get().doneRows();
      context.console().info("plan " + table.name() + ": load " + unfinished.get().loadId() + " is unfinished; load resumes these chunks");
    } else {
      try (SourceSnapshot snapshot = checked.source().snapshot()) {
        plan = snapshot.plan(ChunkRequest.of(table));
      }
    }
    context.console().info(render(table.name(), plan, done));

    List<Map<String, Object>> chunks = new ArrayList<>();
    for (Chunk c : plan.chunks()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", c.id());
      m.put("predicate", c.predicate());
      m.put("target_predicate", c.targetPredicate().orElse(null));
      m.put("estimated_rows", c.estimatedRows());
      m.put("status", done.containsKey(c.id()) ? "DONE" : "TODO");
      chunks.add(m);
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("method", plan.method());
    details.put("split_column", plan.splitColumn().orElse(null));
    details.put("estimated_rows", plan.estimatedRows());
    unfinished.ifPresent(s -> details.put("resumes_load", s.loadId()));
    details.put("chunks", chunks);
    return TableResult.ok(table.name(), String.format(Locale.ROOT, "plan %s: %d chunk(s), about %,d rows (%s%s)", table.name(),
        plan.chunks().size(), plan.estimatedRows(), plan.method(), plan.splitColumn().map(c -> " on " + c).orElse("")), details);
  }

  static String render(String table, ChunkPlan plan, Map<Integer, Long> done) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-6s %14s  %-6s %s%n", "chunk", "est. rows", "status", "predicate"));
    for (Chunk c : plan.chunks()) {
      out.append(String.format(Locale.ROOT, "%-6d %,14d  %-6s %s%n", c.id(), c.estimatedRows(),
          done.containsKey(c.id()) ? "DONE" : "TODO", c.predicate()));
    }
    return out.toString().stripTrailing();
  }
}
