package dev.trickle.demo;

import static org.apache.spark.sql.functions.col;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.spark.sql.SparkSession;

/**
 * The demo's sample data: a small shop in PostgreSQL with the types that trip copies up
 * (numeric with and without precision, timestamptz, unicode text, NULL next to '', a UUID key, a
 * composite key, a skewed bigint key, arrays, jsonb, an updated_at watermark and columns to mask),
 * a Hive-partitioned Parquet folder of events and an Iceberg table of stock levels.
 */
public final class DemoShop {
  /** The file beside demo.conf that holds the demo's own mask salt. */
  public static final String SECRETS = "demo-secrets.conf";

  public static final String DATABASE = "shop";

  private DemoShop() {}

  /** Creates the shop database with {@code rows} orders (and about a tenth as many customers). */
  public static void createDatabase(LocalPostgres pg, int rows) {
    pg.createDatabase(DATABASE);
    int customers = Math.max(10, rows / 10);
    int dense = rows * 4 / 5;
    try (Connection c = pg.connect(DATABASE); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA shop");
      s.execute("""
          CREATE TABLE shop.customers (customer_id uuid PRIMARY KEY, name text NOT NULL, email text, phone text,
            city text, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)""");
      s.execute(("""
          INSERT INTO shop.customers
          SELECT md5('customer' || g)::uuid,
                 (ARRAY['Zoë Müller','José Álvarez','Søren Kierkegaard','李小龍','Anna Smith','Ólafur Arnalds'])[1 + g %% 6] || ' #' || g,
                 'customer' || g || '@example.com', '+1-555-' || lpad(g::text, 6, '0'),
                 CASE g %% 5 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE (ARRAY['Berlin','São Paulo','Zürich','東京'])[1 + g %% 4] END,
                 TIMESTAMPTZ '2023-01-01 00:00:00+00' + g * INTERVAL '7 minutes',
                 TIMESTAMPTZ '2024-01-01 00:00:00+00' + g * INTERVAL '3 minutes'
          FROM generate_series(1, %d) g""").formatted(customers));
      // Order ids: a dense block, then a sparse block far away (min/max splits would be lopsided).
      s.execute("""
          CREATE TABLE shop.orders (order_id bigint PRIMARY KEY, customer_id uuid NOT NULL, status text NOT NULL,
            amount numeric(12,2) NOT NULL, tax_exact numeric, note text, tags text[], details jsonb,
            ordered_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)""");
      s.execute(("""
          INSERT INTO shop.orders
          SELECT id, md5('customer' || (1 + id %% %d))::uuid,
                 (ARRAY['new','paid','shipped','returned'])[1 + id %% 4],
                 round((10 + (id * 7919 %% 100000) / 100.0)::numeric, 2),
                 (id * 7919 %% 100000) / 700.0,
                 CASE id %% 3 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE 'gift wrap ✓' END,
                 ARRAY['web', CASE WHEN id %% 2 = 0 THEN 'promo' END],
                 jsonb_build_object('channel', CASE WHEN id %% 2 = 0 THEN 'web' ELSE 'store' END, 'items', 1 + id %% 3),
                 TIMESTAMPTZ '2024-01-01 00:00:00+00' + (id %% 100000) * INTERVAL '5 minutes',
                 TIMESTAMPTZ '2024-06-01 00:00:00+00' + (id %% 100000) * INTERVAL '1 minute'
          FROM (SELECT g AS id FROM generate_series(1, %d) g
                UNION ALL SELECT 1000000000000 + g::bigint * 1000003 FROM generate_series(1, %d) g) ids""")
          .formatted(customers, dense, rows - dense));
      s.execute("""
          CREATE TABLE shop.order_items (order_id bigint NOT NULL, line_no int NOT NULL, product_code text NOT NULL,
            quantity int NOT NULL, unit_price numeric(10,2) NOT NULL, updated_at timestamptz NOT NULL,
            PRIMARY KEY (order_id, line_no))""");
      s.execute("""
          INSERT INTO shop.order_items
          SELECT o.order_id, l, 'P-' || lpad(((o.order_id + l) % 500)::text, 4, '0'), 1 + (o.order_id + l) % 4,
                 round((1 + ((o.order_id * l) % 5000) / 100.0)::numeric, 2), o.updated_at
          FROM shop.orders o, generate_series(1, 1 + (o.order_id % 3)::int) l""");
      s.execute("ANALYZE");
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create the demo shop: " + e.getMessage(), e);
    }
  }

  /** Click events as a Parquet folder, Hive-partitioned by event_date: four days, one file a day, whatever the size. */
  public static void writeParquet(SparkSession spark, Path folder, int rows) {
    long step = 4L * 86_400_000_000L / (rows + 1L); // microseconds between events
    spark.range(1, rows + 1L).selectExpr(
            "id AS event_id",
            "CAST(uuid() AS string) AS session_id",
            "element_at(array('view', 'cart', 'checkout', 'search'), CAST(id % 4 + 1 AS int)) AS kind",
            "CASE WHEN id % 7 = 0 THEN NULL ELSE CAST(id % 997 / 10.0 AS decimal(9,2)) END AS amount",
            "timestamp_micros(1717200000000000 + id * " + step + ") AS occurred_at",
            "CAST(timestamp_micros(1717200000000000 + id * " + step + ") AS date) AS event_date")
        .repartition(col("event_date"))
        .write().mode("overwrite").partitionBy("event_date").parquet(folder.toString());
  }

