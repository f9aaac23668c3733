package dev.trickle.recon.pushdown;

import dev.trickle.config.Identifiers;
import dev.trickle.config.MaskKind;
import dev.trickle.recon.ComparisonPlan.Canon;
import dev.trickle.recon.ComparisonPlan.PlannedColumn;
import dev.trickle.recon.CompareRules;
import dev.trickle.source.pgcopy.PgBinary.Infinity;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampType;

/**
 * PostgreSQL's side of {@link dev.trickle.recon.HashScheme#MD5_TEXT}: SQL that renders a source
 * column's canonical value, its text, a row's text and its 64-bit hash exactly as
 * {@link dev.trickle.recon.SparkText} and {@code RowHashes} do in Spark. Masks (redact, null) are
 * applied here too, so the pushed-down side is the mapped side. Column names are plain
 * identifiers (config validation) and always double-quoted.
 */
final class PostgresText {
  /** PostgreSQL types whose values Spark reads as a string equal to their text output. */
  static final Set<String> TEXT_TYPES = Set.of("text", "varchar", "bpchar", "name", "uuid", "json", "jsonb", "citext",
      "interval", "inet", "cidr", "macaddr", "xml");
  private static final Set<String> INTEGERS = Set.of("int2", "int4", "int8");
  private static final String TWO_64 = "18446744073709551616";
  /** Java's one NaN (Double.doubleToLongBits), whatever bits PostgreSQL's NaN has: arithmetic can make a negative one. */
  private static final String NAN_BITS = Long.toString(Double.doubleToLongBits(Double.NaN));
  private static final DateTimeFormatter WALL_CLOCK = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

  private PostgresText() {}

  /** Why this column cannot be rendered identically in PostgreSQL, if it cannot. */
  static Optional<String> unsupported(PlannedColumn c, PgColumn s) {
    if (s.mask().isPresent() && s.mask().get() == MaskKind.SHA256) {
      return Optional.of("column " + c.name() + " is masked with sha256, whose salt must not be sent to the database");
    }
    if (c.canon() == Canon.TEXT) {
      return Optional.of("column " + c.name() + " has different types on both sides (compared by Spark's text of it)");
    }
    if (s.mask().isPresent()) {
      return Optional.empty();
    }
    String pg = s.pgType().toLowerCase(Locale.ROOT);
    DataType t = c.canonicalType();
    boolean ok;
    if (c.canon() == Canon.DECIMAL_TEXT || t instanceof DecimalType) {
      ok = INTEGERS.contains(pg) || pg.equals("numeric");
    } else if (t.equals(DataTypes.LongType)) {
      ok = INTEGERS.contains(pg);
    } else if (t.equals(DataTypes.DoubleType)) {
      ok = INTEGERS.contains(pg) || Set.of("float4", "float8", "numeric").contains(pg);
    } else if (t instanceof StringType) {
      ok = TEXT_TYPES.contains(pg) || pg.equals("numeric");
    } else if (t instanceof DateType) {
      ok = pg.equals("date");
    } else if (t instanceof TimestampType) {
      ok = Set.of("timestamp", "timestamptz", "date").contains(pg);
    } else if (t instanceof BooleanType) {
      ok = pg.equals("bool");
    } else if (t instanceof BinaryType) {
      ok = pg.equals("bytea");
    } else {
      ok = false;
    }
    return ok ? Optional.empty() : Optional.of("column " + c.name() + " (PostgreSQL " + pg + " compared as "
        + t.simpleString() + ") has no text PostgreSQL and Spark render alike");
  }

  /** The canonical value of a source column, typed, NULL where the value is NULL (for figures). */
  static String canonical(PlannedColumn c, PgColumn s, CompareRules rules, String qualifier) {
    return canonical(c, s, rules, qualifier, false);
  }

