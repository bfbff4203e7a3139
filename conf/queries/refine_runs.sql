-- Every refine run in the runs table, newest first: outcome, input and output versions, headline counts.
-- param top: int = 20  how many runs
SELECT run_id, attempt, status, started_at,
       round(timings_s['total'], 1)  AS seconds,
       input_table, input_version, output_table, output_version,
       counts['docs_in']             AS docs_in,
       counts['chars_removed']       AS chars_removed,
       counts['status.emptied']      AS emptied,
       counts['status.error']        AS errors,
       error
FROM runs
WHERE job = 'refine'
ORDER BY started_at DESC
LIMIT ${top}
