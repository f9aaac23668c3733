package dev.trickle.source.pgcopy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * One partition of a COPY read: opens its own connection (inside the snapshot's transaction when
 * there is one), streams {@code COPY (SELECT ...) TO STDOUT (FORMAT binary)} and fills column
 * vectors a batch of rows at a time. Memory stays at one batch whatever the partition's size: a
 * batch ends at {@link #BATCH_ROWS} rows or once its values reach {@link #BATCH_BYTES}, so rows of
 * large documents make shorter batches, not larger ones.
 */
final class PgCopyBatchReader implements PartitionReader<ColumnarBatch> {
  static final int BATCH_ROWS = 4096;
  static final long BATCH_BYTES = 32L << 20;
  private static final byte[] SIGNATURE = "PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1);

  private final PgCopySpec spec;
  private final String predicate;
  private final List<PgCopyColumn> columns;
  private final WritableColumnVector[] vectors;
  private final PgBinary.ValueWriter[] writers;
  private final ArrayWriter[] arrays;
  private final ColumnarBatch batch;
  private Connection connection;
  private CopyOut copy;
  private CopyStream in;
  private boolean ended;
  private long batchBytes;

  PgCopyBatchReader(PgCopySpec spec, String predicate) {
    this.spec = spec;
    this.predicate = predicate;
    this.columns = spec.columns();
    this.vectors = OnHeapColumnVector.allocateColumns(BATCH_ROWS, spec.schema());
    this.writers = new PgBinary.ValueWriter[columns.size()];
    this.arrays = new ArrayWriter[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      PgCopyColumn column = columns.get(i);
      writers[i] = column.array() ? (arrays[i] = new ArrayWriter(column.writer(), column.field().name())) : column.writer();
    }
    this.batch = new ColumnarBatch(vectors);
  }

  @Override
  public boolean next() {
    if (ended) {
      return false;
    }
    try {
      if (in == null) {
        start();
      }
      for (WritableColumnVector v : vectors) {
        v.reset();
      }
      for (ArrayWriter a : arrays) {
        if (a != null) {
          a.reset();
        }
      }
      int rows = 0;
      batchBytes = 0;
      while (rows < BATCH_ROWS && batchBytes < BATCH_BYTES && readRow(rows)) {
        rows++;
      }
      batch.setNumRows(rows);
      return rows > 0;
    } catch (SQLException e) {
      throw failure(e.getMessage(), e);
    }
  }

  @Override
  public ColumnarBatch get() {
    return batch;
  }

  private void start() throws SQLException {
    connection = new org.postgresql.Driver().connect(spec.url(), spec.connection());
    if (connection == null) {
      throw new SQLException("the PostgreSQL driver does not accept the source's URL");
    }
    if (spec.sessionInit() != null) {
      try (Statement s = connection.createStatement()) {
        s.execute(spec.sessionInit());
      }
    }
    copy = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(spec.copySql(predicate));
    in = new CopyStream(copy);
    if (!in.ensure(SIGNATURE.length + 8) || !Arrays.equals(in.buf, in.pos, in.pos + SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
      throw new SQLException("the server did not start a binary COPY");
    }
    in.skip(SIGNATURE.length + 4); // flags: no OIDs are requested
    int extension = in.readInt();
    if (!in.ensure(extension)) {
      throw new SQLException("the binary COPY header ended early");
    }
    in.skip(extension);
  }

  /** Reads one row into slot {@code row}; false after the last row. */
  private boolean readRow(int row) throws SQLException {
    if (!in.ensure(2)) {
      throw new SQLException("the binary COPY ended without its trailer");
    }
    int fields = in.readShort();
    if (fields == -1) {
      ended = true;
      while (copy.readFromCopy() != null) {
        // drain to the end of the COPY, so the connection closes cleanly
      }
      return false;
    }
    int expected = Math.max(1, columns.size()); // a count selects one constant
    if (fields != expected) {
      throw new SQLException("a row has " + fields + " fields, not " + expected);
    }
    for (int i = 0; i < fields; i++) {
      if (!in.ensure(4)) {
        throw new SQLException("a row ended early");
      }
      int length = in.readInt();
      if (i >= columns.size()) {
        in.ensure(Math.max(0, length));
        in.skip(Math.max(0, length));
      } else if (length < 0) {
        vectors[i].putNull(row);
      } else {
        if (!in.ensure(length)) {
          throw new SQLException("a value of column " + columns.get(i).field().name() + " ended early");
        }
        try {
          writers[i].write(in.buf, in.pos, length, vectors[i], row);
        } catch (IllegalArgumentException e) { // a value Spark's type cannot hold: the message says which and why
          // No closing period: the jobs append their own sentence after a ". ".
          throw new IllegalArgumentException("Cannot read " + spec.relation() + " of source " + spec.source() + ": "
              + e.getMessage());
        }
        in.skip(length);
        batchBytes += length;
      }
    }
    return true;
  }

  private RuntimeException failure(String why, Exception cause) {
    String reason = why == null ? cause.getClass().getSimpleName() : why.lines().findFirst().orElse(why).strip();
    return new IllegalStateException("Cannot read " + spec.relation() + " of source " + spec.source() + " with COPY (rows where "
        + predicate + "): " + reason + ". Check that the database is reachable, or set trickle.sources." + spec.source()
        + ".copy = false to read with Spark's JDBC reader.", cause);
  }

  @Override
  public void close() {
    try {
      if (copy != null && copy.isActive()) {
        copy.cancelCopy();
      }
    } catch (SQLException ignored) {
      // the connection closes below either way
    }
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (SQLException ignored) {
      // closing is best effort; the server ends the session with the socket
    }
    batch.close();
  }

  /** A one-dimensional array column: its elements go to the child vector, one cursor per batch. */
  private static final class ArrayWriter implements PgBinary.ValueWriter {
    private final PgBinary.ValueWriter element;
    private final String column;
    private int cursor;

    ArrayWriter(PgBinary.ValueWriter element, String column) {
      this.element = element;
      this.column = column;
    }

    void reset() {
      cursor = 0;
    }

    @Override
    public void write(byte[] b, int off, int len, WritableColumnVector v, int row) {
      int dimensions = (int) PgBinary.INT.get(b, off);
      if (dimensions == 0) {
        v.putArray(row, cursor, 0);
        return;
      }
      if (dimensions != 1) {
        throw new IllegalArgumentException("column " + column + " holds a " + dimensions
            + "-dimensional array; trickle reads one-dimensional arrays. Select it as text in a source query");
      }
      int count = (int) PgBinary.INT.get(b, off + 12);
      WritableColumnVector elements = v.arrayData();
      elements.reserve(cursor + count);
      int p = off + 20; // after ndim, flags, element type, and the one dimension's size and lower bound
      for (int j = 0; j < count; j++) {
        int length = (int) PgBinary.INT.get(b, p);
        p += 4;
        if (length < 0) {
          elements.putNull(cursor + j);
        } else {
          element.write(b, p, length, elements, cursor + j);
          p += length;
        }
      }
      v.putArray(row, cursor, count);
      cursor += count;
    }
  }
}
