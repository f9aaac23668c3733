package dev.trickle.source.pgcopy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.StructType;

/**
 * What a COPY read needs, on the driver and in every task: where to connect, what to read, and how.
 *
 * @param source the source's name, for error messages
 * @param url the PostgreSQL JDBC URL
 * @param connection connection properties (user, password, the source's properties)
 * @param relation what to select from: a quoted table, or a query as an aliased subquery
 * @param predicates one WHERE clause per Spark partition
 * @param sessionInit SQL each task runs first (the snapshot's transaction), or null
 * @param columns the columns read, in order
 */
public record PgCopySpec(String source, String url, Properties connection, String relation, List<String> predicates,
    String sessionInit, List<PgCopyColumn> columns) implements Serializable {

  public PgCopySpec {
    predicates = List.copyOf(predicates);
    columns = List.copyOf(columns);
  }

  public StructType schema() {
    StructType out = new StructType();
    for (PgCopyColumn c : columns) {
      out = out.add(c.field());
    }
    return out;
  }

  /** The same read, of the named columns only (Spark's column pruning). */
  PgCopySpec withColumns(StructType required) {
    List<PgCopyColumn> kept = columns.stream()
        .filter(c -> required.getFieldIndex(c.field().name()).isDefined()).toList();
    return new PgCopySpec(source, url, connection, relation, predicates, sessionInit, kept);
  }

  /** The COPY statement of one partition. */
  String copySql(String predicate) {
    String select = columns.isEmpty() ? "1" // a count needs rows, not columns
        : columns.stream().map(PgCopyColumn::select).collect(Collectors.joining(", "));
    return "COPY (SELECT " + select + " FROM " + relation + " WHERE " + predicate + ") TO STDOUT (FORMAT binary)";
  }

  /** The spec as one data source option (Java serialization, Base64). */
  String encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(this);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot encode the COPY read of " + relation, e);
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  static PgCopySpec decode(String encoded) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(encoded)))) {
      return (PgCopySpec) in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalArgumentException("Cannot decode a COPY read's options: " + e.getMessage(), e);
    }
  }

  /** Without the connection properties: the password stays out of plans and logs. */
  @Override
  public String toString() {
    return "PgCopySpec[" + source + ": " + relation + ", " + predicates.size() + " partitions, " + columns.size() + " columns]";
  }
}
