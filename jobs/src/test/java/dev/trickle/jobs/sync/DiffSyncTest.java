package dev.trickle.jobs.sync;

import static dev.trickle.jobs.sync.SyncFixture.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trickle.demo.LocalPostgres;
import dev.trickle.jobs.cli.CliRun;
import dev.trickle.jobs.load.PgFixture;
import dev.trickle.testing.SharedPostgres;
import dev.trickle.testing.SharedSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * diff end to end on a PostgreSQL table with no change tracking at all (sync.mode = auto picks
 * diff without a watermark column), through a column mapping with an exclude, a rename, a cast
 * and a mask: after each batch the target equals the source mapped independently here.
 */
@ExtendWith({SharedSpark.class, SharedPostgres.class})
class DiffSyncTest {
  private static final String[] COLUMNS = {"id", "label", "amount", "email"};

  /** A pipeline of one table of the fixture's database, synced in diff mode. */
  private static String diffPipeline(PgFixture pg, String table, String key) {
    return """
        trickle {
          warehouse = "$DIR/lake"
          sources { pg { type = jdbc, url = "%s", user = postgres } }
          tables { %s { source { ref = pg, table = public.%s }, keys = [%s], sync.mode = diff } }
        }
        """.formatted(pg.url(), table, table, key);
  }

  /** The table as Spark's JDBC reader sees it, for comparing independently of the code under test. */
  private static Dataset<Row> pgTable(SparkSession spark, PgFixture pg, String table) {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    return spark.read().jdbc(pg.url(), table, p);
  }

  private static Dataset<Row> expected(SparkSession spark, PgFixture pg) {
    return pgTable(spark, pg, "items").selectExpr("id", "name AS label", "CAST(amount AS DECIMAL(12,2)) AS amount",
        "sha2(concat('pepper', email), 256) AS email");
  }

  @Test
  void insertsUpdatesDeletesAndAReinsertedKeyLandAndAnUnchangedSourceIsANoOp(SparkSession spark, LocalPostgres server,
      @TempDir Path dir) {
    PgFixture pg = PgFixture.create(server, dir);
    pg.sql("CREATE TABLE items (id int PRIMARY KEY, name text, amount numeric(10,1), email text, internal text)",
        "INSERT INTO items SELECT g, 'n' || g, g / 10.0, 'u' || g || '@x.org', 'i' FROM generate_series(1, 5000) g");
    SyncFixture f = new SyncFixture(spark, dir, """
        trickle {
          warehouse = "$DIR/lake"
          mask-salt = "pepper"
          sources { pg { type = jdbc, url = "%s", user = postgres } }
          tables { items { source { ref = pg, table = public.items }, keys = [id],
            columns { exclude = [internal], rename { name = label }, cast { amount = "decimal(12,2)" }, mask { email = sha256 } } } }
        }
        """.formatted(pg.url()));
    f.load("items");
    long loaded = f.targetVersion("items");

    JsonNode idle = f.sync("items", 0);
    assertEquals("NOOP", idle.get("status").asText(), "the mapping applies as in load, so nothing differs: " + idle);
    assertEquals("diff", idle.get("mode").asText());
    assertEquals(loaded, f.targetVersion("items"));

    pg.sql("INSERT INTO items VALUES (5001, 'new', 1.5, 'new@x.org', 'i'), (5002, 'new', 2.5, NULL, 'i')",
        "UPDATE items SET name = 'changed' WHERE id IN (10, 20)",
        "UPDATE items SET email = 'moved@x.org' WHERE id = 30",
        "UPDATE items SET internal = 'not copied' WHERE id = 40",
        "DELETE FROM items WHERE id IN (50, 51)",
        "DELETE FROM items WHERE id = 60",
        "INSERT INTO items VALUES (60, 'back again', 6.0, 'u60@x.org', 'i')");
    JsonNode batch = f.sync("items", 0);

    assertEquals("DONE", batch.get("status").asText(), batch.toString());
    assertEquals(2, batch.get("rows_inserted").asLong(), "5001, 5002: " + batch);
    assertEquals(4, batch.get("rows_updated").asLong(), "10, 20, 30 and 60; 40 changed only an excluded column: " + batch);
    assertEquals(2, batch.get("rows_deleted").asLong(), "50, 51: " + batch);
    assertSameRows(expected(spark, pg), f.targetRows("items"), COLUMNS);
    assertTrue(f.targetRows("items").schema().apply("amount").dataType().sql().equals("DECIMAL(12,2)"));

    long version = f.targetVersion("items");
    JsonNode again = f.sync("items", 0);
    assertEquals("NOOP", again.get("status").asText(), again.toString());
    assertEquals(version, f.targetVersion("items"));
    // Buckets follow the previous batch's changes: 64 (the least) after a load or a no-op, then
    // 32 per change of the batch before (8 changes: 256).
    String bySpark = " (aggregates computed by Spark: columns.cast is set, and PostgreSQL's casts are not Spark's)";
    assertEquals(java.util.List.of("hashes of all 64 bucket(s) match" + bySpark, "8 of 64 bucket(s) differed" + bySpark,
        "hashes of all 256 bucket(s) match" + bySpark), f.batches("items").stream().map(b -> b.note()).toList());
  }

