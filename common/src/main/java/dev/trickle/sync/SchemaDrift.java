package dev.trickle.sync;

import dev.trickle.TrickleException;
import dev.trickle.config.SchemaPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * How the mapped changes' schema differs from the target's, and whether a batch may go on. New
 * columns are added under {@code evolve} and stop the batch under {@code strict}; a type the
 * target's type cannot hold without loss stops it under both, before anything is written.
 *
 * @param added new columns, to be added to the target (nullable)
 * @param missing target columns the changes lack (written as null under evolve)
 * @param widened columns whose type widens safely to the target's ("a: int -> bigint")
 */
public record SchemaDrift(List<StructField> added, List<String> missing, List<String> widened) {

  public SchemaDrift {
    added = List.copyOf(added);
    missing = List.copyOf(missing);
    widened = List.copyOf(widened);
  }

  public boolean none() {
    return added.isEmpty() && missing.isEmpty() && widened.isEmpty();
  }

  /** Compares; throws a BAD_INPUT error naming the columns, both types and the fix when the batch must stop. */
  public static SchemaDrift check(String table, StructType changes, StructType target, SchemaPolicy policy) {
    List<StructField> added = new ArrayList<>();
    List<String> widened = new ArrayList<>();
    List<String> incompatible = new ArrayList<>();
    for (StructField f : changes.fields()) {
      StructField t = find(target, f.name());
      if (t == null) {
        added.add(new StructField(f.name(), f.dataType(), true, f.metadata()));
      } else if (!t.dataType().sameType(f.dataType())) {
        if (Cast.canUpCast(f.dataType(), t.dataType())) {
          widened.add(f.name() + ": " + f.dataType().sql() + " -> " + t.dataType().sql());
        } else {
          incompatible.add("column " + f.name() + " is " + f.dataType().sql() + " at the source but "
              + t.dataType().sql() + " in the target");
        }
      }
    }
    List<String> missing = new ArrayList<>();
    for (StructField t : target.fields()) {
      if (find(changes, t.name()) == null) {
        missing.add(t.name());
      }
    }
    if (!incompatible.isEmpty()) {
      throw TrickleException.badInput("Cannot sync table " + table + ": " + String.join("; ", incompatible)
          + ", and the target's type cannot hold it without loss. Nothing was written. Cast the column to the target's type (columns.cast), or reload the table with trickle load to take the new type.");
    }
    SchemaDrift drift = new SchemaDrift(added, missing, widened);
    if (policy == SchemaPolicy.STRICT && !drift.none()) {
      throw TrickleException.badInput("Cannot sync table " + table + " under sync.schema = strict: the source's schema changed ("
          + drift.describe() + "). Nothing was written. Set sync.schema = evolve to add new columns, exclude them "
          + "(columns.exclude), or reload the table with trickle load.");
    }
    return drift;
  }

  public String describe() {
    List<String> parts = new ArrayList<>();
    if (!added.isEmpty()) {
      parts.add("new column(s) " + added.stream().map(f -> f.name() + " " + f.dataType().sql().toLowerCase(Locale.ROOT)).toList());
    }
    if (!missing.isEmpty()) {
      parts.add("column(s) gone at the source " + missing);
    }
    if (!widened.isEmpty()) {
      parts.add("widened " + widened);
    }
    return String.join("; ", parts);
  }

  private static StructField find(StructType schema, String name) {
    for (StructField f : schema.fields()) {
      if (f.name().equalsIgnoreCase(name)) {
        return f;
      }
    }
    return null;
  }
}
