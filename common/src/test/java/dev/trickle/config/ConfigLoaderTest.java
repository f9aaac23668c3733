package dev.trickle.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.trickle.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final String VALID = """
      trickle {
        warehouse = "/lake"
        sources {
          legacy { type = jdbc, url = "jdbc:postgresql://db:5432/shop", user = app, password = ${?PG_PASSWORD} }
          drops { type = parquet, path = "/drops" }
        }
        tables {
          orders {
            source { ref = legacy, table = "public.orders" }
            keys = [order_id]
            columns { rename { note = remark }, mask { email = redact } }
            sync { watermark-column = updated_at }
          }
          events {
            source { ref = drops, path = "events" }
            keys = [event_id, day]
          }
        }
      }
      """;

  static TrickleConfig load(String hocon, Map<String, String> overrides, Map<String, String> env) {
    return ConfigLoader.fromConfig("test.conf", ConfigLoader.combine(ConfigFactory.parseString(hocon), overrides, env));
  }

  static List<String> problems(String hocon) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> load(hocon, Map.of(), Map.of()));
    assertEquals(ExitCode.BAD_INPUT, e.exitCode());
    return e.problems().stream().map(ConfigProblem::toString).toList();
  }

  static void assertProblem(List<String> problems, String path, String fragment) {
    assertTrue(problems.stream().anyMatch(p -> p.startsWith(path + ":") && p.contains(fragment)),
        "expected a problem at " + path + " containing '" + fragment + "' in " + problems);
  }

  @Test
  void validConfigGetsDefaultsAndDerivedPaths() {
    TrickleConfig c = load(VALID, Map.of(), Map.of("PG_PASSWORD", "s3cret"));
    assertEquals("/lake/_trickle/state", c.stateDir());
    assertEquals("/lake/_trickle/recon", c.reconDir());
    assertEquals(1, c.tableParallelism());
    TableConfig orders = c.tables().get("orders");
    assertEquals("/lake/orders", orders.target().path().orElseThrow());
    assertEquals(SyncMode.WATERMARK, orders.sync().mode());
    assertEquals(Duration.ofMinutes(15), orders.sync().lookback());
    assertEquals(ApplyMethod.AUTO, orders.sync().apply());
    assertEquals(DecimalHandling.STRING, orders.sync().cdcDecimals());
    assertEquals("s3cret", c.sources().get("legacy").password().orElseThrow().reveal());
    assertTrue(c.sources().get("legacy").readsWithCopy(), "PostgreSQL reads through COPY by default");
    assertEquals(MaskKind.REDACT, orders.columns().mask().get("email"));
    assertEquals("true", orders.target().properties().get("delta.enableDeletionVectors"));
    TableConfig events = c.tables().get("events");
    assertEquals("/drops/events", events.source().path().orElseThrow());
    assertEquals(SyncMode.PARQUET_FILES, events.sync().mode());
    assertEquals(List.of("event_id", "day"), events.keys());
    assertTrue(events.load().chunks().isEmpty(), "chunks = auto by default");
  }

  @Test
  void overridesWinOverTheFileAndKeepPathsLiteral() {
    TrickleConfig c = load(VALID, Map.of(
        "warehouse", "s3a://bucket//lake",
        "trickle.tables.orders.load.chunks", "8",
        "tables.events.keys", "[event_id]"), Map.of());
    assertEquals("s3a://bucket//lake/_trickle/state", c.stateDir());
    assertEquals(8, c.tables().get("orders").load().chunks().getAsInt());
    assertEquals(List.of("event_id"), c.tables().get("events").keys());
  }

  @Test
  void tableDefaultsCanBeSetOnceForAllTables() {
    TrickleConfig c = load(VALID + "trickle.table-defaults.sync.lookback = 1h", Map.of(), Map.of());
    assertEquals(Duration.ofHours(1), c.tables().get("orders").sync().lookback());
    assertEquals(Duration.ofHours(1), c.tables().get("events").sync().lookback());
  }

  @Test
  void reportsEveryProblemWithItsPathAndFix() {
    List<String> problems = problems("""
        trickle {
          table-parallelism = 0
          sources {
            legacy { type = jdbc, url = "jdbc:postgresql://db/shop", fetchsize = 0, copy = sometimes }
            bogus { type = mongo }
            files { type = parquet, copy = true }
          }
          tables {
            orders {
              source { ref = legacy, table = "public.orders" }
              keys = []
              lod { chunks = 4 }
              columns { mask { email = scramble } }
              load { chunks = -1, consistent-snapshot = maybe, retry { backoff = soon } }
              sync { mode = watermark, lookback = "a while", apply = upsert, cdc-decimal-handling = exact }
            }
            items {
              source { ref = missing, table = "items; drop table x" }
              keys = [id]
            }
          }
        }
        """);
    assertProblem(problems, "trickle.table-parallelism", "at least 1");
    assertProblem(problems, "trickle.sources.legacy.fetchsize", "at least 1");
    assertProblem(problems, "trickle.sources.legacy.copy", "expected true or false");
    assertProblem(problems, "trickle.sources.files.copy", "unknown key");
    assertProblem(problems, "trickle.sources.bogus.type", "'mongo' is not one of jdbc, parquet, iceberg, delta");
    assertProblem(problems, "trickle.tables.orders.keys", "is empty");
    assertProblem(problems, "trickle.tables.orders.lod", "did you mean 'load'");
    assertProblem(problems, "trickle.tables.orders.columns.mask.email", "not a mask kind. Use one of sha256, redact, null");
    assertProblem(problems, "trickle.tables.orders.load.chunks", "auto or a whole number");
    assertProblem(problems, "trickle.tables.orders.load.consistent-snapshot", "true or false");
    assertProblem(problems, "trickle.tables.orders.load.retry.backoff", "not a duration");
    assertProblem(problems, "trickle.tables.orders.sync.lookback", "not a duration");
    assertProblem(problems, "trickle.tables.orders.sync.watermark-column", "required for mode watermark");
    assertProblem(problems, "trickle.tables.orders.sync.apply", "'upsert' is not one of auto, merge");
    assertProblem(problems, "trickle.tables.orders.sync.cdc-decimal-handling", "'exact' is not one of string, double, precise");
    assertProblem(problems, "trickle.tables.items.source.ref", "'missing' names no source");
    assertProblem(problems, "trickle.tables.items.source.table", "not a plain table name");
  }

  @Test
  void unknownTopLevelAndSourceKeysAreErrors() {
    List<String> problems = problems("""
        trickle {
          warehose = "/x"
          sources { legacy { type = jdbc, url = "jdbc:postgresql://db/shop", pasword = x } }
          tables { t { source { ref = legacy, table = t }, keys = [id] } }
        }
        """);
    assertProblem(problems, "trickle.warehose", "did you mean 'warehouse'");
    assertProblem(problems, "trickle.sources.legacy.pasword", "did you mean 'password'");
  }

  @Test
  void sha256MaskNeedsASaltFromTheEnvironment() {
    String hocon = VALID + "trickle.tables.orders.columns.mask.email = sha256";
    assertProblem(problems(hocon), "trickle.tables.orders.columns.mask.email", "TRICKLE_MASK_SALT");
    TrickleConfig c = load(hocon, Map.of(), Map.of("TRICKLE_MASK_SALT", "pepper"));
    assertEquals("pepper", c.maskSalt().orElseThrow().reveal());
  }

  @Test
  void sourceShapeMustFitItsKind() {
    List<String> problems = problems("""
        trickle {
          sources { legacy { type = jdbc, url = "jdbc:postgresql://db/shop" }, ice { type = iceberg }, other { type = jdbc, url = "jdbc:oracle:thin:@x" } }
          tables {
            a { source { ref = legacy }, keys = [id] }
            b { source { ref = ice, table = "db.b" }, keys = [id] }
            c { source { ref = other, table = c }, keys = [id], sync { mode = iceberg-snapshots } }
          }
        }
        """);
    assertProblem(problems, "trickle.tables.a.source.table", "exactly one of table or query");
    assertProblem(problems, "trickle.tables.b.source.table", "has no warehouse");
    assertProblem(problems, "trickle.sources.other.driver", "required for a non-PostgreSQL URL");
    assertProblem(problems, "trickle.tables.c.sync.mode", "iceberg-snapshots cannot read a jdbc source");
  }

  @Test
  void castTypesAndIdentifiersAreChecked() {
    List<String> problems = problems(VALID + """
        trickle.tables.orders.columns.cast { total = "decimal(18,2)", bad = "not a type" }
        trickle.tables.orders.keys = ["order id"]
        trickle.tables.orders.target.partition-by = ["day; drop"]
        """);
    assertProblem(problems, "trickle.tables.orders.columns.cast.bad", "not a Spark SQL type");
    assertProblem(problems, "trickle.tables.orders.keys", "'order id' is not a plain identifier");
    assertProblem(problems, "trickle.tables.orders.target.partition-by", "not a plain identifier");
    assertFalse(problems.stream().anyMatch(p -> p.contains("cast.total")), problems.toString());
  }

  @Test
  void renderedConfigMasksEverySecret() {
    TrickleConfig c = load(VALID + """
        trickle.sources.legacy.url = "jdbc:postgresql://db/shop?user=app&password=inurl"
        trickle.sources.legacy.properties { sslpassword = "sslsecret" }
        """, Map.of(), Map.of("PG_PASSWORD", "s3cret", "TRICKLE_MASK_SALT", "pepper"));
    String rendered = ConfigRenderer.render(c);
    for (String secret : List.of("s3cret", "pepper", "inurl", "sslsecret")) {
      assertFalse(rendered.contains(secret), secret + " leaked into " + rendered);
    }
    assertTrue(rendered.contains("****"));
    assertTrue(rendered.contains("public.orders"));
    assertEquals(ConfigRenderer.hash(c), ConfigRenderer.hash(load(VALID + """
        trickle.sources.legacy.url = "jdbc:postgresql://db/shop?user=app&password=other"
        trickle.sources.legacy.properties { sslpassword = "sslsecret" }
        """, Map.of(), Map.of("PG_PASSWORD", "different", "TRICKLE_MASK_SALT", "pepper"))),
        "the config hash does not depend on secret values");
    Redactor redactor = Redactor.of(c);
    assertEquals("login failed for **** with ****", redactor.redact("login failed for s3cret with pepper"));
  }

  @Test
  void siteDefaultsSitBetweenReferenceAndThePipelineFile(@TempDir Path dir) throws Exception {
    Path defaults = Files.writeString(dir.resolve("site.conf"),
        "trickle { lock.stale-after = 1h, table-defaults.sync.lookback = 2h, warehouse = /site }");
    Path pipeline = Files.writeString(dir.resolve("p.conf"), VALID);
    TrickleConfig c = ConfigLoader.load(pipeline, Map.of("lock.stale-after", "5m"),
        Map.of(ConfigLoader.DEFAULTS_ENV, defaults.toString()));
    assertEquals(Duration.ofMinutes(5), c.lock().staleAfter(), "-D beats the site defaults");
    assertEquals(Duration.ofHours(2), c.tables().get("orders").sync().lookback(), "site defaults beat reference.conf");
    assertEquals("/lake", c.warehouse(), "the pipeline file beats the site defaults");

    InvalidConfigException missing = assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(pipeline,
        Map.of(), Map.of(ConfigLoader.DEFAULTS_ENV, dir.resolve("nope.conf").toString())));
    assertTrue(missing.getMessage().contains("TRICKLE_DEFAULTS: names no file"), missing.getMessage());
  }

  @Test
  void shippedSiteDefaultsAreValid(@TempDir Path dir) throws Exception {
    Path pipeline = Files.writeString(dir.resolve("p.conf"), VALID);
    for (String site : List.of("application.conf", "cluster.conf")) {
      Path file = Path.of("..", "conf", site);
      assertTrue(Files.isRegularFile(file), file.toString());
      TrickleConfig c = ConfigLoader.load(pipeline, Map.of(), Map.of(ConfigLoader.DEFAULTS_ENV, file.toString()));
      assertEquals(2, c.tables().size(), site);
    }
  }

  @Test
  void missingFileAndBadSyntaxAreOneProblemEach(@TempDir Path dir) throws Exception {
    InvalidConfigException missing = assertThrows(InvalidConfigException.class,
        () -> ConfigLoader.load(dir.resolve("nope.conf"), Map.of(), Map.of()));
    assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
    Path broken = Files.writeString(dir.resolve("broken.conf"), "trickle { tables { ");
    InvalidConfigException syntax = assertThrows(InvalidConfigException.class,
        () -> ConfigLoader.load(broken, Map.of(), Map.of()));
    assertTrue(syntax.getMessage().contains("broken.conf"), syntax.getMessage());
  }
}
