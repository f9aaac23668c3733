package dev.trickle.source;

import dev.trickle.config.SourceConfig;
import dev.trickle.config.SourceKind;
import dev.trickle.config.TableConfig;
import dev.trickle.config.TrickleConfig;
import org.apache.spark.sql.SparkSession;

/** Opens the {@link Source} a table reads from; one class per source kind behind it. */
public final class Sources {
  private Sources() {}

  public static Source open(SparkSession spark, TrickleConfig config, TableConfig table) {
    SourceConfig source = config.sourceOf(table);
    if (source.kind() == SourceKind.JDBC) {
      return new JdbcSource(spark, source, table);
    }
    return new FileTableSource(spark, source, table.source());
  }

  /** The table's column mapping, with the pipeline's mask salt. */
  public static ColumnMapping mapping(TrickleConfig config, TableConfig table) {
    return new ColumnMapping(table.columns(), config.maskSalt());
  }
}
