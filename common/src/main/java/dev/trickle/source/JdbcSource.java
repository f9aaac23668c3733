package dev.trickle.source;

import dev.trickle.TrickleException;
import dev.trickle.config.SourceConfig;
import dev.trickle.config.TableConfig;
import dev.trickle.plan.Chunk;
import dev.trickle.plan.ChunkPlan;
import dev.trickle.plan.ChunkRequest;
import dev.trickle.plan.KeyRanges;
import dev.trickle.plan.SplitType;
import dev.trickle.plan.SqlDialect;
import dev.trickle.source.pgcopy.PgCopyColumn;
import dev.trickle.source.pgcopy.PgCopySource;
import dev.trickle.source.pgcopy.PgCopySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A table or query of a JDBC database, read one key range per partition. PostgreSQL is
 * first-class (consistent snapshots, in-database quantiles, page sampling, reads through binary
 * COPY: {@link PgCopySource}); other databases are read by Spark's JDBC reader through their URL
 * and driver class, with portable SQL.
 *
 * <p>Types: timestamp without time zone is read as Spark timestamp_ntz (no time zone shift),
 * timestamptz as an instant, json/jsonb and uuid as text, arrays as arrays. A decimal Spark cannot
 * hold exactly (PostgreSQL {@code numeric} without precision, or precision above 38) is read as
 * its exact text; cast it with {@code columns.cast} to a decimal that fits, and a value that does
 * not fit then fails the load instead of being rounded silently.
 */
