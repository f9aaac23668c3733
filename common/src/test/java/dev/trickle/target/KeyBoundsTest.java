package dev.trickle.target;

import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trickle.testing.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The key bounds as a Column and as SQL text (for Delta's replaceOn) select the same rows, for every key type. */
@ExtendWith(SharedSpark.class)
class KeyBoundsTest {
  @Test
  void theSqlTextAndTheColumnSelectTheSameRowsForEveryOrderableType(SparkSession spark) {
    Dataset<Row> table = spark.sql("SELECT * FROM VALUES "
        + "(1, 1L, 1.10BD, 'a', DATE'2024-01-01', TIMESTAMP'2024-01-01 00:00:00.000001', TIMESTAMP_NTZ'2024-01-01 00:00:00'), "
        + "(2, 2L, 2.25BD, 'it''s', DATE'2024-01-02', TIMESTAMP'2024-01-02 03:04:05.123456', TIMESTAMP_NTZ'2024-01-02 03:04:05.5'), "
        + "(3, 3L, 3.50BD, 'q\"`\\\\z', DATE'2024-01-03', TIMESTAMP'2024-01-03 23:59:59.999999', TIMESTAMP_NTZ'2024-01-03 23:59:59'), "
        + "(4, 4L, 4.75BD, 'zz', DATE'2024-01-04', TIMESTAMP'2024-01-04 00:00:00', TIMESTAMP_NTZ'2024-01-04 00:00:00') "
        + "AS t(n, `long key`, amount, name, day, at, at_ntz)");
    Row second = table.where("n = 2").first();
    Row third = table.where("n = 3").first();
    StructField[] fields = table.schema().fields();
    for (int i = 1; i < fields.length; i++) {
      KeyBounds bounds = new KeyBounds(List.of(new KeyBounds.Bound(fields[i].name(), fields[i].dataType(), second.get(i), third.get(i))));
      Dataset<Row> t = table.as("t");
      assertEquals(List.of(2, 3), numbers(t.where(bounds.on("t"))), fields[i].name() + " as a Column");
      assertEquals(List.of(2, 3), numbers(t.where(expr(bounds.sql("t")))), fields[i].name() + " as SQL: " + bounds.sql("t"));
    }
    assertEquals(List.of(1, 2, 3, 4), numbers(table.as("t").where(expr(KeyBounds.none().sql("t")))));
  }

  private static List<Integer> numbers(Dataset<Row> rows) {
    List<Integer> out = new ArrayList<>();
    rows.orderBy("n").collectAsList().forEach(r -> out.add(r.getInt(0)));
    return out;
  }
}
