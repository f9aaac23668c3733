package dev.trickle.plan;

import dev.trickle.config.Identifiers;

/**
 * How SQL for a JDBC source is written. PostgreSQL is first-class; other databases get ANSI SQL.
 * Identifiers from config are validated plain names ({@link Identifiers}); names read from the
 * database's own metadata may be anything and are quoted with their quotes doubled.
 */
public enum SqlDialect {
  POSTGRES,
  GENERIC;

  /** A table or column name from config, such as {@code public.orders}. */
  public String quoteIdentifier(String plainOrQualified) {
    return Identifiers.quoteAnsi(plainOrQualified);
  }

  /** A single column name as the database reports it (any characters). */
  public String quoteName(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  public String stringLiteral(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  /**
   * The expression a range predicate compares on. PostgreSQL text compares in byte order
   * ({@code COLLATE "C"}), which is how Spark orders strings, so both sides cut the same ranges.
   */
  public String comparable(String quotedColumn, SplitType type) {
    return this == POSTGRES && type == SplitType.STRING ? quotedColumn + " COLLATE \"C\"" : quotedColumn;
  }

  /** A predicate that every row satisfies. */
  public String all() {
    return "1 = 1";
  }
}