  /**
   * The canonical value a row hash or bucket is made of. PostgreSQL's lower()
   * follows the database's locale and maps some letters unlike Spark (Java): 'İ' becomes 'i' (Spark:
   * 'i' and a combining dot), a final 'Σ' becomes 'σ' (Spark: 'ς'), a Turkish locale lowers 'I'
   * to 'ı'. Text that PostgreSQL makes equal where Spark does not would hide a changed row, so
   * here only ASCII letters are lowered (as Spark does): a string with other upper-case letters
   * then hashes apart from Spark's and its bucket is drilled into, where Spark compares it.
   */
  static String hashed(PlannedColumn c, PgColumn s, CompareRules rules, String qualifier) {
    return canonical(c, s, rules, qualifier, true);
  }

  private static String canonical(PlannedColumn c, PgColumn s, CompareRules rules, String qualifier, boolean hashed) {
    String v = s.quoted(qualifier);
    String pg = s.pgType().toLowerCase(Locale.ROOT);
    if (s.mask().isPresent()) {
      switch (s.mask().get()) {
        case NULL -> {
          return "NULL::" + pgType(c);
        }
        case REDACT -> {
          v = "(CASE WHEN " + v + " IS NULL THEN NULL ELSE '" + dev.trickle.source.ColumnMapping.REDACTED + "' END)";
          pg = "text";
        }
        default -> throw new IllegalStateException("sha256 masks are never pushed down");
      }
    }
    if (c.canon() == Canon.DECIMAL_TEXT) {
      return "trim_scale((" + v + ")::numeric)::text";
    }
    DataType t = c.canonicalType();
    if (t.equals(DataTypes.LongType)) {
      return "(" + v + ")::bigint";
    }
    if (t instanceof DecimalType d) {
      return "(" + v + ")::numeric(" + d.precision() + "," + d.scale() + ")";
    }
    if (t.equals(DataTypes.DoubleType)) {
      return "(CASE WHEN (" + v + ")::float8 = 0 THEN 0::float8 ELSE (" + v + ")::float8 END)";
    }
    if (t instanceof StringType) {
      // char(n) keeps its padding in its text output (what Spark reads), which ::text would drop.
      String text = pg.equals("bpchar") ? "(CASE WHEN " + v + " IS NULL THEN NULL ELSE concat(" + v + ") END)" : "(" + v + ")::text";
      text = rules.trimStrings() ? "btrim(" + text + ", ' ')" : text;
      return !rules.ignoreCase() ? text : hashed ? "lower(" + text + " COLLATE \"C\")" : "lower(" + text + ")";
    }
    if (t instanceof DateType) {
      return "(" + finite(v, pg) + ")::date";
    }
    if (t instanceof TimestampType) {
      v = finite(v, pg);
      return switch (pg) {
        case "timestamptz" -> "(" + v + ")";
        case "date" -> "((" + v + ")::timestamp AT TIME ZONE 'UTC')";
        default -> "((" + v + ") AT TIME ZONE 'UTC')";
      };
    }
    if (t instanceof BooleanType) {
      return "(" + v + ")::boolean";
    }
    return "(" + v + ")::bytea";
  }

  /**
   * A date or timestamp column with its infinities replaced by the values load writes for them
   * ({@link Infinity}), so the pushed-down side holds what the target holds; other types as they are.
   */
  static String finite(String v, String pg) {
    return switch (pg) {
      case "date" -> infinities(v, "DATE", LocalDate.ofEpochDay(Infinity.DATE_MAX), LocalDate.ofEpochDay(Infinity.DATE_MIN));
      case "timestamp" -> infinities(v, "TIMESTAMP", wallClock(Infinity.WALL_CLOCK_MAX), wallClock(Infinity.WALL_CLOCK_MIN));
      case "timestamptz" -> infinities(v, "TIMESTAMPTZ", wallClock(Infinity.TIMESTAMP_MAX) + "+00",
          wallClock(Infinity.TIMESTAMP_MIN) + "+00");
      default -> v;
    };
  }

  private static String infinities(String v, String type, Object max, Object min) {
    return "(CASE " + v + " WHEN 'infinity' THEN " + type + " '" + max + "' WHEN '-infinity' THEN " + type + " '" + min
        + "' ELSE " + v + " END)";
  }

  /** Microseconds since 1970-01-01 as a wall clock at UTC, in the proleptic Gregorian calendar both engines use. */
  private static String wallClock(long micros) {
    return WALL_CLOCK.format(LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
        (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC));
  }

