package dev.trickle.jobs.load;

import dev.trickle.TrickleException;
import dev.trickle.config.TableConfig;
import dev.trickle.config.TrickleConfig;
import dev.trickle.plan.ChunkRequest;
import dev.trickle.plan.SplitType;
import dev.trickle.source.ColumnMapping;
import dev.trickle.source.JdbcColumn;
import dev.trickle.source.JdbcSource;
import dev.trickle.source.Source;
import dev.trickle.source.Sources;
import dev.trickle.state.LoadLedger;
import dev.trickle.target.DeltaTarget;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The checks a load makes before anything is written, each failing with exit 2 and a message that
 * names the key to fix: the source table exists, the column mapping fits it, the split column can
 * be cut into key ranges and is not masked, the watermark column exists, and the target either is
 * new, was written by an earlier load of this table, or is replaced on purpose (--restart).
 */
public final class LoadChecks {
  private LoadChecks() {}

  /**
   * What a load (or plan) needs once its checks passed.
   *
   * @param targetSchema the mapped source schema the target has (or gets)
   */
  public record Checked(Source source, ColumnMapping mapping, StructType targetSchema, DeltaTarget target) {}

  public static Checked check(SparkSession spark, TrickleConfig config, TableConfig table, boolean restart) {
    Source source = Sources.open(spark, config, table);
    StructType schema = source.schema();
    ColumnMapping.check(table, schema, table.load().splitBy());
    String at = "trickle.tables." + table.name();
    String split = ChunkRequest.splitColumn(table);
    if (table.columns().mask().containsKey(table.columns().targetName(split))) {
      throw TrickleException.badInput("Cannot load table " + table.name() + ": its split column '" + split
          + "' is masked, and chunk predicates (printed by plan, recorded in load_chunks) would show its raw values. Set "
          + at + ".load.split-by to an unmasked column.");
    }
    if (source instanceof JdbcSource jdbc) {
      JdbcColumn column = jdbc.column(split).orElseThrow();
      if (column.splitType().isEmpty()) {
        throw TrickleException.badInput("Cannot load table " + table.name() + ": its split column '" + split + "' has type "
            + column.typeName() + ", which cannot be cut into key ranges. Set " + at + ".load.split-by to a column of type "
            + SplitType.SUPPORTED + ".");
      }
    }
    table.sync().watermarkColumn().map(c -> table.columns().sourceName(c))
        .filter(c -> !List.of(schema.fieldNames()).contains(c))
        .ifPresent(c -> {
          throw TrickleException.badInput("Cannot load table " + table.name() + ": '" + c + "' is not a source column. Fix "
              + at + ".sync.watermark-column (the load records its maximum for the first sync).");
        });

    ColumnMapping mapping = Sources.mapping(config, table);
    StructType targetSchema = mapping.targetSchema(schema);
    DeltaTarget target = new DeltaTarget(spark, table.target());
    Optional<StructType> existing = target.schema();
    if (existing.isPresent() && !restart) {
      if (!DeltaTarget.sameColumns(existing.get(), targetSchema)) {
        throw TrickleException.badInput("Cannot load table " + table.name() + " into " + target.describe()
            + ": its columns " + existing.get().simpleString() + " differ from the mapped source's " + targetSchema.simpleString()
            + ". Pass --restart to replace the target, or point " + at + ".target at a new table.");
      }
      if (target.hasData() && previousLoad(new LoadLedger(spark, config.stateDir()), table, target).isEmpty()) {
        throw TrickleException.badInput("Cannot load table " + table.name() + " into " + target.describe()
            + ": it already holds data that no trickle load of this table wrote. Pass --restart to replace its contents, or point "
            + at + ".target at a new table.");
      }
    }
    return new Checked(source, mapping, targetSchema, target);
  }

  /** The table's latest load, if it wrote this target (a load into another target is no earlier load of this one). */
  public static Optional<LoadLedger.LoadState> previousLoad(LoadLedger ledger, TableConfig table, DeltaTarget target) {
    return ledger.latest(table.name()).filter(s -> s.target().map(t -> t.equals(target.describe())).orElse(true));
  }
}
