package dev.trickle.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * What happens at the demo's sources between the load and the sync: in each, inserts, updates and
 * deletes, and a key deleted and inserted again. Each method returns one line saying what it did.
 */
public final class DemoChanges {
  private DemoChanges() {}

  /** Changes the shop's three tables in PostgreSQL; {@code updated_at} moves with every insert and update. */
  public static String changeShop(LocalPostgres pg) {
    try (Connection c = pg.connect(DemoShop.DATABASE); Statement s = c.createStatement()) {
      // orders: 3 new, every 50th updated, 2 deleted, order 5 deleted and inserted again with new values
      s.execute("""
          INSERT INTO shop.orders SELECT o.order_id + 900000000, o.customer_id, 'new', o.amount + 1, o.tax_exact,
            'näher dran', ARRAY['app'], '{"channel": "app", "items": 1}', now(), now()
          FROM shop.orders o WHERE o.order_id IN (1, 2, 3)""");
      s.execute("UPDATE shop.orders SET status = 'shipped', amount = amount + 0.01, updated_at = now() WHERE order_id % 50 = 0");
      s.execute("DELETE FROM shop.orders WHERE order_id IN (7, 11)");
      s.execute("DELETE FROM shop.orders WHERE order_id = 5");
      s.execute("""
          INSERT INTO shop.orders VALUES (5, md5('customer1')::uuid, 'returned', 99.95, 1.5, NULL, NULL, NULL,
            now(), now())""");
      // customers: 2 new, every 20th renamed, one deleted, customer 3 deleted and inserted again
      s.execute("""
          INSERT INTO shop.customers VALUES
            (md5('customer-new-1')::uuid, 'Łukasz Nowak', 'lukasz@example.com', '+48-555-000001', 'Kraków', now(), now()),
            (md5('customer-new-2')::uuid, 'Amélie Poulain', NULL, NULL, '', now(), now())""");
      s.execute("UPDATE shop.customers SET name = name || ' (VIP)', updated_at = now() WHERE right(name, 2) = '20'");
      s.execute("DELETE FROM shop.customers WHERE customer_id = md5('customer9')::uuid");
      s.execute("DELETE FROM shop.customers WHERE customer_id = md5('customer3')::uuid");
      s.execute("""
          INSERT INTO shop.customers VALUES (md5('customer3')::uuid, 'Søren Again', 'soren@example.com', NULL, 'Zürich',
            now(), now())""");
      // order_items: lines for the new orders, every 40th quantity changed, lines 2 of orders 2 and 4 gone,
      // line 1 of order 1 deleted and inserted again
      s.execute("""
          INSERT INTO shop.order_items SELECT order_id, 1, 'P-0042', 2, 19.99, now() FROM shop.orders
          WHERE order_id > 900000000 AND order_id < 1000000000""");
      s.execute("UPDATE shop.order_items SET quantity = quantity + 10, updated_at = now() WHERE order_id % 40 = 0");
      s.execute("DELETE FROM shop.order_items WHERE (order_id, line_no) IN ((2, 2), (4, 2))");
      s.execute("DELETE FROM shop.order_items WHERE order_id = 1 AND line_no = 1");
      s.execute("INSERT INTO shop.order_items VALUES (1, 1, 'P-0500', 7, 0.99, now())");
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot change the demo shop: " + e.getMessage(), e);
    }
    return "PostgreSQL: orders, customers and order_items: inserts, updates, deletes; order 5, customer 3 and "
        + "item (1, 1) deleted and inserted again";
  }

  /** Three snapshots on the Iceberg table: a delete, an update and an insert. */
  public static String changeStock(SparkSession spark, String catalog) {
    String table = catalog + ".inventory.stock";
    spark.sql("DELETE FROM " + table + " WHERE product_code IN ('P-0001', 'P-0002') AND warehouse = 'north'");
    spark.sql("UPDATE " + table + " SET on_hand = on_hand + 100, updated_at = current_timestamp() "
        + "WHERE product_code IN ('P-0003', 'P-0004')");
    spark.sql("INSERT INTO " + table + " VALUES ('P-0001', 'north', 5, current_timestamp()), "
        + "('P-9999', 'south', 1, current_timestamp())");
    return "Iceberg " + table + ": a delete, an update and an insert snapshot (P-0001/north deleted and inserted again)";
  }

  /**
   * Adds a file of new events (a new day's partition) and removes one file of the first day, as a
   * producer that rewrites its output would.
   */
  public static String changeEvents(SparkSession spark, Path folder, int rows) {
    spark.range(rows + 1L, rows + 26L).selectExpr(
            "id AS event_id",
            "CAST(uuid() AS string) AS session_id",
            "'refund' AS kind",
            "CAST(id % 997 / 10.0 AS decimal(9,2)) AS amount",
            "timestamp_micros(1735689600000000 + id * 1000000) AS occurred_at",
            "DATE'2025-01-01' AS event_date")
        .coalesce(1).write().mode("append").partitionBy("event_date").parquet(folder.toString());
    Path removed = firstFile(folder);
    try {
      Files.delete(removed);
      Files.deleteIfExists(removed.resolveSibling("." + removed.getFileName() + ".crc"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot remove " + removed + ": " + e.getMessage(), e);
    }
    return "Parquet " + folder + ": a new file in event_date=2025-01-01 (25 events), " + folder.relativize(removed)
        + " removed";
  }

  /** The first data file of the first partition (in name order). */
  private static Path firstFile(Path folder) {
    try (Stream<Path> files = Files.walk(folder)) {
      List<Path> parquet = files.filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
      return parquet.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + folder + ": " + e.getMessage(), e);
    }
  }

  /** Updates, deletes and inserts on the Delta table of products (read by sync through its change data feed). */
  public static String changeProducts(SparkSession spark, Path table) {
    String t = "delta.`" + table + "`";
    spark.sql("UPDATE " + t + " SET list_price = round(list_price * 1.1, 2), updated_at = current_timestamp() WHERE product_code < 'P-0010'");
    spark.sql("DELETE FROM " + t + " WHERE product_code IN ('P-0020', 'P-0021')");
    spark.sql("INSERT INTO " + t + " VALUES ('P-0020', 'Wiederkehrer', 12.50, current_timestamp()), "
        + "('P-0500', 'Neuheit ✨', 3.20, current_timestamp())");
    return "Delta " + table + ": an update, a delete and an insert commit (P-0020 deleted and inserted again)";
  }
}
