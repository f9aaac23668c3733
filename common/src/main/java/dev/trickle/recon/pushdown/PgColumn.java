package dev.trickle.recon.pushdown;

import dev.trickle.config.Identifiers;
import dev.trickle.config.MaskKind;
import java.util.Optional;

/**
 * A source column as PostgreSQL types it, with the mask the table's mapping puts on it.
 *
 * @param name the column's name at the source
 * @param pgType PostgreSQL's type name ("int4", "numeric", "timestamptz", "bpchar")
 */
public record PgColumn(String name, String pgType, Optional<MaskKind> mask) {
  /** The column, qualified by a table alias ("r.") or not (""). */
  String quoted(String qualifier) {
    return qualifier + Identifiers.quoteAnsi(name);
  }
}
