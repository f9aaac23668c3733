package dev.trickle.recon;

import static dev.trickle.recon.Compare.row;
import static dev.trickle.recon.Compare.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.testing.SharedSpark;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each rule of "What counts as equal" (README) with cases on each side of its line, checked at
 * both levels of the comparison: row hashes and row-level differences.
 */
@ExtendWith(SharedSpark.class)
class CanonicalisationTest {
  private static final CompareRules EXACT = CompareRules.exact(List.of("id"));
  private static final DataType LONG = DataTypes.LongType;
  private static final DataType DOUBLE = DataTypes.DoubleType;
  private static final DataType STRING = DataTypes.StringType;

  private static DataType decimal(int precision, int scale) {
    return DataTypes.createDecimalType(precision, scale);
  }

  @Test
  void decimalsCompareByValueWhateverTheirScaleAndPrecision(SparkSession spark) {
    new Cases()
        .equal("1.5 (10,1) = 1.50 (12,2)", decimal(10, 1), new BigDecimal("1.5"), decimal(12, 2), new BigDecimal("1.50"))
        .differ("1.5 != 1.51", decimal(10, 1), new BigDecimal("1.5"), decimal(12, 2), new BigDecimal("1.51"))
        .equal("int 7 = 7.00", DataTypes.IntegerType, 7, decimal(12, 2), new BigDecimal("7.00"))
        .differ("int 7 != 7.01", DataTypes.IntegerType, 7, decimal(12, 2), new BigDecimal("7.01"))
        .equal("too wide for one decimal(38): by text", decimal(38, 0), new BigDecimal("7"), decimal(38, 10),
            new BigDecimal("7.0000000000"))
        .differ("too wide, differing", decimal(38, 0), new BigDecimal("12345678901234567890123456789012345678"),
            decimal(38, 10), new BigDecimal("1234567890123456789012345678.0000000001"))
        .check(spark, EXACT);
  }

  @Test
  void timestampsCompareByInstantWithTimestampWithoutZoneInUtc(SparkSession spark) {
    LocalDateTime wall = LocalDateTime.parse("2026-11-20T10:15:30.123456");
    Timestamp instant = Timestamp.from(Instant.parse("2026-11-20T10:15:30.123456Z"));
    new Cases()
        .equal("ntz wall clock = the same instant in UTC", DataTypes.TimestampNTZType, wall, DataTypes.TimestampType, instant)
        .differ("a microsecond apart", DataTypes.TimestampNTZType, wall.plusNanos(1000), DataTypes.TimestampType, instant)
        .equal("date = midnight UTC", DataTypes.DateType, Date.valueOf("2026-11-20"), DataTypes.TimestampType,
            Timestamp.from(Instant.parse("2026-11-20T00:00:00Z")))
        .differ("date != a second past midnight", DataTypes.DateType, Date.valueOf("2026-11-20"), DataTypes.TimestampType,
            Timestamp.from(Instant.parse("2026-11-20T00:00:01Z")))
        .equal("timestamp = timestamp", DataTypes.TimestampType, instant, DataTypes.TimestampType, instant)
        .check(spark, EXACT);
  }

  @Test
  void floatsCompareExactlyByDefault(SparkSession spark) {
    new Cases()
        .equal("float 0.5 = double 0.5", DataTypes.FloatType, 0.5f, DOUBLE, 0.5)
        .equal("-0.0 = 0.0", DOUBLE, -0.0, DOUBLE, 0.0)
        .equal("NaN = NaN", DOUBLE, Double.NaN, DOUBLE, Double.NaN)
        .differ("1.0 != the next double", DOUBLE, 1.0, DOUBLE, Math.nextUp(1.0))
        .differ("float 0.1 != double 0.1", DataTypes.FloatType, 0.1f, DOUBLE, 0.1)
        .check(spark, EXACT);
  }

  @Test
  void floatsCompareWithinAnAbsoluteTolerance(SparkSession spark) {
    new Cases()
        .equal("within 1e-6", DOUBLE, 1.0, DOUBLE, 1.0000005)
        .differ("beyond 1e-6", DOUBLE, 1.0, DOUBLE, 1.000002)
        .differ("NULL is never within a tolerance", DOUBLE, null, DOUBLE, 0.0)
        .check(spark, EXACT.withFloats(1e-6, 0));
  }

  @Test
  void nanAndInfinitiesAreNeverWithinAToleranceOfAnotherNumber(SparkSession spark) {
    for (CompareRules rules : List.of(EXACT.withFloats(1e-6, 0), EXACT.withFloats(0, 1e-6))) {
      new Cases()
          .differ("NaN != 1.0", DOUBLE, Double.NaN, DOUBLE, 1.0)
          .differ("1.0 != NaN", DOUBLE, 1.0, DOUBLE, Double.NaN)
          .differ("Infinity != 1.0", DOUBLE, Double.POSITIVE_INFINITY, DOUBLE, 1.0)
          .differ("-Infinity != Infinity", DOUBLE, Double.NEGATIVE_INFINITY, DOUBLE, Double.POSITIVE_INFINITY)
          .differ("NaN != Infinity", DOUBLE, Double.NaN, DOUBLE, Double.POSITIVE_INFINITY)
          .equal("NaN = NaN", DOUBLE, Double.NaN, DOUBLE, Double.NaN)
          .equal("Infinity = Infinity", DOUBLE, Double.POSITIVE_INFINITY, DOUBLE, Double.POSITIVE_INFINITY)
          .check(spark, rules);
    }
  }

