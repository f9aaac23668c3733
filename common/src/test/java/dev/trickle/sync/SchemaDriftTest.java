package dev.trickle.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.ExitCode;
import dev.trickle.TrickleException;
import dev.trickle.config.SchemaPolicy;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SchemaDriftTest {
  private static final StructType TARGET = new StructType()
      .add("id", DataTypes.LongType).add("amount", DataTypes.createDecimalType(12, 2)).add("note", DataTypes.StringType);

  @Test
  void wideningIsFineAndNewAndGoneColumnsAreNamed() {
    StructType changes = new StructType().add("id", DataTypes.IntegerType)
        .add("amount", DataTypes.createDecimalType(10, 2)).add("channel", DataTypes.StringType, false);
    SchemaDrift drift = SchemaDrift.check("t", changes, TARGET, SchemaPolicy.EVOLVE);
    assertEquals(List.of("channel"), drift.added().stream().map(f -> f.name()).toList());
    assertTrue(drift.added().get(0).nullable(), "added columns are nullable in the target");
    assertEquals(List.of("note"), drift.missing());
    assertEquals(2, drift.widened().size());
  }

  @Test
  void strictStopsOnAnyChange() {
    StructType changes = TARGET.add("channel", DataTypes.StringType);
    TrickleException e = assertThrows(TrickleException.class, () -> SchemaDrift.check("t", changes, TARGET, SchemaPolicy.STRICT));
    assertEquals(ExitCode.BAD_INPUT, e.exitCode());
    assertTrue(e.getMessage().contains("new column(s) [channel string]"), e.getMessage());
    assertTrue(SchemaDrift.check("t", TARGET, TARGET, SchemaPolicy.STRICT).none());
  }

  @Test
  void aLossyTypeStopsUnderEitherPolicy() {
    StructType changes = new StructType().add("id", DataTypes.LongType)
        .add("amount", DataTypes.StringType).add("note", DataTypes.StringType);
    TrickleException e = assertThrows(TrickleException.class, () -> SchemaDrift.check("t", changes, TARGET, SchemaPolicy.EVOLVE));
    assertTrue(e.getMessage().contains("column amount is STRING at the source but DECIMAL(12,2) in the target"), e.getMessage());
  }
}
