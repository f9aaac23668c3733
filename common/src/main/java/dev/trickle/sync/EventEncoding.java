package dev.trickle.sync;

import dev.trickle.config.DecimalHandling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * How a batch's events encode what JSON cannot type: decimals ({@code sync.cdc-decimal-handling})
 * and, per timestamp column, the unit of a timestamp sent as a number. Debezium picks the unit by
 * the column's precision ({@code time.precision.mode = adaptive}: a PostgreSQL {@code timestamp(3)}
 * comes as milliseconds, a {@code timestamp(6)} as microseconds) and says so only in the
 * converter's schema; without one, numbers are read as microseconds (Debezium's
 * {@code MicroTimestamp}, the unit of a plain {@code timestamp}).
 *
 * @param timestampUnits the unit of numeric timestamps, by column; absent: microseconds
 */
record EventEncoding(DecimalHandling decimals, Map<String, TimestampUnit> timestampUnits) {
  /** A number's unit in a timestamp column, by Debezium's or Connect's logical type. */
  enum TimestampUnit {
    MILLIS, MICROS, NANOS;

    static TimestampUnit of(String logical) {
      return switch (logical) {
        case "io.debezium.time.Timestamp", "org.apache.kafka.connect.data.Timestamp" -> MILLIS;
        case "io.debezium.time.NanoTimestamp" -> NANOS;
        default -> MICROS; // io.debezium.time.MicroTimestamp; ZonedTimestamp is text
      };
    }
  }

  EventEncoding {
    timestampUnits = Map.copyOf(timestampUnits);
  }

  static EventEncoding of(DecimalHandling decimals) {
    return new EventEncoding(decimals, Map.of());
  }

  TimestampUnit unitOf(String column) {
    return timestampUnits.getOrDefault(column, TimestampUnit.MICROS);
  }

  /** The columns whose encoding the events' schema may state: decimals and timestamps. */
  static List<String> encodedColumns(StructType rowSchema) {
    return Arrays.stream(rowSchema.fields())
        .filter(f -> f.dataType() instanceof DecimalType || isTimestamp(f.dataType()))
        .map(StructField::name).toList();
  }

  private static boolean isTimestamp(DataType type) {
    return type.equals(DataTypes.TimestampType) || type.equals(DataTypes.TimestampNTZType);
  }

  /**
   * The encoding the events' schema states (see {@link ConnectSchema}), or the problems that stop
   * the batch: a decimal encoding that contradicts {@code decimals} or the column's scale, a
   * timestamp column stated in two units within one batch.
   */
  static Result from(List<ConnectSchema.Stated> stated, StructType rowSchema, DecimalHandling decimals) {
    List<String> problems = new ArrayList<>(DebeziumDecimals.contradictions(stated, rowSchema, decimals));
    Set<String> timestamps = Arrays.stream(rowSchema.fields()).filter(f -> isTimestamp(f.dataType()))
        .map(StructField::name).collect(Collectors.toSet());
    Map<String, Set<TimestampUnit>> units = stated.stream().filter(s -> timestamps.contains(s.column()))
        .collect(Collectors.groupingBy(ConnectSchema.Stated::column, LinkedHashMap::new,
            Collectors.mapping(s -> TimestampUnit.of(s.logical()), Collectors.toSet())));
    Map<String, TimestampUnit> chosen = new LinkedHashMap<>();
    units.forEach((column, set) -> {
      if (set.size() == 1) {
        chosen.put(column, set.iterator().next());
      } else {
        problems.add("the events' schema sends timestamp column " + column + " in more than one unit (" + set
            + "; the column's type changed at the source): reload the table with trickle load");
      }
    });
    return new Result(new EventEncoding(decimals, chosen), problems);
  }

  record Result(EventEncoding encoding, List<String> problems) {}
}