  @Test
  void aPostgresSourcesAggregatesAreComputedInPostgres(SparkSession spark, LocalPostgres server, @TempDir Path dir) {
    PgFixture pg = PgFixture.create(server, dir);
    pg.sql("CREATE TABLE stock (sku int PRIMARY KEY, name text, qty numeric(10,2), seen timestamptz)",
        "INSERT INTO stock SELECT g, 's' || g, g / 4.0, TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * INTERVAL '1 hour' "
            + "FROM generate_series(1, 500) g");
    SyncFixture f = new SyncFixture(spark, dir, diffPipeline(pg, "stock", "sku"));
    f.load("stock");
    pg.sql("INSERT INTO stock VALUES (501, 'new', 1.25, NULL)", "UPDATE stock SET qty = 0 WHERE sku IN (7, 8)",
        "DELETE FROM stock WHERE sku = 9", "DELETE FROM stock WHERE sku = 10",
        "INSERT INTO stock VALUES (10, 'back', 2.50, NULL)");

    JsonNode batch = f.sync("stock", 0);

    assertEquals("DONE", batch.get("status").asText(), batch.toString());
    assertEquals(List.of(1L, 3L, 1L), List.of(batch.get("rows_inserted").asLong(), batch.get("rows_updated").asLong(),
        batch.get("rows_deleted").asLong()), "501; 7, 8 and 10; 9: " + batch);
    assertSameRows(pgTable(spark, pg, "stock"), f.targetRows("stock"), "sku", "name", "qty", "seen");
    JsonNode idle = f.sync("stock", 0);
    assertEquals("NOOP", idle.get("status").asText(), idle.toString());
    assertTrue(f.batches("stock").stream().allMatch(b -> b.note().endsWith(" (aggregates computed in PostgreSQL)")),
        f.batches("stock").stream().map(b -> b.note()).toList().toString());
  }

  @Test
  void aDifferingKeyTheSourceHoldsTwiceStopsTheBatchBeforeAnyWrite(SparkSession spark, LocalPostgres server,
      @TempDir Path dir) {
    PgFixture pg = PgFixture.create(server, dir);
    pg.sql("CREATE TABLE events (id int, name text)", // no primary key: nothing stops a duplicate
        "INSERT INTO events SELECT g, 'n' || g FROM generate_series(1, 50) g");
    SyncFixture f = new SyncFixture(spark, dir, diffPipeline(pg, "events", "id"));
    f.load("events");
    long loaded = f.targetVersion("events");
    pg.sql("INSERT INTO events VALUES (7, 'a second seven')", "UPDATE events SET name = 'changed' WHERE id = 9");

    CliRun run = f.cli("sync", "--table", "events");

    assertEquals(2, run.exitCode(), run.toString());
    assertTrue((run.out() + run.err()).contains(
        "Cannot sync table events in diff mode: its source has more than one row for key [7]"), run.toString());
    assertEquals(loaded, f.targetVersion("events"), "nothing was applied, not even the change to 9");
  }
}
