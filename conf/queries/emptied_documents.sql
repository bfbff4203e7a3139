-- The documents a run deleted entirely (status emptied), largest first, with the start of their program.
-- param run_id: run  the refine run
-- param top: int = 50  how many documents
SELECT doc_id, chars_in, lines_in, calls_accepted, substring(program, 1, 200) AS program_start
FROM refine_edits
WHERE run_id = '${run_id}' AND status = 'emptied'
ORDER BY chars_in DESC, doc_id
LIMIT ${top}