  @Test
  void theFloatToleranceHoldsInsideArraysStructsAndMaps(SparkSession spark) {
    DataType doubles = DataTypes.createArrayType(DOUBLE);
    DataType struct = new StructType().add("x", DOUBLE).add("n", STRING);
    DataType map = DataTypes.createMapType(STRING, DOUBLE);
    new Cases()
        .equal("[1, 2] within 1e-6", doubles, List.of(1.0, 2.0), doubles, List.of(1.0000005, 2.0))
        .differ("[1, 2] beyond 1e-6", doubles, List.of(1.0, 2.0), doubles, List.of(1.0, 2.00001))
        .differ("one element more", doubles, List.of(1.0), doubles, List.of(1.0, 2.0))
        .differ("NULL array != []", doubles, null, doubles, List.of())
        .differ("[NaN] != [1]", doubles, List.of(Double.NaN), doubles, List.of(1.0))
        .equal("[NaN] = [NaN]", doubles, List.of(Double.NaN), doubles, List.of(Double.NaN))
        .differ("[NULL] != [0]", doubles, Arrays.asList((Double) null), doubles, List.of(0.0))
        .equal("struct within 1e-6", struct, row(1.0, "a"), struct, row(1.0000005, "a"))
        .differ("struct's string differs", struct, row(1.0, "a"), struct, row(1.0000005, "b"))
        .differ("NULL struct != struct of NULLs", struct, null, struct, row(null, null))
        .equal("map value within 1e-6", map, scalaDoubles(Map.of("a", 1.0)), map, scalaDoubles(Map.of("a", 1.0000005)))
        .differ("map key differs", map, scalaDoubles(Map.of("a", 1.0)), map, scalaDoubles(Map.of("b", 1.0)))
        .check(spark, EXACT.withFloats(1e-6, 0));
    new Cases()
        .differ("exact by default inside arrays", doubles, List.of(1.0), doubles, List.of(1.0000005))
        .check(spark, EXACT);
  }

  @Test
  void floatsCompareWithinARelativeTolerance(SparkSession spark) {
    new Cases()
        .equal("1e6 and 1e6 + 0.9 within 1e-6 relative", DOUBLE, 1e6, DOUBLE, 1e6 + 0.9)
        .differ("1e6 and 1e6 + 1.1", DOUBLE, 1e6, DOUBLE, 1e6 + 1.1)
        .equal("tiny numbers scale too", DOUBLE, 1e-12, DOUBLE, 1e-12 * (1 + 5e-7))
        .check(spark, EXACT.withFloats(0, 1e-6));
  }

  @Test
  void stringsCompareExactlyByDefault(SparkSession spark) {
    new Cases()
        .differ("a trailing space counts", STRING, "abc", STRING, "abc ")
        .differ("case counts", STRING, "abc", STRING, "ABC")
        .equal("same text", STRING, "Grüße", STRING, "Grüße")
        .check(spark, EXACT);
  }

  @Test
  void stringsCanBeTrimmedAndCaseFolded(SparkSession spark) {
    new Cases()
        .equal("spaces trimmed", STRING, " abc", STRING, "abc  ")
        .equal("case folded", STRING, "abc", STRING, "ABC")
        .differ("inner space stays", STRING, "a b", STRING, "ab")
        .differ("a tab is not a space", STRING, "abc\t", STRING, "abc")
        .check(spark, EXACT.withStrings(true, true));
  }

  @Test
  void nullIsNotTheEmptyString(SparkSession spark) {
    new Cases()
        .differ("NULL != ''", STRING, null, STRING, "")
        .differ("'' != NULL", STRING, "", STRING, null)
        .equal("NULL = NULL", STRING, null, STRING, null)
        .differ("NULL != 0", LONG, null, LONG, 0L)
        .check(spark, EXACT);
    StructType two = new StructType().add("id", LONG).add("a", STRING).add("b", STRING);
    Compare.of(spark, two, rows(row(1L, null, "x")), two, rows(row(1L, "x", null)), EXACT)
        .assertOnlyChanged("{\"id\":1}", "a", "b");
  }

  @Test
  void aColumnOfNullsOnlyComparesAsNullsOfTheOtherSidesType(SparkSession spark) {
    DataType longs = DataTypes.createArrayType(LONG);
    DataType struct = new StructType().add("x", LONG);
    new Cases()
        .equal("void NULL = NULL array", DataTypes.NullType, null, longs, null)
        .differ("void NULL != [1]", DataTypes.NullType, null, longs, List.of(1L))
        .equal("void NULL = NULL struct", DataTypes.NullType, null, struct, null)
        .differ("void NULL != {x: 1}", DataTypes.NullType, null, struct, row(1L))
        .equal("void NULL = void NULL", DataTypes.NullType, null, DataTypes.NullType, null)
        .check(spark, EXACT);
  }

