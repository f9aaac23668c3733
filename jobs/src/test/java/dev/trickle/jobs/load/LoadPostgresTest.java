package dev.trickle.jobs.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.config.ConfigLoader;
import dev.trickle.config.TrickleConfig;
import dev.trickle.demo.LocalPostgres;
import dev.trickle.jobs.Console;
import dev.trickle.jobs.JobRunner;
import dev.trickle.jobs.LoadJob;
import dev.trickle.jobs.cli.CliRun;
import dev.trickle.plan.Chunk;
import dev.trickle.source.SourcePosition;
import dev.trickle.state.LoadLedger;
import dev.trickle.testing.SharedPostgres;
import dev.trickle.testing.SharedSpark;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL into Delta: every value survives, and the load reads one consistent snapshot. */
@ExtendWith({SharedSpark.class, SharedPostgres.class})
class LoadPostgresTest {
  private static final String COLUMNS = "id, amount, exact, big, paid_at, local_ts, day, name, note, tags, scores, "
      + "prices, doc, ref, flag, ratio, raw, small";

  private static void createShop(PgFixture f) {
    f.sql("""
        CREATE TABLE shop (id bigint PRIMARY KEY, amount numeric(12,2), exact numeric, big numeric(50,10),
          paid_at timestamptz, local_ts timestamp, day date, name text, note varchar(20), tags text[], scores int[],
          prices numeric[], doc jsonb, ref uuid, flag boolean, ratio double precision, raw bytea, small smallint)""",
        """
        INSERT INTO shop VALUES
          (1, 12.50, 123456789012345678901234567890.123456789012345678901, 12345678901234567890123456789012345678.0123456789,
           '2024-03-01 10:00:00.123456+02', '2024-03-01 10:00:00.5', '2024-03-01', 'héllo ✓ 日本 🚀', '', '{"a","",NULL}',
           '{1,2,NULL}', '{1.5,0.25}', '{"b": 1, "a": [1, 2]}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', true, 0.1,
           '\\xdeadbeef', -3),
          (2, NULL, 'NaN', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
          (3, -0.01, -0.000000000000000000000000001, 0, '1969-12-31 23:59:59.999999+00', '0001-01-01 00:00:00',
           '1900-02-28', '   ', 'x', '{}', '{}', '{}', '[]', '00000000-0000-0000-0000-000000000000', false, -1e300,
           '\\x', 32767)""",
        """
        INSERT INTO shop SELECT g, g * 1.25, g::numeric / 7, g * 1000000000000.5, TIMESTAMPTZ '2024-01-01 00:00:00+00'
          + g * INTERVAL '1 minute 0.000001 second', TIMESTAMP '2024-01-01' + g * INTERVAL '1 hour', DATE '2024-01-01' + g % 400,
          'name ' || g, CASE WHEN g % 3 = 0 THEN '' WHEN g % 3 = 1 THEN NULL ELSE 'n' END, ARRAY['t' || g % 5],
          ARRAY[g, g + 1], ARRAY[g / 3.0], jsonb_build_object('g', g), md5(g::text)::uuid, g % 2 = 0, g / 3.0,
          decode(md5(g::text), 'hex'), (g % 1000)::smallint FROM generate_series(4, 3000) g""");
  }

  @Test
  void everyPostgresValueRoundTrips(SparkSession spark, LocalPostgres pg, @TempDir Path dir) throws Exception {
    PgFixture f = PgFixture.create(pg, dir);
    createShop(f);
    Path config = f.config("t { source { ref = pg, table = public.shop }, keys = [id], load.chunks = 4 }");
    CliRun run = CliRun.of("load", "-c", config.toString());
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("chunk 4/4 done") || run.out().contains("4/4 chunks"), run.out());

