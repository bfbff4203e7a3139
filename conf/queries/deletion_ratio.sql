-- How much of each document a run deleted: a histogram of deletion ratios (chars removed / chars in)
-- in tenths, over the documents whose program ran (refined, unchanged, kept_whole, emptied, program_rejected).
-- param run_id: run  the refine run
WITH ratios AS (
  SELECT CAST(least(floor(deletion_ratio * 10), 9) / 10 AS DECIMAL(2, 1)) AS bucket_from
  FROM refine_edits
  WHERE run_id = '${run_id}'
    AND status IN ('refined', 'unchanged', 'kept_whole', 'emptied', 'program_rejected')
    AND chars_in > 0
),
buckets AS (SELECT bucket_from, count(*) AS docs FROM ratios GROUP BY bucket_from),
total AS (SELECT sum(docs) AS docs FROM buckets)
SELECT b.bucket_from,
       CAST(b.bucket_from + 0.1 AS DECIMAL(2, 1))               AS bucket_to,
       b.docs,
       round(100 * b.docs / max(total.docs), 2)                 AS pct_docs,
       round(100 * sum(upto.docs) / max(total.docs), 2)         AS cumulative_pct
FROM buckets b
JOIN buckets upto ON upto.bucket_from <= b.bucket_from
CROSS JOIN total
GROUP BY b.bucket_from, b.docs
ORDER BY b.bucket_from
