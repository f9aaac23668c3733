-- The differing rows named by each table's latest reconcile run: what is missing, extra or
-- changed, which columns changed, and both sides' values (masked as the pipeline masks them).
-- scripts/trickle sql -c FILE -f notebooks/latest-diffs.sql
SELECT d.table_name, d.diff_type, d.key, d.changed_columns, d.source_row, d.target_row, d.partition
FROM recon_diffs d
JOIN (SELECT table_name, max_by(run_id, finished_at) AS run_id FROM recon_runs GROUP BY table_name) latest
  ON d.run_id = latest.run_id AND d.table_name = latest.table_name
ORDER BY d.table_name, d.diff_type, d.key