  /** Stock levels as an Iceberg table in the source's Hadoop catalog, partitioned by warehouse. */
  public static void writeIceberg(SparkSession spark, String catalog, int rows) {
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + catalog + ".inventory");
    spark.sql("DROP TABLE IF EXISTS " + catalog + ".inventory.stock");
    spark.range(0, Math.max(20, rows / 20)).selectExpr(
            "concat('P-', lpad(CAST(id % 500 AS string), 4, '0')) AS product_code",
            "element_at(array('north', 'south', 'east'), CAST(id DIV 500 % 3 + 1 AS int)) AS warehouse",
            "CAST(id * 13 % 250 AS int) AS on_hand",
            "timestamp_micros(1719792000000000 + id * 60000000) AS updated_at")
        .dropDuplicates("product_code", "warehouse")
        .createOrReplaceTempView("trickle_demo_stock");
    spark.sql("CREATE TABLE " + catalog + ".inventory.stock USING iceberg PARTITIONED BY (warehouse) "
        + "AS SELECT * FROM trickle_demo_stock");
  }

  /** Products as a Delta table with its change data feed on (sync reads it in delta-cdf mode). */
  public static void writeProducts(SparkSession spark, Path table) {
    spark.range(0, 500).selectExpr(
            "concat('P-', lpad(CAST(id AS string), 4, '0')) AS product_code",
            "element_at(array('Teekanne', 'Café crème', 'Ручка', '筆記本', 'Widget'), CAST(id % 5 + 1 AS int)) || ' ' || id AS name",
            "CAST(1 + id * 37 % 5000 / 100.0 AS decimal(10,2)) AS list_price",
            "timestamp_micros(1719792000000000 + id * 60000000) AS updated_at")
        .coalesce(1).write().format("delta").mode("overwrite")
        .option("delta.enableChangeDataFeed", "true").save(table.toString());
  }

  /** The pipeline the demo runs, over its sources under {@code workdir}. */
  /**
   * The demo's pipeline. With {@code secretsFile}, it includes {@value #SECRETS} beside it, which
   * holds the salt the demo made up for its sha256 masks (TRICKLE_MASK_SALT still wins).
   */
  public static String config(Path workdir, String jdbcUrl, boolean secretsFile) {
    String root = workdir.toAbsolutePath().toString().replace("\\", "/");
    String include = secretsFile ? """
        # The salt of the sha256 masks, made up by the demo for this folder, so that commands run on
        # this file later mask as the demo's load did. An exported TRICKLE_MASK_SALT overrides it.
        include "%s"
        """.formatted(SECRETS) : "";
    return include + """
        # Written by `scripts/trickle demo`. The jdbc source is the demo's embedded PostgreSQL, which
        # runs only while the demo does: use `scripts/trickle demo --keep-running` to run commands on it.
        # The Delta tables, ledgers and sources under this folder stay, so `sql` works at any time.
        trickle {
          warehouse = "%1$s/lake"
          mask-salt = ${?TRICKLE_MASK_SALT}
          # Small data on one machine: few shuffle partitions, and Delta log replay in few tasks.
          spark.conf {
            "spark.sql.shuffle.partitions" = 4
            "spark.databricks.delta.snapshotPartitions" = 2
          }
          sources {
            shopdb { type = jdbc, url = "%2$s", user = postgres }
            drops { type = parquet, path = "%1$s/sources/parquet" }
            lake_ice { type = iceberg, warehouse = "%1$s/sources/iceberg" }
            old_lake { type = delta, path = "%1$s/sources/delta" }
          }
          tables {
            customers {
              source { ref = shopdb, table = shop.customers }
              keys = [customer_id]
              columns.mask { email = sha256, phone = redact }
              sync.watermark-column = updated_at
            }
            orders {
              source { ref = shopdb, table = shop.orders }
              keys = [order_id]
              load.chunks = 4
              sync.watermark-column = updated_at
            }
            # Synced from Debezium change events (a trigger in the demo's PostgreSQL writes them);
            # reconcile still compares it with the PostgreSQL table itself.
            order_items {
              source { ref = shopdb, table = shop.order_items }
              keys = [order_id, line_no]
              # Debezium's default decimal.handling.mode: numerics as base64 bytes of the unscaled value.
              sync { mode = cdc, cdc-path = "%1$s/sources/cdc/order_items", cdc-decimal-handling = precise }
            }
            events {
              source { ref = drops, path = events }
              keys = [event_id]
            }
            stock {
              source { ref = lake_ice, table = inventory.stock }
              keys = [product_code, warehouse]
            }
            products {
              source { ref = old_lake, path = products }
              keys = [product_code]
            }
          }
        }
        """.formatted(root, jdbcUrl);
  }
}
