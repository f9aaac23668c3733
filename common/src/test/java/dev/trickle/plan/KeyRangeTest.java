package dev.trickle.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trickle.testing.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Ranges between cuts select every row exactly once, NULLs included, in both dialects. */
@ExtendWith(SharedSpark.class)
class KeyRangeTest {

  private static List<KeyRanges.Cut> cuts(Object... values) {
    List<KeyRanges.Cut> out = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      out.add(new KeyRanges.Cut(new SplitValue(SplitType.STRING, values[i]), (i + 1.0) / (values.length + 1)));
    }
    return out;
  }

  @Test
  void rangesRenderForPostgresAndSpark() {
    List<KeyRange> ranges = KeyRanges.covering(cuts("b", "it's"));
    assertEquals(3, ranges.size());
    assertEquals("(\"name\" COLLATE \"C\" < 'b' OR \"name\" IS NULL)", ranges.get(0).sql(SqlDialect.POSTGRES, "name", SplitType.STRING));
    assertEquals("\"name\" COLLATE \"C\" >= 'b' AND \"name\" COLLATE \"C\" < 'it''s'",
        ranges.get(1).sql(SqlDialect.POSTGRES, "name", SplitType.STRING));
    assertEquals("\"name\" >= 'it''s'", ranges.get(2).sql(SqlDialect.GENERIC, "name", SplitType.STRING));
    assertEquals("`name` >= 'it\\'s'", ranges.get(2).spark("name"));
    assertEquals("1 = 1", KeyRanges.covering(List.of()).get(0).sql(SqlDialect.POSTGRES, "x", SplitType.INTEGER));
    assertEquals("true", KeyRanges.covering(List.of()).get(0).spark("x"));
  }

  @Test
  void everyRowFallsInExactlyOneRange(SparkSession spark) {
    StructType schema = new StructType().add("k", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (String v : new String[] {"a", "b", "B", "é", "z", "it's", "", "\\", "日本"}) {
      rows.add(RowFactory.create(v));
    }
    rows.add(RowFactory.create((Object) null));
    Dataset<Row> data = spark.createDataFrame(rows, schema);
    List<KeyRange> ranges = KeyRanges.covering(cuts("B", "b", "it's", "é"));
    long total = 0;
    for (KeyRange range : ranges) {
      total += data.where(range.spark("k")).count();
    }
    assertEquals(rows.size(), total);
  }

  @Test
  void chunkEstimatesFollowTheCutFractions() {
    List<KeyRanges.Cut> cuts = List.of(
        new KeyRanges.Cut(new SplitValue(SplitType.INTEGER, 10L), 0.25),
        new KeyRanges.Cut(new SplitValue(SplitType.INTEGER, 20L), 0.75));
    List<Chunk> chunks = KeyRanges.chunks(cuts, 1000, 1, r -> r.sql(SqlDialect.POSTGRES, "id", SplitType.INTEGER),
        r -> Optional.of(r.spark("id")));
    assertEquals(List.of(250L, 500L, 250L), chunks.stream().map(Chunk::estimatedRows).toList());
    assertEquals(List.of(1, 2, 3), chunks.stream().map(Chunk::id).toList());
    assertEquals("\"id\" >= 10 AND \"id\" < 20", chunks.get(1).predicate());
    assertEquals("`id` >= 10L AND `id` < 20L", chunks.get(1).targetPredicate().orElseThrow());
  }
}
