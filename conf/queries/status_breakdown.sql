-- Documents, characters and rejected calls by status in one refine run.
-- param run_id: run  the refine run
WITH run AS (SELECT * FROM refine_edits WHERE run_id = '${run_id}'),
     total AS (SELECT count(*) AS docs FROM run)
SELECT status,
       count(*)                                                 AS docs,
       round(100 * count(*) / max(total.docs), 2)               AS pct_docs,
       sum(chars_in)                                            AS chars_in,
       sum(chars_removed)                                       AS chars_removed,
       round(100 * sum(chars_removed) / nullif(sum(chars_in), 0), 2) AS pct_chars_removed,
       sum(calls_accepted)                                      AS calls_accepted,
       sum(calls_rejected)                                      AS calls_rejected
FROM run CROSS JOIN total
GROUP BY status
ORDER BY docs DESC, status
