-- The strings a run deleted most often from inside kept lines (remove_str), with how many documents lost them.
-- Reads the raw text through refine_input (the run's input at the version it refined).
-- param run_id: run  the refine run
-- param top: int = 25  how many strings
WITH pieces AS (
  SELECT e.doc_id, substring(i.text, s.start + 1, s.`end` - s.start) AS piece,
         (s.start = 0 OR substring(i.text, s.start, 1) = '\n' OR substring(i.text, s.start + 1, 1) = '\n')
           AND (s.`end` = length(i.text) OR substring(i.text, s.`end` + 1, 1) = '\n'
                OR substring(i.text, s.`end`, 1) = '\n') AS whole_lines
  FROM refine_edits e
  JOIN refine_input i ON i.doc_id = e.doc_id
  LATERAL VIEW explode(e.spans) AS s
  WHERE e.run_id = '${run_id}'
)
SELECT piece AS removed, count(*) AS times, count(DISTINCT doc_id) AS docs
FROM pieces
WHERE NOT whole_lines
GROUP BY piece
ORDER BY times DESC, piece
LIMIT ${top}
