-- How much of each document a run deleted: a histogram of deletion ratios (chars removed / chars in)
-- in tenths, over the documents whose program ran (refined, unchanged, emptied, program_rejected).
-- param run_id: run  the refine run
WITH ratios AS (
  SELECT CAST(least(floor(deletion_ratio * 10), 9) / 10 AS DECIMAL(2, 1)) AS bucket_from
  FROM refine_edits
  WHERE run_id = '${run_id}'
    AND status IN ('refined', 'unchanged', 'emptied', 'program_rejected')
    AND chars_in > 0
)
SELECT bucket_from,
       CAST(bucket_from + 0.1 AS DECIMAL(2, 1))                 AS bucket_to,
       count(*)                                                 AS docs,
       round(100 * count(*) / sum(count(*)) OVER (), 2)         AS pct_docs,
       round(100 * sum(count(*)) OVER (ORDER BY bucket_from) / sum(count(*)) OVER (), 2) AS cumulative_pct
FROM ratios
GROUP BY bucket_from
ORDER BY bucket_from
