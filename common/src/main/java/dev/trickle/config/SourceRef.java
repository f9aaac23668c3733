package dev.trickle.config;

import java.util.Optional;

/**
 * A table's {@code source} block: the source it names and what to read there.
 *
 * @param ref the name of an entry in {@code trickle.sources}
 * @param table "schema.table" (jdbc) or "db.table" (iceberg catalog)
 * @param query jdbc: a SELECT to read instead of a table
 * @param path parquet, delta, iceberg by path: the table's folder, already resolved against the
 *     source's base path
 */
public record SourceRef(String ref, Optional<String> table, Optional<String> query, Optional<String> path) {

  /** A short description for messages and the Spark UI ("legacy:public.orders"). */
  public String describe() {
    return ref + ":" + table.or(() -> path).orElse("(query)");
  }
}
