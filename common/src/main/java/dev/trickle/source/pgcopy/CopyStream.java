package dev.trickle.source.pgcopy;

import java.sql.SQLException;
import org.postgresql.copy.CopyOut;

/**
 * The bytes of a COPY ... TO STDOUT, message by message: a value is decoded where it lies in the
 * server's message (rows usually are one message each), and copied only when it spans two.
 */
final class CopyStream {
  private static final byte[] EMPTY = new byte[0];

  private final CopyOut copy;
  byte[] buf = EMPTY;
  int pos;
  private int limit;

  CopyStream(CopyOut copy) {
    this.copy = copy;
  }

  /** Whether {@code n} more bytes are at {@code buf[pos..]}, reading messages until they are; false at the end. */
  boolean ensure(int n) throws SQLException {
    while (limit - pos < n) {
      byte[] next = copy.readFromCopy();
      if (next == null) {
        return false;
      }
      if (pos == limit) {
        buf = next;
        limit = next.length;
      } else {
        byte[] joined = new byte[limit - pos + next.length];
        System.arraycopy(buf, pos, joined, 0, limit - pos);
        System.arraycopy(next, 0, joined, limit - pos, next.length);
        buf = joined;
        limit = joined.length;
      }
      pos = 0;
    }
    return true;
  }

  short readShort() {
    short v = (short) PgBinary.SHORT.get(buf, pos);
    pos += 2;
    return v;
  }

  int readInt() {
    int v = (int) PgBinary.INT.get(buf, pos);
    pos += 4;
    return v;
  }

  void skip(int n) {
    pos += n;
  }
}
