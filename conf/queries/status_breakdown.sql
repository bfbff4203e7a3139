-- Documents, characters and rejected calls by status in one refine run.
-- param run_id: run  the refine run
SELECT status,
       count(*)                                                 AS docs,
       round(100 * count(*) / sum(count(*)) OVER (), 2)         AS pct_docs,
       sum(chars_in)                                            AS chars_in,
       sum(chars_removed)                                       AS chars_removed,
       round(100 * sum(chars_removed) / nullif(sum(chars_in), 0), 2) AS pct_chars_removed,
       sum(calls_accepted)                                      AS calls_accepted,
       sum(calls_rejected)                                      AS calls_rejected
FROM refine_edits
WHERE run_id = '${run_id}'
GROUP BY status
ORDER BY docs DESC, status
