package dev.trickle.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trickle.demo.LocalPostgres;
import dev.trickle.testing.SharedPostgres;
import dev.trickle.testing.SharedSpark;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The stack trickle stands on works in this JVM: Delta and Iceberg tables, a real PostgreSQL. */
@ExtendWith({SharedSpark.class, SharedPostgres.class})
class StackSmokeTest {

  @Test
  void writesAndReadsDeltaAndIcebergTables(SparkSession spark, @TempDir Path dir) {
    spark.range(10).write().format("delta").save(dir.resolve("d").toString());
    assertEquals(10, spark.read().format("delta").load(dir.resolve("d").toString()).count());

    spark.conf().set("spark.sql.catalog.smoke", "org.apache.iceberg.spark.SparkCatalog");
    spark.conf().set("spark.sql.catalog.smoke.type", "hadoop");
    spark.conf().set("spark.sql.catalog.smoke.warehouse", dir.resolve("ice").toString());
    spark.sql("CREATE TABLE smoke.db.t (id bigint) USING iceberg");
    spark.sql("INSERT INTO smoke.db.t VALUES (1), (2)");
    assertEquals(2, spark.table("smoke.db.t").count());
  }

  @Test
  void embeddedPostgresAnswers(LocalPostgres postgres) throws Exception {
    String db = SharedPostgres.freshDatabase("smoke");
    try (Connection c = postgres.connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
      rs.next();
      assertEquals(18, rs.getInt(1));
    }
  }
}