    List<Row> target = spark.read().format("delta").load(f.target("t")).orderBy("id").collectAsList();
    assertEquals(3000, target.size());
    assertEquals(3000, target.stream().map(r -> r.getLong(0)).distinct().count(), "no duplicate keys");
    Map<Long, List<Object>> expected = fromPostgres(f);
    for (Row row : target) {
      assertEquals(expected.get(row.getLong(0)), fromDelta(row), "row " + row.getLong(0));
    }
  }

  /** Each value as JDBC gives it, in plain Java types. */
  private static Map<Long, List<Object>> fromPostgres(PgFixture f) throws Exception {
    Map<Long, List<Object>> out = new TreeMap<>();
    try (Connection c = f.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT " + COLUMNS + " FROM shop")) {
      while (rs.next()) {
        List<Object> v = new ArrayList<>();
        v.add(rs.getLong("id"));
        v.add(rs.getBigDecimal("amount"));
        v.add(rs.getString("exact"));
        v.add(rs.getString("big"));
        v.add(rs.getTimestamp("paid_at") == null ? null : rs.getTimestamp("paid_at").toInstant());
        v.add(rs.getObject("local_ts", LocalDateTime.class));
        v.add(rs.getObject("day", LocalDate.class));
        v.add(rs.getString("name"));
        v.add(rs.getString("note"));
        v.add(list(rs.getArray("tags")));
        v.add(list(rs.getArray("scores")));
        v.add(list(rs.getArray("prices")) == null ? null : list(rs.getArray("prices")).stream().map(String::valueOf).toList());
        v.add(rs.getString("doc"));
        v.add(rs.getString("ref"));
        v.add(rs.getObject("flag"));
        v.add(rs.getObject("ratio"));
        v.add(rs.getBytes("raw") == null ? null : HexFormat.of().formatHex(rs.getBytes("raw")));
        v.add(rs.getObject("small") == null ? null : ((Number) rs.getObject("small")).shortValue());
        out.put(rs.getLong("id"), v);
      }
    }
    return out;
  }

  private static List<Object> list(Array array) throws Exception {
    return array == null ? null : Arrays.asList((Object[]) array.getArray());
  }

  private static List<Object> fromDelta(Row r) {
    List<Object> v = new ArrayList<>();
    v.add(r.getLong(0));
    v.add(r.isNullAt(1) ? null : r.getDecimal(1));
    v.add(r.getString(2));
    v.add(r.getString(3));
    v.add(r.isNullAt(4) ? null : r.getTimestamp(4).toInstant());
    v.add(r.get(5));
    v.add(r.isNullAt(6) ? null : r.getDate(6).toLocalDate());
    v.add(r.getString(7));
    v.add(r.getString(8));
    v.add(r.isNullAt(9) ? null : r.getList(9));
    v.add(r.isNullAt(10) ? null : r.getList(10));
    v.add(r.isNullAt(11) ? null : r.<String>getList(11).stream().map(String::valueOf).toList());
    v.add(r.getString(12));
    v.add(r.getString(13));
    v.add(r.get(14));
    v.add(r.get(15));
    v.add(r.isNullAt(16) ? null : HexFormat.of().formatHex((byte[]) r.get(16)));
    v.add(r.get(17));
    return v;
  }

  @Test
  void rowsChangedWhileTheLoadRunsAreNotInTheTarget(SparkSession spark, LocalPostgres pg, @TempDir Path dir) {
    PgFixture f = PgFixture.create(pg, dir);
    f.sql("CREATE TABLE orders (id int PRIMARY KEY, v text, updated_at timestamptz)",
        "INSERT INTO orders SELECT g, 'orig', TIMESTAMPTZ '2024-01-01 00:00:00+00' + g * INTERVAL '1 second' "
            + "FROM generate_series(1, 6000) g");
    Path file = f.config("t { source { ref = pg, table = public.orders }, keys = [id], "
        + "load { chunks = 6, parallelism = 1 }, sync.watermark-column = updated_at }");
    TrickleConfig config = ConfigLoader.load(file, Map.of(), Map.of());
    // After the first chunk is loaded, and before the next one starts, change rows the later
    // chunks hold: they were committed after the snapshot, so the load must not see them.
    AtomicBoolean changed = new AtomicBoolean();
    LoadJob job = new LoadJob(new ChunkRunner.Listener() {
      @Override
      public void finished(Chunk chunk, int attempt, long rows, Duration took) {
        if (changed.compareAndSet(false, true)) {
          f.sql("INSERT INTO orders SELECT g, 'new', now() FROM generate_series(6001, 6100) g",
              "UPDATE orders SET v = 'changed', updated_at = now() WHERE id > 5000",
              "DELETE FROM orders WHERE id BETWEEN 4000 AND 4099");
        }
      }
    });
    JobRunner.Outcome outcome = new JobRunner(config, quiet(), Map.of()).run(job, Optional.of("t"));
    assertEquals(0, outcome.exit().code(), outcome.toString());
    assertTrue(changed.get());
    assertEquals(6000 - 100 + 100, f.count("SELECT count(*) FROM orders"), "the changes did land in PostgreSQL");

    var target = spark.read().format("delta").load(f.target("t"));
    assertEquals(6000, target.count());
    assertEquals(0, target.where("v <> 'orig'").count(), "updates after the snapshot");
    assertEquals(100, target.where("id BETWEEN 4000 AND 4099").count(), "deletes after the snapshot");
    assertEquals(0, target.where("id > 6000").count(), "inserts after the snapshot");

    LoadLedger.Load load = new LoadLedger(spark, f.stateDir()).latestDone("t").orElseThrow();
    assertEquals("2024-01-01T01:40:00Z", load.position().get(SourcePosition.WATERMARK).orElseThrow());
    assertTrue(load.position().get(SourcePosition.WAL_LSN).orElseThrow().matches("[0-9A-F]+/[0-9A-F]+"), load.position().toString());
    assertEquals(6000, load.rows());
  }

  @Test
  void maskedValuesAppearNowhereInTheTargetOrTheLedgers(SparkSession spark, LocalPostgres pg, @TempDir Path dir) throws Exception {
    PgFixture f = PgFixture.create(pg, dir);
    f.sql("CREATE TABLE people (id int PRIMARY KEY, email text, card text, phone text, city text)",
        "INSERT INTO people SELECT g, 'person' || g || '@example.com', '4111-0000-' || (1000 + g), '+49-555-' || (7000 + g), "
            + "'city' || g % 3 FROM generate_series(1, 500) g");
    Path file = f.config("user = postgres", "t { source { ref = pg, table = public.people }, keys = [id], "
        + "columns.mask { email = sha256, card = redact, phone = \"null\" }, load.chunks = 3 }", "mask-salt = ${?TRICKLE_MASK_SALT}");
    CliRun run = CliRun.of(Map.of("TRICKLE_MASK_SALT", "pepper-123"), "load", "-c", file.toString());
    assertEquals(0, run.exitCode(), run.toString());

    List<Row> rows = spark.read().format("delta").load(f.target("t")).orderBy("id").collectAsList();
    assertEquals(500, rows.size());
    Row first = rows.get(0);
    assertEquals(sha256Hex("pepper-123" + "person1@example.com"), first.getAs("email"));
    assertEquals("****", first.getAs("card"));
    assertTrue(first.isNullAt(first.fieldIndex("phone")));
    assertEquals("city1", first.getAs("city"));

    List<String> raw = List.of("@example.com", "4111-0000-", "+49-555-", "pepper-123");
    for (String place : MaskScan.everything(spark, f.lake())) {
      for (String value : raw) {
        assertFalse(place.contains(value), "raw value '" + value + "' found: " + place.substring(0, Math.min(300, place.length())));
      }
    }
    assertFalse((run.out() + run.err()).contains("@example.com"));
  }

  private static String sha256Hex(String text) throws Exception {
    return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  static Console quiet() {
    PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
    return new Console(nowhere, nowhere, false);
  }

  static Map<String, Object> details(JobRunner.Outcome outcome) {
    return new LinkedHashMap<>(outcome.tables().get(0).details());
  }
}
