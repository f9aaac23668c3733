-- Per table and day: how many reconcile runs, how many found differences or failed, and the
-- most rows that differed.
-- scripts/trickle sql -c FILE -f notebooks/mismatch-history.sql
SELECT table_name, to_date(finished_at) AS day, count(*) AS runs,
       count_if(verdict = 'MISMATCH') AS mismatches, count_if(verdict = 'ERROR') AS errors,
       max(missing_rows + extra_rows + changed_rows) AS most_differing_rows,
       max_by(reasons, finished_at) AS last_reasons
FROM recon_runs
GROUP BY table_name, to_date(finished_at)
ORDER BY day DESC, table_name
