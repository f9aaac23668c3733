package dev.trickle.jobs.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trickle.demo.LocalPostgres;
import dev.trickle.jobs.cli.CliRun;
import dev.trickle.testing.SharedPostgres;
import dev.trickle.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code plan} prints the chunks a load would run, as text and as JSON, and moves no data. */
@ExtendWith({SharedSpark.class, SharedPostgres.class})
class PlanCommandTest {

  @Test
  void planShowsChunksWithPredicatesAndEstimatedRows(LocalPostgres pg, @TempDir Path dir) throws Exception {
    PgFixture f = PgFixture.create(pg, dir);
    f.sql("CREATE TABLE orders (id bigint PRIMARY KEY, v text)",
        "INSERT INTO orders SELECT g, 'v' FROM generate_series(1, 4000) g");
    Path file = f.config("orders { source { ref = pg, table = public.orders }, keys = [id], load.chunks = 4 }");

    CliRun text = CliRun.of("plan", "-c", file.toString());
    assertEquals(0, text.exitCode(), text.toString());
    List<String> lines = text.out().lines().toList();
    assertTrue(lines.contains("chunk       est. rows  status predicate"), text.out());
    // percentile_disc cuts at the value holding the 25th percentile: 999, 1000, 1000, 1001 rows
    assertTrue(lines.contains("1               1,000  TODO   (\"id\" < 1000 OR \"id\" IS NULL)"), text.out());
    assertTrue(lines.contains("4               1,000  TODO   \"id\" >= 3000"), text.out());
    assertTrue(text.out().contains("plan orders: 4 chunk(s), about 4,000 rows (key-ranges on id)"), text.out());
    assertFalse(Files.exists(Path.of(f.target("orders"))), "plan writes no target");

    CliRun json = CliRun.of("plan", "-c", file.toString(), "--json");
    assertEquals(0, json.exitCode(), json.toString());
    JsonNode table = new ObjectMapper().readTree(json.out()).get("tables").get(0);
    assertEquals("key-ranges", table.get("method").asText());
    assertEquals("id", table.get("split_column").asText());
    List<Long> estimates = new ArrayList<>();
    table.get("chunks").forEach(c -> estimates.add(c.get("estimated_rows").asLong()));
    assertEquals(List.of(1000L, 1000L, 1000L, 1000L), estimates);
    assertEquals("`id` >= 1000L AND `id` < 2000L", table.get("chunks").get(1).get("target_predicate").asText());
  }
}
