package dev.trickle.recon.pushdown;

import dev.trickle.TrickleException;
import dev.trickle.config.SourceConfig;
import dev.trickle.config.SourceKind;
import dev.trickle.config.TableConfig;
import dev.trickle.plan.SqlDialect;
import dev.trickle.recon.CompareRules;
import dev.trickle.recon.ComparisonPlan;
import dev.trickle.recon.HashScheme;
import dev.trickle.recon.ReconSources;
import dev.trickle.recon.Side;
import dev.trickle.recon.SideStatistics;
import dev.trickle.recon.SparkSide;
import dev.trickle.source.ColumnMapping;
import dev.trickle.source.JdbcSource;
import dev.trickle.source.Source;
import dev.trickle.source.SourceSnapshot;
import dev.trickle.source.WatermarkWindow;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where reconcile computes the source's figures: inside PostgreSQL ({@link PostgresSide}) when
 * the source is PostgreSQL, {@code reconcile.pushdown} is on and every compared column has a
 * canonical text both engines render alike ({@link PostgresSources#refusal}); otherwise with
 * Spark from the source's rows, the reason logged and kept in the side's description (which
 * {@code recon_runs.source} records). A pushed-down comparison hashes both sides with
 * {@link HashScheme#MD5_TEXT}, so the target side must use the {@link Choice#rules()} returned.
 */
public final class PostgresPushdown {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresPushdown.class);

  private PostgresPushdown() {}

  /** The source side and the rules both sides are compared by. */
  public record Choice(SideStatistics source, CompareRules rules) {}

  /** Reconcile's source side: pushed down where {@link #attempt} can, else read by Spark with the reason in its description. */
  public static Choice choose(SparkSession spark, SourceConfig sourceConfig, TableConfig table, Source source,
      ColumnMapping mapping, ReconSources.Resolved sides, ComparisonPlan plan, CompareRules rules) {
    if (sourceConfig.kind() != SourceKind.JDBC) {
      return new Choice(new SparkSide(source.describe(), sides.source(), Side.SOURCE, plan, rules), rules);
    }
    JdbcSource jdbc = (JdbcSource) source;
    SourceSnapshot pinned = sides.pinned().orElseThrow(() -> new IllegalStateException("a jdbc source is read pinned"));
    String exclusion = sides.late().map(late -> withoutLateKeys(late, jdbc.relation(), table, plan)).orElse(null);
    UnaryOperator<Dataset<Row>> narrow = sides.late().map(ReconSources.Late::withoutLateKeys).orElse(UnaryOperator.identity());
    Attempt attempt = attempt(spark, table, jdbc, pinned, mapping, plan, rules, exclusion, narrow);
    if (attempt.side().isPresent()) {
      return new Choice(attempt.side().get(), attempt.rules());
    }
    String described = source.describe() + " (aggregates computed by Spark: " + attempt.refusal() + ")";
    return new Choice(new SparkSide(described, sides.source(), Side.SOURCE, plan, rules), rules);
  }

  /**
   * The source computed in PostgreSQL with {@link HashScheme#MD5_TEXT} {@code rules}, or why it
   * cannot be (also logged). Used by reconcile and by sync's {@code diff} mode.
   *
   * @param pinned the snapshot every query and read sees
   * @param exclusion a SQL condition on the relation's row {@code r} that keeps the rows compared, or null
   * @param narrow the same for the drill-down's mapped rows, in Spark
   */
  public static Attempt attempt(SparkSession spark, TableConfig table, JdbcSource jdbc, SourceSnapshot pinned,
      ColumnMapping mapping, ComparisonPlan plan, CompareRules rules, String exclusion, UnaryOperator<Dataset<Row>> narrow) {
    SourceConfig sourceConfig = jdbc.config();
    Optional<String> refusal = !table.reconcile().pushdown() ? Optional.of("reconcile.pushdown is false")
        : !sourceConfig.isPostgres() ? Optional.of("the source is not PostgreSQL") : Optional.empty();
    Map<String, PgColumn> columns = Map.of();
    if (refusal.isEmpty()) {
      try (Connection c = jdbc.connect(pinned)) {
        columns = PostgresSources.describe(c, jdbc.relation(), table.columns());
        refusal = PostgresSources.refusal(sourceConfig, table, plan, columns, c);
      } catch (SQLException e) {
        throw TrickleException.runFailed("Cannot describe " + jdbc.describe() + " for the pushdown to PostgreSQL: "
            + e.getMessage().lines().findFirst().orElse("") + ". Check the database, or set trickle.tables." + table.name()
            + ".reconcile.pushdown = false.", e);
      }
    }
    if (refusal.isPresent()) {
      LOG.info("{}: the source's aggregates are computed by Spark: {}", table.name(), refusal.get());
      return new Attempt(Optional.empty(), rules, refusal.get());
    }
    CompareRules md5 = rules.withScheme(HashScheme.MD5_TEXT);
    return new Attempt(Optional.of(new PostgresSide(spark, jdbc.describe(), jdbc.relation(), columns, exclusion,
        () -> jdbc.connect(pinned), pinned::read, narrow, mapping, plan, md5)), md5, null);
  }

  /** A pushed-down source side and the rules both sides then compare by, or why there is none. */
  public record Attempt(Optional<PostgresSide> side, CompareRules rules, String refusal) {}

  /**
   * The SQL condition (row alias {@code r}) that keeps the rows whose key no row past the
   * position's watermark has, as the Spark side leaves those keys out. One difference: {@code IN}
   * never matches a key with a NULL part where Spark's null-safe join does, so of a NULL key held
   * by a late row and by others, the others stay in (a key is seldom NULL, and never twice).
   */
  static String withoutLateKeys(ReconSources.Late late, String relation, TableConfig table, ComparisonPlan plan) {
    SqlDialect pg = SqlDialect.POSTGRES;
    String column = pg.quoteName(late.column());
    String keysOfR = keys("r.", table, plan);
    String keysOfL = keys("l.", table, plan);
    return "(" + WatermarkWindow.after(pg, "r." + column, late.kind(), late.mark()) + ") IS NOT TRUE AND ((" + keysOfR
        + ") IN (SELECT " + keysOfL + " FROM (SELECT * FROM " + relation + ") l WHERE "
        + WatermarkWindow.after(pg, "l." + column, late.kind(), late.mark()) + ")) IS NOT TRUE";
  }

  private static String keys(String qualifier, TableConfig table, ComparisonPlan plan) {
    return plan.keys().stream().map(k -> qualifier + SqlDialect.POSTGRES.quoteName(table.columns().sourceName(k.name())))
        .collect(Collectors.joining(", "));
  }
}
