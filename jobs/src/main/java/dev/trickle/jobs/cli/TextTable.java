package dev.trickle.jobs.cli;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/** Renders query results as an aligned text table or an HTML table. */
final class TextTable {
  private static final int MAX_WIDTH = 60;

  private TextTable() {}

  static List<String> cells(Row row) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < row.length(); i++) {
      Object v = row.get(i);
      out.add(v == null ? "NULL" : v instanceof scala.collection.Iterable<?> it ? it.mkString("[", ", ", "]") : v.toString());
    }
    return out;
  }

  /** Numbers, booleans and strings keep their JSON type; anything else is its text. */
  static List<Object> jsonCells(Row row) {
    List<String> text = cells(row);
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < row.length(); i++) {
      Object v = row.get(i);
      boolean plain = v == null || v instanceof Number || v instanceof Boolean || v instanceof String;
      out.add(plain ? v : text.get(i));
    }
    return out;
  }

  static String render(String[] columns, List<Row> rows) {
    List<List<String>> table = new ArrayList<>();
    table.add(List.of(columns));
    rows.forEach(r -> table.add(cells(r).stream().map(TextTable::clip).toList()));
    int[] widths = new int[columns.length];
    for (List<String> line : table) {
      for (int i = 0; i < line.size(); i++) {
        widths[i] = Math.max(widths[i], line.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < table.size(); r++) {
      List<String> line = table.get(r);
      for (int i = 0; i < line.size(); i++) {
        out.append(i == 0 ? "" : " | ").append(String.format("%-" + Math.max(1, widths[i]) + "s", line.get(i)));
      }
      out.append('\n');
      if (r == 0) {
        for (int i = 0; i < widths.length; i++) {
          out.append(i == 0 ? "" : "-+-").append("-".repeat(Math.max(1, widths[i])));
        }
        out.append('\n');
      }
    }
    out.append("(").append(rows.size()).append(rows.size() == 1 ? " row)" : " rows)");
    return out.toString();
  }

  static String html(String[] columns, List<Row> rows) {
    StringBuilder out = new StringBuilder("<!doctype html>\n<meta charset=\"utf-8\">\n<table>\n<tr>");
    for (String c : columns) {
      out.append("<th>").append(escape(c)).append("</th>");
    }
    out.append("</tr>\n");
    for (Row row : rows) {
      out.append("<tr>");
      for (String cell : cells(row)) {
        out.append("<td>").append(escape(cell)).append("</td>");
      }
      out.append("</tr>\n");
    }
    return out.append("</table>\n").toString();
  }

  private static String clip(String s) {
    String one = s.replace('\n', ' ');
    return one.length() <= MAX_WIDTH ? one : one.substring(0, MAX_WIDTH - 3) + "...";
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