  /** The PostgreSQL type of a canonical value. */
  static String pgType(PlannedColumn c) {
    DataType t = c.canonicalType();
    if (c.canon() != Canon.VALUE || t instanceof StringType) {
      return "text";
    }
    if (t.equals(DataTypes.LongType)) {
      return "bigint";
    }
    if (t instanceof DecimalType d) {
      return "numeric(" + d.precision() + "," + d.scale() + ")";
    }
    if (t.equals(DataTypes.DoubleType)) {
      return "float8";
    }
    if (t instanceof DateType) {
      return "date";
    }
    if (t instanceof TimestampType) {
      return "timestamptz";
    }
    return t instanceof BooleanType ? "boolean" : "bytea";
  }

  /** The text of a non-null canonical value (SparkText.render). */
  static String text(PlannedColumn c, String v) {
    DataType t = c.canonicalType();
    if (c.canon() != Canon.VALUE || t instanceof StringType) {
      return v;
    }
    if (t.equals(DataTypes.LongType) || t instanceof DecimalType) {
      return v + "::text";
    }
    if (t.equals(DataTypes.DoubleType)) {
      return "(CASE WHEN " + v + " = 'NaN' THEN '" + NAN_BITS + "' ELSE (('x' || encode(float8send(" + v
          + "), 'hex'))::bit(64)::bigint)::text END)";
    }
    if (t instanceof DateType) {
      return "(" + v + " - DATE '1970-01-01')::text";
    }
    if (t instanceof TimestampType) {
      return "((extract(epoch from " + v + ") * 1000000)::bigint)::text";
    }
    if (t instanceof BooleanType) {
      return "(CASE WHEN " + v + " THEN '1' ELSE '0' END)";
    }
    return "encode(" + v + ", 'hex')";
  }

  /** The canonical text of values (SparkText.row): N or length:text, joined by |. */
  static String row(List<String> values, List<PlannedColumn> columns) {
    StringBuilder out = new StringBuilder("(");
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      String t = text(columns.get(i), v);
      out.append(i == 0 ? "" : " || '|' || ")
          .append("(CASE WHEN ").append(v).append(" IS NULL THEN 'N' ELSE length(").append(t).append(")::text || ':' || ")
          .append(t).append(" END)");
    }
    return out.append(values.isEmpty() ? "''" : "").append(")").toString();
  }

  /** The signed 64-bit number of the first 16 hex digits of the text's MD5 (SparkText.hash64). */
  static String hash64(String text) {
    return "('x' || substr(md5(" + text + "), 1, 16))::bit(64)::bigint";
  }

  /** The bucket of a key hash: 0 to buckets - 1. */
  static String bucket(String keyHash, int buckets) {
    return "mod(mod(" + keyHash + ", " + buckets + ") + " + buckets + ", " + buckets + ")::int";
  }

  /** The wrapping 64-bit sum of a bigint column over a group, as a signed bigint. */
  static String wrappingSum(String hash) {
    String u = "mod(mod(sum(" + hash + "::numeric), " + TWO_64 + ") + " + TWO_64 + ", " + TWO_64 + ")";
    return "(CASE WHEN " + u + " >= 9223372036854775808 THEN " + u + " - " + TWO_64 + " ELSE " + u + " END)::bigint";
  }

  /** How a canonical partition value reads in a partition label (RowHashes.labelText). */
  static String label(PlannedColumn c, String v) {
    DataType t = c.canonicalType();
    if (t instanceof DateType) {
      return "to_char(" + v + ", 'YYYY-MM-DD')";
    }
    if (t instanceof TimestampType) {
      return "to_char(" + v + " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')";
    }
    if (t instanceof BinaryType) {
      return "encode(" + v + ", 'hex')";
    }
    return "(" + v + ")::text";
  }

  /** Whether a partition column's label reads alike in both engines (not for floats). */
  static boolean labelSupported(PlannedColumn c) {
    return !c.canonicalType().equals(DataTypes.DoubleType);
  }
}
