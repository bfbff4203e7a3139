-- The lines a run deleted most often (whole deleted lines, trimmed), with how many documents lost them.
-- Reads the raw text through refine_input (the run's input at the version it refined).
-- param run_id: run  the refine run
-- param top: int = 25  how many lines
WITH pieces AS (
  SELECT e.doc_id, substring(i.text, s.start + 1, s.`end` - s.start) AS piece
  FROM refine_edits e
  JOIN refine_input i ON i.doc_id = e.doc_id
  LATERAL VIEW explode(e.spans) AS s
  WHERE e.run_id = '${run_id}'
    AND (s.start = 0 OR substring(i.text, s.start, 1) = '\n' OR substring(i.text, s.start + 1, 1) = '\n')
    AND (s.`end` = length(i.text) OR substring(i.text, s.`end` + 1, 1) = '\n' OR substring(i.text, s.`end`, 1) = '\n')
),
lines AS (
  SELECT doc_id, trim(line) AS line
  FROM pieces LATERAL VIEW explode(split(piece, '\n')) AS line
)
SELECT line, count(*) AS times, count(DISTINCT doc_id) AS docs
FROM lines
WHERE line <> ''
GROUP BY line
ORDER BY times DESC, line
LIMIT ${top}
