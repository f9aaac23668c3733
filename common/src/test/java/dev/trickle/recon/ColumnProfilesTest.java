package dev.trickle.recon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.recon.ComparisonPlan.PlannedColumn;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** How two sides' profile figures of a float column agree under a tolerance. */
class ColumnProfilesTest {
  private static final StructType SCHEMA = new StructType().add("id", DataTypes.LongType).add("v", DataTypes.DoubleType);
  private static final PlannedColumn V = ComparisonPlan.of(SCHEMA, SCHEMA, CompareRules.exact(List.of("id"))).values().get(0);
  private static final Map<String, Object> PROFILE = Map.of(ColumnProfiles.ROWS, 3L, ColumnProfiles.NULLS, 0L,
      ColumnProfiles.SUM_ABS, 3.0);

  private static boolean agree(String metric, double a, double b, CompareRules rules) {
    return ColumnProfiles.agree(V, metric, a, b, PROFILE, PROFILE, rules);
  }

  @Test
  void anInfinityAgreesOnlyWithItselfWhateverTheTolerance() {
    for (CompareRules rules : List.of(CompareRules.exact(List.of("id")).withFloats(1e-6, 0),
        CompareRules.exact(List.of("id")).withFloats(0, 1e-6))) {
      for (String metric : List.of(ColumnProfiles.MIN, ColumnProfiles.MAX, ColumnProfiles.SUM)) {
        assertFalse(agree(metric, Double.POSITIVE_INFINITY, 1.0, rules), metric + ": Infinity vs 1.0");
        assertFalse(agree(metric, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, rules), metric + ": -Infinity vs Infinity");
        assertFalse(agree(metric, Double.NaN, 1.0, rules), metric + ": NaN vs 1.0");
        assertTrue(agree(metric, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, rules), metric + ": Infinity vs Infinity");
        assertTrue(agree(metric, 1.0, 1.0000001, rules.withFloats(1e-6, 1e-6)), metric + ": within the tolerance");
      }
    }
  }
}
