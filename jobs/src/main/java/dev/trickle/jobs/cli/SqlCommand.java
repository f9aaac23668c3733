package dev.trickle.jobs.cli;

import dev.trickle.ExitCode;
import dev.trickle.TrickleException;
import dev.trickle.config.TrickleConfig;
import dev.trickle.jobs.Console;
import dev.trickle.jobs.SqlViews;
import dev.trickle.spark.SparkSessions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs SQL over the targets, the ledgers and the recon tables, each registered as a view. */
@Command(name = "sql", mixinStandardHelpOptions = true,
    description = {"Run SQL over the target tables (by table name), the ledgers (runs, load_chunks, loads, "
        + "sync_batches) and the recon tables (recon_runs, recon_diffs, ...).",
        "Example: trickle sql -c conf/demo.conf -e \"SELECT * FROM recon_runs ORDER BY started_at DESC\""})
final class SqlCommand extends PipelineCommand {
  static final class Query {
    @Option(names = "-e", paramLabel = "SQL", description = "The SQL to run.") String sql;
    @Option(names = "-f", paramLabel = "FILE", description = "A file holding the SQL to run.") Path file;
  }

  @ArgGroup(exclusive = true, multiplicity = "1") Query query;

  @Option(names = "--html", paramLabel = "OUT", description = "Also write the result as an HTML table to OUT.")
  Path html;

  @Option(names = "--limit", defaultValue = "100", description = "Rows to print (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  protected ExitCode execute(TrickleConfig config, Console console) {
    String sql = readSql();
    SparkSession spark = SparkSessions.getOrCreate(config);
    List<String> views = SqlViews.register(spark, config, sql);
    Dataset<Row> result;
    try {
      result = spark.sql(sql);
    } catch (Exception e) { // AnalysisException is undeclared in Scala
      throw TrickleException.badInput("Cannot run the SQL: " + dev.trickle.Throwables.rootMessage(e)
          + ". Views available: " + String.join(", ", views) + ".");
    }
    List<Row> rows = result.limit(limit).collectAsList();
    String[] columns = result.columns();
    console.info(TextTable.render(columns, rows));
    if (html != null) {
      writeHtml(columns, rows);
      console.info("Wrote " + rows.size() + " row(s) to " + html);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "sql");
    json.put("exit_code", 0);
    json.put("columns", List.of(columns));
    json.put("rows", rows.stream().map(TextTable::jsonCells).toList());
    console.summary(json);
    return ExitCode.OK;
  }

  private String readSql() {
    if (query.sql != null) {
      return query.sql;
    }
    try {
      return Files.readString(query.file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw TrickleException.badInput("Cannot read SQL file " + query.file + ": " + e.getMessage() + ". Pass an existing file with -f.");
    }
  }

  private void writeHtml(String[] columns, List<Row> rows) {
    try {
      Files.writeString(html, TextTable.html(columns, rows), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TrickleException(ExitCode.RUN_FAILED, "Cannot write " + html + ": " + e.getMessage() + ". Choose a writable path.", e);
    }
  }
}
