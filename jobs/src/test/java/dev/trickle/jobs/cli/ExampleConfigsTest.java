package dev.trickle.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every example pipeline in conf/examples is valid. */
class ExampleConfigsTest {

  @ParameterizedTest
  @ValueSource(strings = {"postgres.conf", "parquet.conf", "iceberg.conf", "delta.conf"})
  void validateAcceptsTheExample(String name) {
    CliRun run = CliRun.of(Map.of("PG_USER", "app", "PG_PASSWORD", "secret", "TRICKLE_MASK_SALT", "salt"),
        "validate", "-c", Path.of("..", "conf", "examples", name).toString());
    assertEquals(0, run.exitCode(), run.toString());
  }
}
