package dev.trickle.recon.pushdown;

import static org.apache.spark.sql.functions.col;

import dev.trickle.TrickleException;
import dev.trickle.recon.BucketAggregates;
import dev.trickle.recon.ColumnProfiles;
import dev.trickle.recon.CompareRules;
import dev.trickle.recon.ComparisonPlan;
import dev.trickle.recon.ComparisonPlan.PlannedColumn;
import dev.trickle.recon.KeyDistribution;
import dev.trickle.recon.RowHashes;
import dev.trickle.recon.SideStatistics;
import dev.trickle.recon.SparkSide;
import dev.trickle.source.ColumnMapping;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A PostgreSQL source whose aggregates are computed inside the database: one grouped query gives
 * every partition's and bucket's row count and wrapping hash sum, so only those cross the
 * network; profiles and key figures are one query each. The drill-down reads through Spark only
 * the rows of mismatched buckets (the bucket filter runs in PostgreSQL), maps them as load does,
 * and hashes them in Spark with the same canonical text.
 */
public final class PostgresSide implements SideStatistics {
  static final StructType AGGREGATES = new StructType()
      .add(RowHashes.PARTITION, DataTypes.StringType, false)
      .add(RowHashes.BUCKET, DataTypes.IntegerType, false)
      .add(BucketAggregates.ROWS, DataTypes.LongType, false)
      .add(BucketAggregates.HASH, DataTypes.LongType, false);

  private final SparkSession spark;
  private final String description;
  private final PostgresQueries queries;
  private final Supplier<Connection> connections;
  private final Function<String, Dataset<Row>> rowsWhere;
  private final java.util.function.UnaryOperator<Dataset<Row>> narrow;
  private final ColumnMapping mapping;
  private final ComparisonPlan plan;
  private final CompareRules rules;

  /**
   * @param relation what SQL reads from: a quoted table name or an aliased subquery
   * @param columns the source's columns as the database types them, by target name, with masks
   * @param exclusion a SQL condition on the relation's row (alias {@code r}) that leaves rows out
   *     (the as-of watermark), or null
   * @param rowsWhere the relation's raw rows matching a SQL condition, read by Spark
   * @param narrow applied to the drill-down's mapped rows (the as-of exclusion in Spark)
   */
  public PostgresSide(SparkSession spark, String description, String relation, Map<String, PgColumn> columns,
      String exclusion, Supplier<Connection> connections, Function<String, Dataset<Row>> rowsWhere,
      java.util.function.UnaryOperator<Dataset<Row>> narrow, ColumnMapping mapping, ComparisonPlan plan, CompareRules rules) {
    this.spark = spark;
    this.description = description;
    this.queries = new PostgresQueries(relation, columns, exclusion, plan, rules);
    this.connections = connections;
    this.rowsWhere = rowsWhere;
    this.narrow = narrow;
    this.mapping = mapping;
    this.plan = plan;
    this.rules = rules;
  }

  @Override
  public String describe() {
    return description + " (aggregates computed in PostgreSQL)";
  }

  @Override
  public Dataset<Row> bucketAggregates(int buckets, boolean withHashes) {
    List<Row> rows = query(queries.aggregates(buckets, withHashes), rs -> {
      List<Row> out = new ArrayList<>();
      while (rs.next()) {
        out.add(RowFactory.create(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4)));
      }
      return out;
    });
    return spark.createDataFrame(rows, AGGREGATES);
  }

  @Override
  public Dataset<Row> rowsIn(Dataset<Row> partitionBuckets, int buckets) {
    return new SparkSide(description, mappedRowsIn(partitionBuckets, buckets), dev.trickle.recon.Side.SOURCE, plan, rules)
        .rowsIn(partitionBuckets, buckets);
  }

  /**
   * The source's rows in the given buckets (every row when null), mapped as load maps them and
   * narrowed, not hashed: the bucket filter runs in PostgreSQL, so only those rows are fetched.
   */
  public Dataset<Row> mappedRowsIn(Dataset<Row> partitionBuckets, int buckets) {
    String where = queries.rowFilter(partitionBuckets == null ? null
        : partitionBuckets.select(col(RowHashes.BUCKET)).distinct().collectAsList().stream().map(r -> r.getInt(0)).toList(),
        buckets);
    return narrow.apply(mapping.apply(rowsWhere.apply(where)));
  }

  @Override
  public Map<String, Map<String, Object>> profiles() {
    PostgresQueries.Profile profile = queries.profiles();
    return query(profile.sql(), rs -> {
      rs.next();
      Map<String, Map<String, Object>> out = new LinkedHashMap<>();
      Object rows = rs.getLong(1);
      for (int i = 0; i < profile.names().size(); i++) {
        String[] name = profile.names().get(i);
        out.computeIfAbsent(name[0], k -> new LinkedHashMap<>(Map.of(ColumnProfiles.ROWS, rows)))
            .put(name[1], PostgresValues.read(rs, i + 2, profile.columns().get(i), name[1]));
      }
      return out;
    });
  }

  @Override
  public KeyDistribution.Stats keys() {
    long[] figures = query(queries.keyFigures(), rs -> {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)};
    });
    List<PlannedColumn> keys = plan.keys();
    List<Object[]> ends = new ArrayList<>();
    for (boolean descending : new boolean[] {false, true}) {
      ends.add(query(queries.keyEnd(descending), rs -> rs.next() ? PostgresValues.readAll(rs, 1, keys) : null));
    }
    List<Object[]> duplicates = figures[2] == 0 ? List.of() : query(queries.duplicateExamples(KeyDistribution.EXAMPLES), rs -> {
      List<Object[]> out = new ArrayList<>();
      while (rs.next()) {
        Object[] key = PostgresValues.readAll(rs, 1, keys);
        Object[] withCount = java.util.Arrays.copyOf(key, key.length + 1);
        withCount[key.length] = rs.getLong(keys.size() + 1);
        out.add(withCount);
      }
      return out;
    });
    KeyJson json = new KeyJson(spark, keys);
    return new KeyDistribution.Stats(figures[0], figures[1], figures[2], figures[3], figures[4],
        json.key(ends.get(0)), json.key(ends.get(1)), json.examples(duplicates));
  }

  private <T> T query(String sql, ResultReader<T> reader) {
    try (Connection c = connections.get(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return reader.read(rs);
    } catch (SQLException e) {
      throw TrickleException.runFailed("Cannot compute the source's aggregates in PostgreSQL for " + description + ": "
          + e.getMessage().lines().findFirst().orElse("") + ". Check the database, or set reconcile.pushdown = false.", e);
    }
  }

  @FunctionalInterface
  private interface ResultReader<T> {
    T read(ResultSet rs) throws SQLException;
  }
}
