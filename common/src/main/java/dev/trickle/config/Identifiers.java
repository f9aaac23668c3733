package dev.trickle.config;

import java.util.regex.Pattern;

/**
 * Identifiers that come from config end up in SQL. Only plain identifiers are accepted, and they
 * are always quoted for the dialect they go to; anything else is rejected, never pasted.
 */
public final class Identifiers {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
  private static final Pattern QUALIFIED = Pattern.compile(PLAIN.pattern() + "(\\." + PLAIN.pattern() + ")*");

  private Identifiers() {}

  /** A column or source name: letters, digits, _ and $, not starting with a digit. */
  public static boolean isPlain(String name) {
    return name != null && PLAIN.matcher(name).matches();
  }

  /** A table name, optionally qualified by schema or namespace ("public.orders"). */
  public static boolean isQualified(String name) {
    return name != null && QUALIFIED.matcher(name).matches();
  }

  /** ANSI double-quoted, for PostgreSQL and most databases: {@code "Order"."id"}. */
  public static String quoteAnsi(String name) {
    return quoteParts(name, '"');
  }

  /** Back-quoted, for Spark SQL: {@code `order`.`id`}. */
  public static String quoteSpark(String name) {
    return quoteParts(name, '`');
  }

  private static String quoteParts(String name, char quote) {
    if (!isQualified(name)) {
      throw new IllegalArgumentException("Cannot quote identifier: '" + name + "' is not a plain identifier");
    }
    StringBuilder out = new StringBuilder();
    for (String part : name.split("\\.")) {
      if (out.length() > 0) {
        out.append('.');
      }
      out.append(quote).append(part).append(quote);
    }
    return out.toString();
  }
}