public final class JdbcSource implements Source {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcSource.class);

  private final SparkSession spark;
  private final SourceConfig source;
  private final TableConfig table;
  private final SqlDialect dialect;
  private volatile List<JdbcColumn> columns;
  private volatile StructType sparkSchema;
  private volatile Optional<List<PgCopyColumn>> copyColumns;

  public JdbcSource(SparkSession spark, SourceConfig source, TableConfig table) {
    this.spark = spark;
    this.source = source;
    this.table = table;
    this.dialect = source.isPostgres() ? SqlDialect.POSTGRES : SqlDialect.GENERIC;
  }

  @Override
  public String describe() {
    return table.source().describe();
  }

  public SourceConfig config() {
    return source;
  }

  TableConfig table() {
    return table;
  }

  public SqlDialect dialect() {
    return dialect;
  }

  /** Whether this reads a table (rather than a query). */
  public boolean isTable() {
    return table.source().table().isPresent();
  }

  /** What SQL reads from: the quoted table name, or the query as an aliased subquery. */
  public String relation() {
    return table.source().table().map(dialect::quoteIdentifier).orElseGet(() ->
        "(" + table.source().query().orElseThrow().strip().replaceAll(";+$", "") + "\n) trickle_query");
  }

  /** The relation's columns as the database describes them; exit 2 when it does not exist. */
  public List<JdbcColumn> columns() {
    if (columns == null) {
      columns = withConnection(c -> JdbcColumn.describe(c, relation()));
    }
    return columns;
  }

  public Optional<JdbcColumn> column(String name) {
    return columns().stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** The columns as Spark's JDBC reader types them (one metadata query; no rows are read). */
  @Override
  public StructType schema() {
    if (sparkSchema == null) {
      columns();
      sparkSchema = jdbcRead(List.of(dialect.all()), Optional.empty()).schema();
    }
    return sparkSchema;
  }

  /** Every row now, one Spark partition per key range of the table's split column. */
  @Override
  public Dataset<Row> read() {
    ChunkPlan plan = withConnection(c -> plan(c, ChunkRequest.of(table)));
    return read(plan.predicates(), Optional.empty());
  }

  /** The rows matching each predicate (SQL of this source's dialect), one Spark partition each. */
  public Dataset<Row> read(List<String> predicates) {
    return read(predicates, Optional.empty());
  }

  @Override
  public SourceSnapshot snapshot() {
    return snapshot(true);
  }

  /**
   * The table pinned for reading only, as {@link #snapshot()} pins it but without reading the
   * watermark's maximum (a scan of the table where the column has no index): what reconcile
   * compares.
   */
  public SourceSnapshot pinForReading() {
    return snapshot(false);
  }

  private SourceSnapshot snapshot(boolean withWatermark) {
    columns();
    if (source.isPostgres() && table.load().consistentSnapshot()) {
      return JdbcSnapshot.exported(this, table, withWatermark);
    }
    return JdbcSnapshot.unpinned(this, table, withWatermark);
  }

  /** Empty: a database keeps no history trickle could go back to. */
  @Override
  public Optional<SourceSnapshot> snapshotAt(SourcePosition position) {
    return Optional.empty();
  }

  /**
   * The rows matching each predicate, one Spark partition each, in the Spark types of
   * {@link #schema()}: through binary COPY when the source is PostgreSQL with {@code copy} on and
   * COPY decodes every column's type, else through Spark's JDBC reader.
   */
  Dataset<Row> read(List<String> predicates, Optional<String> sessionInit) {
    Optional<List<PgCopyColumn>> copy = copyColumns();
    if (copy.isEmpty()) {
      return jdbcRead(predicates, sessionInit);
    }
    return PgCopySource.read(spark, new PgCopySpec(source.name(), source.url().orElseThrow(),
        JdbcConnections.properties(source), relation(), predicates, sessionInit.orElse(null), copy.get()));
  }

  /** Every column as COPY reads it, or empty when COPY is off or a column's type is not one it decodes. */
  private Optional<List<PgCopyColumn>> copyColumns() {
    if (copyColumns == null) {
      copyColumns = source.readsWithCopy() ? decodedByCopy() : Optional.empty();
    }
    return copyColumns;
  }

  private Optional<List<PgCopyColumn>> decodedByCopy() {
    StructField[] fields = schema().fields(); // in the relation's column order, as columns() is
    if (fields.length != columns().size()) {
      return Optional.empty();
    }
    List<PgCopyColumn> out = new ArrayList<>();
    for (int i = 0; i < fields.length; i++) {
      JdbcColumn column = columns().get(i);
      Optional<PgCopyColumn> copy = PgCopyColumn.of(column.name(), column.typeName(), fields[i]);
      if (copy.isEmpty()) {
        LOG.info("{}: reading with Spark's JDBC reader, as COPY does not decode column {} ({} as {})", describe(),
            column.name(), column.typeName(), fields[i].dataType().simpleString());
        return Optional.empty();
      }
      out.add(copy.get());
    }
    return textCastsAreOutputs(out) ? Optional.of(List.copyOf(out)) : Optional.empty();
  }

  /**
   * Whether every type COPY selects as {@code ::text} renders as Spark's JDBC reader renders it
   * (the type's output function). A type with a cast function to text does not always (inet's
   * cast keeps the netmask its output drops; boolean's says 'true' where its output says 't').
   */
  private boolean textCastsAreOutputs(List<PgCopyColumn> copy) {
    List<String> types = copy.stream().flatMap(c -> c.textCast().stream()).distinct().toList();
    if (types.isEmpty()) {
      return true;
    }
    List<String> unlike = withConnection(c -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT n FROM unnest(?::text[]) n WHERE to_regtype(n) IS NULL "
          + "OR EXISTS (SELECT 1 FROM pg_cast WHERE castsource = to_regtype(n) AND casttarget = 'text'::regtype AND castmethod = 'f')")) {
        s.setArray(1, c.createArrayOf("text", types.toArray()));
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
      }
      return out;
    });
    if (!unlike.isEmpty()) {
      LOG.info("{}: reading with Spark's JDBC reader, as the text of type {} differs between COPY and JDBC", describe(), unlike);
    }
    return unlike.isEmpty();
  }

  private Dataset<Row> jdbcRead(List<String> predicates, Optional<String> sessionInit) {
    Properties options = new Properties();
    JdbcConnections.sparkOptions(source).forEach(options::setProperty);
    options.setProperty("preferTimestampNTZ", "true");
    String custom = columns().stream().filter(c -> c.sparkTypeOverride().isPresent())
        .map(c -> "`" + c.name().replace("`", "``") + "` " + c.sparkTypeOverride().get())
        .collect(Collectors.joining(", "));
    if (!custom.isEmpty()) {
      options.setProperty("customSchema", custom);
    }
    sessionInit.ifPresent(s -> options.setProperty("sessionInitStatement", s));
    try {
      return spark.read().jdbc(source.url().orElseThrow(), relation(), predicates.toArray(String[]::new), options);
    } catch (Exception e) { // Spark's JDBC errors are undeclared
      if (e instanceof TrickleException t) {
        throw t;
      }
      throw SourceErrors.missing(describe(), "trickle.tables." + table.name() + ".source", e);
    }
  }

  /**
   * Cuts the relation into key ranges of the request's split column, from quantiles computed in the
   * database on {@code connection} (inside a snapshot's transaction when there is one). A split
   * column that cannot be cut gives one chunk.
   */
  ChunkPlan plan(Connection connection, ChunkRequest request) throws SQLException {
    String split = request.splitColumn();
    Optional<SplitType> type = column(split).flatMap(JdbcColumn::splitType);
    long rows = estimateRows(connection);
    if (type.isEmpty()) {
      LOG.warn("{}: split column {} cannot be cut into ranges; reading it as one partition", describe(), split);
      return ChunkPlan.whole(dialect.all(), rows);
    }
    int n = request.count(rows, 0);
    List<KeyRanges.Cut> cuts = KeyRanges.inDatabase(connection, dialect, relation(), isTable(), split, type.get(), n, rows);
    Optional<String> target = request.unchangedTarget(split);
    List<Chunk> chunks = KeyRanges.chunks(cuts, rows, 1, range -> range.sql(dialect, split, type.get()),
        range -> target.map(range::spark));
    return new ChunkPlan(chunks.size() > 1 ? ChunkPlan.KEY_RANGES : ChunkPlan.WHOLE, Optional.of(split), chunks);
  }

  /**
   * PostgreSQL tables: the planner's own estimate (reltuples scaled to the current number of
   * pages); otherwise, or for a table never analysed, an exact count.
   */
  private long estimateRows(Connection connection) throws SQLException {
    if (dialect == SqlDialect.POSTGRES && isTable()) {
      try (PreparedStatement s = connection.prepareStatement(
          "SELECT c.reltuples, c.relpages, pg_relation_size(c.oid) / current_setting('block_size')::bigint "
              + "FROM pg_class c WHERE c.oid = to_regclass(?::text)")) {
        s.setString(1, relation());
        try (ResultSet rs = s.executeQuery()) {
          if (rs.next() && rs.getDouble(1) >= 0 && rs.getLong(2) > 0) {
            return Math.round(rs.getDouble(1) / rs.getLong(2) * rs.getLong(3));
          }
        }
      }
    }
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + relation())) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * A connection that sees what {@code at} sees: inside its exported snapshot when it has one (the
   * session joins it as the snapshot's Spark tasks do), else the database as it is now. Closing
   * the connection ends its transaction.
   */
  public Connection connect(SourceSnapshot at) {
    Connection connection = JdbcConnections.open(source);
    Optional<String> init = at instanceof JdbcSnapshot pinned ? pinned.sessionInit() : Optional.empty();
    if (init.isEmpty()) {
      return connection;
    }
    try (Statement s = connection.createStatement()) {
      s.execute(init.get());
      return connection;
    } catch (SQLException e) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // The failure below is what matters.
      }
      throw failure(e);
    }
  }

  /** A body run on a fresh connection, with SQL errors turned into trickle's exit codes. */
  <T> T withConnection(SqlBody<T> body) {
    try (Connection c = JdbcConnections.open(source)) {
      return body.apply(c);
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /**
   * SQL errors of class 42 (no such table or column, bad query, no permission) are bad input:
   * exit 2 naming the table; anything else is a failed run (exit 3).
   */
  TrickleException failure(SQLException e) {
    if (e.getSQLState() != null && e.getSQLState().startsWith("42")) {
      return SourceErrors.missing(describe(), "trickle.tables." + table.name() + ".source and the user's privileges", e);
    }
    return TrickleException.runFailed("Cannot read source table " + describe() + ": " + JdbcConnections.firstLine(e)
        + ". Check that the database is reachable and run again; finished chunks are kept.", e);
  }

  /** SQL run against a connection. */
  @FunctionalInterface
  interface SqlBody<T> {
    T apply(Connection connection) throws SQLException;
  }
}
