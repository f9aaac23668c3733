package dev.trickle.recon;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.approx_count_distinct;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.trickle.recon.ComparisonPlan.Canon;
import dev.trickle.recon.ComparisonPlan.PlannedColumn;
import dev.trickle.testing.SharedSpark;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Profiles added up per task equal what Spark's own aggregate functions give, type by type. */
@ExtendWith(SharedSpark.class)
class ProfileTotalsTest {
  private static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.LongType)
      .add("day", DataTypes.DateType)
      .add("at", DataTypes.TimestampType)
      .add("flag", DataTypes.BooleanType)
      .add("ratio", DataTypes.DoubleType)
      .add("amount", DataTypes.createDecimalType(12, 2))
      .add("wide", DataTypes.createDecimalType(38, 6))
      .add("name", DataTypes.StringType)
      .add("blob", DataTypes.BinaryType)
      .add("tags", DataTypes.createArrayType(DataTypes.LongType));

  private static final double[] RATIOS = {0.5, -0.0, 0.0, -3.25, Double.NaN, Double.POSITIVE_INFINITY, 1e300, -1e-300};
  private static final String[] NAMES = {"", "a", "Zebra", "zebra", "é", "日本", "a ", "ab"};

  private static List<Row> rows(int n) {
    Random random = new Random(11);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean nulls = i % 9 == 4;
      out.add(RowFactory.create(
          nulls ? null : (long) random.nextInt(5000) - 2500,
          nulls ? null : Date.valueOf(java.time.LocalDate.of(1970, 1, 1).plusDays(random.nextInt(40000) - 10000)),
          nulls ? null : new Timestamp(random.nextLong() % 4_000_000_000_000L),
          nulls ? null : random.nextBoolean(),
          i % 7 == 3 ? null : RATIOS[random.nextInt(RATIOS.length)] * (1 + random.nextInt(3)),
          nulls ? null : BigDecimal.valueOf(random.nextLong() % 100_000_000_000L, 2),
          i % 5 == 0 ? null : new BigDecimal(new java.math.BigInteger(100, random), 6).negate(),
          i % 6 == 1 ? null : NAMES[random.nextInt(NAMES.length)] + random.nextInt(30),
          nulls ? null : new byte[] {(byte) random.nextInt(4)},
          i % 4 == 0 ? null : List.of((long) random.nextInt(3))));
    }
    return out;
  }

  private static List<PlannedColumn> planned(StructType schema) {
    return Arrays.stream(schema.fields())
        .map(f -> new PlannedColumn(f.name(), f.name(), f.name(), f.dataType(), f.dataType(), f.dataType(), Canon.VALUE))
        .toList();
  }

  /** The profiles through Spark's aggregate functions, one column at a time. */
  private static Map<String, Map<String, Object>> spark(Dataset<Row> rows, List<PlannedColumn> columns) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    long total = rows.count();
    for (PlannedColumn c : columns) {
      Column v = col(c.name());
      DataType type = c.storageType();
      Map<String, Object> metrics = new LinkedHashMap<>();
      metrics.put(ColumnProfiles.ROWS, total);
      for (String metric : ColumnProfiles.computed(c, true)) {
        Column aggregate = switch (metric) {
          case ColumnProfiles.NULLS -> count(lit(1)).minus(count(v));
          case ColumnProfiles.MIN -> type instanceof BooleanType ? min(v.cast("int")).cast("boolean") : min(v);
          case ColumnProfiles.MAX -> type instanceof BooleanType ? max(v.cast("int")).cast("boolean") : max(v);
          case ColumnProfiles.SUM -> type.equals(DataTypes.DoubleType) ? sum(v) : try_sum(v);
          case ColumnProfiles.SUM_ABS -> sum(abs(v));
          case ColumnProfiles.APPROX_DISTINCT -> approx_count_distinct(v);
          default -> throw new IllegalArgumentException(metric);
        };
        metrics.put(metric, rows.agg(aggregate).head().get(0));
      }
      out.put(c.name(), metrics);
    }
    return out;
  }

  @Test
  void everyTypeMatchesSparkAggregatesOverManyTasks() {
    SparkSession spark = SharedSpark.session();
    Dataset<Row> rows = spark.createDataFrame(rows(3000), SCHEMA).repartition(5);
    List<PlannedColumn> columns = planned(SCHEMA);
    Map<String, Map<String, Object>> expected = spark(rows, columns);
    Map<String, Map<String, Object>> actual = ProfileTotals.of(rows, columns);
    assertEquals(expected.keySet(), actual.keySet());
    for (String column : expected.keySet()) {
      for (var e : expected.get(column).entrySet()) {
        Object a = actual.get(column).get(e.getKey());
        if (e.getKey().equals(ColumnProfiles.SUM) || e.getKey().equals(ColumnProfiles.SUM_ABS)) {
          assertSameSum(column, e.getValue(), a);
        } else {
          assertEquals(e.getValue(), a, column + " " + e.getKey());
        }
      }
    }
  }

  /** Floating sums depend on the order of addition; exact sums must be equal. */
  private static void assertSameSum(String column, Object expected, Object actual) {
    if (expected instanceof Double x && actual instanceof Double y && Double.isFinite(x)) {
      assertEquals(x, y, Math.abs(x) * 1e-12 + 1e-300, column);
    } else {
      assertEquals(expected, actual, column + " sum");
    }
  }

  @Test
  void oneTaskAndManyTasksGiveTheSameProfile() {
    SparkSession spark = SharedSpark.session();
    List<PlannedColumn> columns = planned(SCHEMA).stream().filter(c -> !c.name().equals("ratio")).toList();
    Dataset<Row> data = spark.createDataFrame(rows(2000), SCHEMA);
    assertEquals(ProfileTotals.of(data.coalesce(1), columns), ProfileTotals.of(data.repartition(7), columns));
  }

  @Test
  void anEmptySideHasZeroNullsAndNoValues() {
    SparkSession spark = SharedSpark.session();
    Map<String, Map<String, Object>> profile = ProfileTotals.of(spark.createDataFrame(List.of(), SCHEMA), planned(SCHEMA));
    for (var column : profile.values()) {
      assertEquals(0L, column.get(ColumnProfiles.ROWS));
      assertEquals(0L, column.get(ColumnProfiles.NULLS));
      column.entrySet().stream()
          .filter(e -> List.of(ColumnProfiles.MIN, ColumnProfiles.MAX, ColumnProfiles.SUM).contains(e.getKey()))
          .forEach(e -> assertNull(e.getValue(), e.getKey()));
      if (column.containsKey(ColumnProfiles.APPROX_DISTINCT)) {
        assertEquals(0L, column.get(ColumnProfiles.APPROX_DISTINCT));
      }
    }
  }

  @Test
  void sumsBeyondTheirTypeAreNullAndSumsThatComeBackAreExact() {
    SparkSession spark = SharedSpark.session();
    StructType schema = new StructType().add("n", DataTypes.LongType).add("d", DataTypes.createDecimalType(38, 0));
    BigDecimal big = new BigDecimal("9".repeat(38));
    List<PlannedColumn> columns = planned(schema);
    Dataset<Row> over = spark.createDataFrame(List.of(RowFactory.create(Long.MAX_VALUE, big), RowFactory.create(1L, big)), schema);
    Map<String, Map<String, Object>> overflowing = ProfileTotals.of(over, columns);
    assertNull(overflowing.get("n").get(ColumnProfiles.SUM));
    assertNull(overflowing.get("d").get(ColumnProfiles.SUM));
    // Past the range and back within it: exact, as PostgreSQL's numeric sum is (Spark's try_sum
    // may say NULL here, depending on the order its tasks add in).
    Dataset<Row> back = spark.createDataFrame(List.of(RowFactory.create(Long.MAX_VALUE, big), RowFactory.create(1L, big),
        RowFactory.create(-2L, big.negate()), RowFactory.create(Long.MIN_VALUE + 5, big.negate())), schema).coalesce(1);
    Map<String, Map<String, Object>> exact = ProfileTotals.of(back, columns);
    assertEquals(3L, exact.get("n").get(ColumnProfiles.SUM));
    assertEquals(0, BigDecimal.ZERO.compareTo((BigDecimal) exact.get("d").get(ColumnProfiles.SUM)));
  }

  @Test
  void approximateDistinctCountsAreSparksEstimates() {
    SparkSession spark = SharedSpark.session();
    Dataset<Row> many = spark.range(0, 50_000, 1, 4)
        .selectExpr("id % 20011 AS n", "concat('k', CAST(id % 7919 AS string)) AS s", "CAST(id % 3001 AS decimal(20, 3)) AS d");
    List<PlannedColumn> columns = planned(many.schema());
    Map<String, Map<String, Object>> profile = ProfileTotals.of(many, columns);
    for (StructField f : many.schema().fields()) {
      assertEquals(many.agg(approx_count_distinct(col(f.name()))).head().getLong(0),
          profile.get(f.name()).get(ColumnProfiles.APPROX_DISTINCT), f.name());
    }
  }
}
