"""``refined``: the corpus after refinement, one Delta version per refine run.

Contract: the corpus schema (doc_id, text, every other column carried through)
plus ``refine_run_id``, the run whose audit row (refine_edits, on run_id and
doc_id) explains this row's text. Every doc_id of the run's input is here, except
emptied documents when ``refine.drop_emptied`` is true; each commit's
``userMetadata`` names run_id, source_table, source_version and config_hash.
"""
REFINE_RUN_ID = "refine_run_id"
