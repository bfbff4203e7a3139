-- What changed in the refined table between two of its versions (Delta time travel through the
-- views refined_a and refined_b): documents added, removed, with a different text, or the same.
-- param version_a: int  the older version
-- param version_b: int  the newer version
WITH a AS (SELECT doc_id, sha2(text, 256) AS sha, length(text) AS chars, refine_run_id FROM refined_a),
     b AS (SELECT doc_id, sha2(text, 256) AS sha, length(text) AS chars, refine_run_id FROM refined_b)
SELECT CASE WHEN a.doc_id IS NULL THEN 'added'
            WHEN b.doc_id IS NULL THEN 'removed'
            WHEN a.sha <=> b.sha THEN 'same text'
            ELSE 'text changed' END                          AS change,
       count(*)                                              AS docs,
       coalesce(sum(b.chars), 0) - coalesce(sum(a.chars), 0) AS chars_delta,
       min(coalesce(b.doc_id, a.doc_id))                     AS example_doc_id,
       collect_set(coalesce(b.refine_run_id, a.refine_run_id)) AS refine_runs
FROM a FULL OUTER JOIN b ON a.doc_id = b.doc_id
GROUP BY 1
ORDER BY 1
