-- The latest reconciliation verdict of every table, newest first.
-- scripts/trickle sql -c FILE -f notebooks/latest-verdicts.sql
SELECT table_name, verdict, source_rows, target_rows, missing_rows, extra_rows, changed_rows,
       skipped_rows, get_json_object(as_of, '$.as_of_from') AS as_of_from,
       get_json_object(as_of, '$.as_of_mode') AS as_of_mode, finished_at, reasons, error
FROM (SELECT *, row_number() OVER (PARTITION BY table_name ORDER BY finished_at DESC) AS newest FROM recon_runs) r
WHERE newest = 1
ORDER BY finished_at DESC, table_name
