package dev.trickle.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Plays Debezium's part for the demo: a trigger on a PostgreSQL table records every row change as
 * a Debezium JSON envelope ({@code op} c/u/d, {@code before}, {@code after}, {@code source.lsn}
 * from the WAL insert position, {@code source.ts_ms}), and {@link #export} writes the recorded
 * events to a file in the table's {@code sync.cdc-path} folder, one per line. So the events
 * describe exactly the changes made to the table, and reconciling it against PostgreSQL afterwards
 * proves they were applied. json/jsonb values travel as text (Debezium's default) and numerics as
 * exact text (Debezium's {@code decimal.handling.mode = string}, trickle's default
 * {@code sync.cdc-decimal-handling}).
 */
public final class DemoCdc {
  static final String SCHEMA = "demo_cdc";

  private DemoCdc() {}

  /** Starts recording the changes of {@code table} (schema-qualified, plain identifiers). */
  public static void capture(LocalPostgres pg, String table) {
    try (Connection c = pg.connect(DemoShop.DATABASE); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
      s.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".events (id bigserial PRIMARY KEY, table_name text NOT NULL, "
          + "event jsonb NOT NULL)");
      s.execute("""
          CREATE OR REPLACE FUNCTION %1$s.image(r jsonb, rel oid) RETURNS jsonb LANGUAGE plpgsql AS $$
          DECLARE c name;
          BEGIN
            FOR c IN SELECT attname FROM pg_attribute WHERE attrelid = rel AND attnum > 0 AND NOT attisdropped
                       AND atttypid IN ('json'::regtype, 'jsonb'::regtype, 'numeric'::regtype) LOOP
              IF r -> c <> 'null'::jsonb THEN r := jsonb_set(r, ARRAY[c::text], to_jsonb(r ->> c)); END IF;
            END LOOP;
            RETURN r;
          END $$""".formatted(SCHEMA));
      s.execute("""
          CREATE OR REPLACE FUNCTION %1$s.record() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            INSERT INTO %1$s.events (table_name, event) VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, jsonb_build_object(
              'op', CASE TG_OP WHEN 'INSERT' THEN 'c' WHEN 'UPDATE' THEN 'u' ELSE 'd' END,
              'before', CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE %1$s.image(to_jsonb(OLD), TG_RELID) END,
              'after', CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE %1$s.image(to_jsonb(NEW), TG_RELID) END,
              'source', jsonb_build_object('connector', 'postgresql', 'db', current_database(),
                'schema', TG_TABLE_SCHEMA, 'table', TG_TABLE_NAME,
                'lsn', (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint,
                'ts_ms', (extract(epoch FROM clock_timestamp()) * 1000)::bigint),
              'ts_ms', (extract(epoch FROM clock_timestamp()) * 1000)::bigint));
            RETURN NULL;
          END $$""".formatted(SCHEMA));
      s.execute("CREATE OR REPLACE TRIGGER demo_cdc AFTER INSERT OR UPDATE OR DELETE ON " + table
          + " FOR EACH ROW EXECUTE FUNCTION " + SCHEMA + ".record()");
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot set up change capture on " + table + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes the events recorded for {@code table} to {@code file}, in the order they happened,
   * and returns how many there were.
   */
  public static int export(LocalPostgres pg, String table, Path file) {
    List<String> lines = new ArrayList<>();
    try (Connection c = pg.connect(DemoShop.DATABASE); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT event::text FROM " + SCHEMA + ".events WHERE table_name = '"
            + table.replace("'", "''") + "' ORDER BY id")) {
      while (rs.next()) {
        lines.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the change events of " + table + ": " + e.getMessage(), e);
    }
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
    }
    return lines.size();
  }
}
