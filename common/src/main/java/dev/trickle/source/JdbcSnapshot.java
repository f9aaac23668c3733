package dev.trickle.source;

import dev.trickle.TrickleException;
import dev.trickle.config.TableConfig;
import dev.trickle.plan.ChunkPlan;
import dev.trickle.plan.ChunkRequest;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JDBC source at one moment. For PostgreSQL with {@code load.consistent-snapshot} (the default),
 * a driver-side connection holds a REPEATABLE READ transaction that exported its snapshot with
 * {@code pg_export_snapshot()}; every Spark task starts its own session with
 * {@code BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '<id>'}, so all
 * chunks, retries included, see exactly the rows committed before the snapshot. The exporting
 * transaction must stay open until every task has started: close this only after the last read.
 * Other databases, or {@code consistent-snapshot = false}: plain reads, each chunk seeing the
 * table as it is when the chunk runs.
 *
 * <p>Position: {@code wal_lsn}, the WAL insert position read just before the snapshot was taken
 * (every change committed after the snapshot lies after it; a sync starting there may re-apply a
 * few changes the snapshot already holds, which upserts make harmless), and, when the table has
 * {@code sync.watermark-column}, {@code watermark}: that column's maximum inside the snapshot, as
 * an ISO-8601 instant for timestamptz, an ISO-8601 local date-time for timestamp without time
 * zone, an ISO date, or a plain number.
 */
final class JdbcSnapshot implements SourceSnapshot {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcSnapshot.class);
  private static final Pattern SNAPSHOT_ID = Pattern.compile("[0-9A-Fa-f-]+");

  private final JdbcSource source;
  private final Connection exporter;
  private final Optional<String> sessionInit;
  private final SourcePosition position;

  private JdbcSnapshot(JdbcSource source, Connection exporter, Optional<String> sessionInit, SourcePosition position) {
    this.source = source;
    this.exporter = exporter;
    this.sessionInit = sessionInit;
    this.position = position;
  }

  /**
   * PostgreSQL: exports a snapshot from a transaction held open until {@link #close()}; the
   * position's watermark is read inside it when {@code withWatermark}.
   */
  static JdbcSnapshot exported(JdbcSource source, TableConfig table, boolean withWatermark) {
    Connection connection = JdbcConnections.open(source.config());
    boolean threw = true;
    try {
      String lsn = single(connection, "SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() "
          + "ELSE pg_current_wal_lsn() END)::text");
      connection.setAutoCommit(false);
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      connection.setReadOnly(true);
      String id = single(connection, "SELECT pg_export_snapshot()");
      if (id == null || !SNAPSHOT_ID.matcher(id).matches()) {
        throw new SQLException("unexpected snapshot id " + id);
      }
      SourcePosition position = base().with(SourcePosition.WAL_LSN, lsn)
          .with(SourcePosition.WATERMARK, withWatermark ? watermark(source, table, connection).orElse(null) : null);
      JdbcSnapshot snapshot = new JdbcSnapshot(source, connection, Optional.of(
          "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '" + id + "'"), position);
      threw = false;
      return snapshot;
    } catch (SQLException e) {
      throw source.failure(e);
    } finally {
      if (threw) {
        closeQuietly(connection);
      }
    }
  }

  /** Plain reads: the position has the watermark as it is now (when asked for), and no WAL position. */
  static JdbcSnapshot unpinned(JdbcSource source, TableConfig table, boolean withWatermark) {
    Optional<String> watermark = withWatermark ? source.withConnection(c -> watermark(source, table, c)) : Optional.empty();
    return new JdbcSnapshot(source, null, Optional.empty(), base().with(SourcePosition.WATERMARK, watermark.orElse(null)));
  }

  /** The statement that makes a session see this snapshot, when it is exported. */
  Optional<String> sessionInit() {
    return sessionInit;
  }

  @Override
  public SourcePosition position() {
    return position;
  }

  /** Every row, one Spark partition per key range (planned inside the snapshot). */
  @Override
  public Dataset<Row> read() {
    return source.read(plan(ChunkRequest.of(tableConfig())).predicates(), sessionInit);
  }

  /** The rows matching a predicate of the source's SQL dialect, in one Spark partition. */
  @Override
  public Dataset<Row> read(String predicate) {
    return source.read(List.of(predicate), sessionInit);
  }

  /** Key ranges from quantiles computed in the database, inside the snapshot when there is one. */
  @Override
  public ChunkPlan plan(ChunkRequest request) {
    if (exporter == null) {
      return source.withConnection(c -> source.plan(c, request));
    }
    synchronized (exporter) { // one JDBC connection serves one statement at a time
      try {
        return source.plan(exporter, request);
      } catch (SQLException e) {
        throw source.failure(e);
      }
    }
  }

  /** Ends the exporting transaction (call after the last task has started). */
  @Override
  public void close() {
    if (exporter != null) {
      synchronized (exporter) {
        try {
          exporter.rollback(); // read only: nothing to commit
        } catch (SQLException e) {
          LOG.warn("Cannot end the snapshot transaction of {}: {}", source.describe(), e.getMessage());
        }
        closeQuietly(exporter);
      }
    }
  }

  private TableConfig tableConfig() {
    return source.table();
  }

  private static SourcePosition base() {
    return SourcePosition.of("jdbc").with(SourcePosition.TAKEN_AT, Instant.now());
  }

  /** The maximum of the table's watermark column, rendered for the position. */
  private static Optional<String> watermark(JdbcSource source, TableConfig table, Connection connection) throws SQLException {
    Optional<String> configured = table.sync().watermarkColumn().map(c -> table.columns().sourceName(c));
    if (configured.isEmpty()) {
      return Optional.empty();
    }
    JdbcColumn column = source.column(configured.get()).orElseThrow(() -> TrickleException.badInput(
        "Cannot read the watermark of " + source.describe() + ": '" + configured.get() + "' is not a source column. Fix trickle.tables."
            + table.name() + ".sync.watermark-column."));
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT max(" + source.dialect().quoteName(column.name()) + ") FROM " + source.relation())) {
      rs.next();
      return Optional.ofNullable(render(rs, column));
    }
  }

  private static String render(ResultSet rs, JdbcColumn column) throws SQLException {
    String type = column.typeName() == null ? "" : column.typeName().toLowerCase(Locale.ROOT);
    if (type.equals("timestamptz") || column.jdbcType() == Types.TIMESTAMP_WITH_TIMEZONE) {
      Timestamp t = rs.getTimestamp(1);
      return t == null ? null : t.toInstant().toString();
    }
    return switch (column.jdbcType()) {
      case Types.TIMESTAMP -> {
        LocalDateTime t = rs.getObject(1, LocalDateTime.class);
        yield t == null ? null : t.toString();
      }
      case Types.DATE -> {
        LocalDate d = rs.getObject(1, LocalDate.class);
        yield d == null ? null : d.toString();
      }
      case Types.NUMERIC, Types.DECIMAL -> {
        BigDecimal d = rs.getBigDecimal(1);
        yield d == null ? null : d.toPlainString();
      }
      default -> rs.getString(1);
    };
  }

  private static String single(Connection connection, String sql) throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // Closing is best effort; the server ends the transaction with the session.
    }
  }
}