  @Test
  void integersAndStringsOfAnyWidthCompareByValue(SparkSession spark) {
    new Cases()
        .equal("int = bigint", DataTypes.IntegerType, 42, LONG, 42L)
        .equal("short = int", DataTypes.ShortType, (short) 42, DataTypes.IntegerType, 42)
        .differ("42 != 43", DataTypes.ShortType, (short) 42, LONG, 43L)
        .equal("int = double when the value is the same number", DataTypes.IntegerType, 3, DOUBLE, 3.0)
        .check(spark, EXACT);
    StructType intKey = new StructType().add("id", DataTypes.IntegerType).add("v", STRING);
    StructType longKey = new StructType().add("id", LONG).add("v", STRING);
    Compare.of(spark, intKey, rows(row(1, "a"), row(2, "b")), longKey, rows(row(1L, "a"), row(2L, "b")), EXACT).assertMatch();
  }

  @Test
  void arraysCompareElementByElementAndMapsByContent(SparkSession spark) {
    DataType ints = DataTypes.createArrayType(DataTypes.IntegerType);
    DataType longs = DataTypes.createArrayType(LONG);
    DataType map = DataTypes.createMapType(STRING, DataTypes.IntegerType);
    new Cases()
        .equal("[1,2] int = [1,2] bigint", ints, List.of(1, 2), longs, List.of(1L, 2L))
        .differ("order within an array counts", ints, List.of(1, 2), longs, List.of(2L, 1L))
        .differ("[1,NULL] != [NULL,1]", ints, Arrays.asList(1, null), longs, Arrays.asList(null, 1L))
        .equal("maps in any entry order", map, scala(Map.of("a", 1, "b", 2)), map, scala(Map.of("b", 2, "a", 1)))
        .differ("a map value differs", map, scala(Map.of("a", 1, "b", 2)), map, scala(Map.of("a", 1, "b", 3)))
        .check(spark, EXACT);
    // An element moved from the end of one array to the start of the next is a change of both,
    // at the top level and inside a struct (element sequences alone would hash alike).
    StructType two = new StructType().add("id", LONG).add("a", longs).add("b", longs);
    Compare.of(spark, two, rows(row(1L, List.of(1L, 2L), List.of())), two, rows(row(1L, List.of(1L), List.of(2L))), EXACT)
        .assertOnlyChanged("{\"id\":1}", "a", "b");
    StructType nested = new StructType().add("id", LONG).add("s", new StructType().add("a", longs).add("b", longs));
    Compare.of(spark, nested, rows(row(1L, row(List.of(1L, 2L), List.of()))), nested,
        rows(row(1L, row(List.of(1L), List.of(2L)))), EXACT).assertOnlyChanged("{\"id\":1}", "s");
  }

  @Test
  void columnOrderNeverMatters(SparkSession spark) {
    StructType ab = new StructType().add("id", LONG).add("a", STRING).add("b", DataTypes.IntegerType);
    StructType ba = new StructType().add("b", LONG).add("ID", LONG).add("a", STRING);
    Compare.of(spark, ab, rows(row(1L, "x", 7), row(2L, null, 8)), ba, rows(row(7L, 1L, "x"), row(8L, 2L, null)), EXACT)
        .assertMatch();
    StructType nested = new StructType().add("id", LONG)
        .add("s", new StructType().add("p", DataTypes.IntegerType).add("q", STRING));
    StructType swapped = new StructType().add("id", LONG)
        .add("s", new StructType().add("q", STRING).add("p", LONG));
    Compare.of(spark, nested, rows(row(1L, row(3, "z"))), swapped, rows(row(1L, row("z", 3L))), EXACT).assertMatch();
  }

  @Test
  void typesThatCannotBeComparedByValueCompareByTheirText(SparkSession spark) {
    new Cases()
        .differ("'007' != 7", STRING, "007", DataTypes.IntegerType, 7)
        .equal("'7' = 7 as text", STRING, "7", DataTypes.IntegerType, 7)
        .check(spark, EXACT);
    StructType s = new StructType().add("id", LONG).add("v", STRING);
    StructType t = new StructType().add("id", LONG).add("v", DataTypes.IntegerType);
    ComparisonPlan plan = ComparisonPlan.of(s, t, EXACT);
    assertEquals(List.of("v"), plan.typeDifferences().stream().map(ComparisonPlan.PlannedColumn::name).toList());
    assertTrue(ComparisonPlan.of(t, t, EXACT).typeDifferences().isEmpty());
  }

  private static scala.collection.Map<String, Double> scalaDoubles(Map<String, Double> map) {
    return scala.jdk.javaapi.CollectionConverters.asScala(map);
  }

  private static scala.collection.Map<String, Integer> scala(Map<String, Integer> map) {
    return scala.jdk.javaapi.CollectionConverters.asScala(map);
  }
}
