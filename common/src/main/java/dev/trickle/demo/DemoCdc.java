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
 * proves they were applied. json/jsonb values travel as text and numerics as Debezium sends them
 * by default ({@code decimal.handling.mode = precise}: base64 bytes of the unscaled value), which
 * the demo's pipeline reads with {@code sync.cdc-decimal-handling = precise}.
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
      // Debezium's decimal.handling.mode = precise: the unscaled value's two's-complement bytes,
      // big-endian, in base64 (as Java's BigInteger.toByteArray gives them).
      s.execute("""
          CREATE OR REPLACE FUNCTION %1$s.precise(v numeric, scale int) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT AS $$
          DECLARE
            u numeric := trunc(v * power(10::numeric, scale));
            negative boolean := u < 0;
            rest numeric := CASE WHEN u < 0 THEN -u - 1 ELSE u END;
            bytes bytea := ''::bytea;
            low int;
          BEGIN
            LOOP
              low := mod(rest, 256)::int;
              bytes := decode(lpad(to_hex(CASE WHEN negative THEN 255 - low ELSE low END), 2, '0'), 'hex') || bytes;
              rest := div(rest, 256);
              EXIT WHEN rest = 0;
            END LOOP;
            IF (get_byte(bytes, 0) >= 128) <> negative THEN -- room for the sign bit
              bytes := decode(CASE WHEN negative THEN 'ff' ELSE '00' END, 'hex') || bytes;
            END IF;
            RETURN encode(bytes, 'base64');
          END $$""".formatted(SCHEMA));
      // A numeric of declared scale as precise bytes; one without as Debezium's VariableScaleDecimal.
      s.execute("""
          CREATE OR REPLACE FUNCTION %1$s.image(r jsonb, rel oid) RETURNS jsonb LANGUAGE plpgsql AS $$
          DECLARE a record;
          BEGIN
            FOR a IN SELECT attname, atttypid, atttypmod FROM pg_attribute WHERE attrelid = rel AND attnum > 0
                       AND NOT attisdropped AND atttypid IN ('json'::regtype, 'jsonb'::regtype, 'numeric'::regtype) LOOP
              CONTINUE WHEN r -> a.attname IS NULL OR r -> a.attname = 'null'::jsonb;
              IF a.atttypid <> 'numeric'::regtype THEN
                r := jsonb_set(r, ARRAY[a.attname::text], to_jsonb(r ->> a.attname));
              ELSIF a.atttypmod >= 0 THEN
                r := jsonb_set(r, ARRAY[a.attname::text],
                    to_jsonb(%1$s.precise((r ->> a.attname)::numeric, (a.atttypmod - 4) & 65535)));
              ELSE
                r := jsonb_set(r, ARRAY[a.attname::text], jsonb_build_object(
                    'scale', scale((r ->> a.attname)::numeric),
                    'value', %1$s.precise((r ->> a.attname)::numeric, scale((r ->> a.attname)::numeric))));
              END IF;
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
