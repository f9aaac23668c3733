package dev.trickle.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.trickle.ExitCode;
import dev.trickle.TrickleException;
import dev.trickle.config.ColumnsConfig;
import dev.trickle.config.ConfigLoader;
import dev.trickle.config.MaskKind;
import dev.trickle.config.Secret;
import dev.trickle.config.TableConfig;
import dev.trickle.testing.SharedSpark;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedSpark.class)
class ColumnMappingTest {
  private static final StructType SOURCE = new StructType()
      .add("id", DataTypes.IntegerType)
      .add("email", DataTypes.StringType)
      .add("card", DataTypes.StringType)
      .add("note", DataTypes.StringType)
      .add("secret_score", DataTypes.IntegerType)
      .add("internal", DataTypes.StringType);

  private static Dataset<Row> source(SparkSession spark) {
    return spark.createDataFrame(List.of(
        RowFactory.create(1, "ann@example.com", "4111-1111", "hello", 7, "x"),
        RowFactory.create(2, null, null, null, null, "y")), SOURCE);
  }

  private static final ColumnMapping MAPPING = new ColumnMapping(new ColumnsConfig(
      List.of("internal"), Map.of("note", "remark"), Map.of("id", "bigint"),
      Map.of("email", MaskKind.SHA256, "card", MaskKind.REDACT, "secret_score", MaskKind.NULL)),
      Optional.of(Secret.of("pepper")));

  @Test
  void excludesRenamesCastsAndMasks(SparkSession spark) {
    Dataset<Row> target = MAPPING.apply(source(spark));
    assertEquals(List.of("id", "email", "card", "remark", "secret_score"), List.of(target.columns()));
    assertEquals(MAPPING.targetSchema(SOURCE).simpleString(), target.schema().asNullable().simpleString());
    Row first = target.orderBy("id").collectAsList().get(0);
    assertEquals(1L, first.getLong(0));
    assertEquals(ColumnMapping.hashHex("pepper".getBytes(), "ann@example.com"), first.getString(1));
    assertEquals(ColumnMapping.REDACTED, first.getString(2));
    assertEquals("hello", first.getString(3));
    assertNull(first.get(4));
    Row second = target.orderBy("id").collectAsList().get(1);
    assertNull(second.get(1), "NULL stays NULL under sha256");
    assertNull(second.get(2), "NULL stays NULL under redact");
  }

  @Test
  void rawMaskedValuesAppearNowhereInTheOutputOrThePlan(SparkSession spark) {
    Dataset<Row> target = MAPPING.apply(source(spark));
    String everything = target.collectAsList().toString() + target.queryExecution().toString();
    for (String raw : List.of("ann@example.com", "4111-1111", "pepper")) {
      assertFalse(everything.contains(raw), raw + " leaked");
    }
  }

  @Test
  void checkNamesEveryMissingColumnAtOnce() {
    TableConfig table = ConfigLoader.fromConfig("t", ConfigLoader.combine(ConfigFactory.parseString("""
        trickle {
          sources { d { type = delta } }
          tables { t {
            source { ref = d, path = "/x" }
            keys = [id, nope]
            columns { exclude = [gone], rename { missing = m }, mask { card = redact, ghost = "null" } }
            target { partition-by = [day] }
          } }
        }
        """), Map.of(), Map.of())).tables().get("t");
    TrickleException e = assertThrows(TrickleException.class,
        () -> ColumnMapping.check(table, SOURCE, Optional.of("no_such")));
    assertEquals(ExitCode.BAD_INPUT, e.exitCode());
    for (String fragment : List.of("columns.exclude: 'gone'", "columns.rename.missing", "columns.mask.ghost",
        "keys: 'nope'", "target.partition-by: 'day'", "load.split-by: 'no_such'")) {
      assertTrue(e.getMessage().contains(fragment), fragment + " missing from " + e.getMessage());
    }
    assertFalse(e.getMessage().contains("mask.card"), e.getMessage());
  }
}
