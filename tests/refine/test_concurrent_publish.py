"""Two refine runs publishing to one ``refined`` table at once: Delta commits one, the other
fails whole with a CommitConflict naming the table and the run, never a mixed table; the
failed run, rerun with its id, then publishes."""
from __future__ import annotations

import threading

import pytest
from delta.tables import DeltaTable

from lakerefine.udfs.lake.tables import CommitConflict
from lakerefine.udfs.refine import run as refine_run
from tests.support.corpus import sample_docs, write_corpus
from tests.support.faults import held_until, wait_for


def run_ids_in(spark, path: str) -> set[str]:
    return {r.refine_run_id for r in spark.read.format("delta").load(path).select("refine_run_id").collect()}


def test_two_runs_publishing_at_once_one_commits_and_the_other_fails_whole(spark, lake, table_path, tmp_path,
                                                                          monkeypatch):
    docs = sample_docs(8)
    write_corpus(spark, table_path("corpus"), docs)
    assert lake.run("refine", "--run-id", "first") == 0     # both later runs replace its files
    writing, committed = tmp_path / "slow-writing", tmp_path / "fast-committed"
    real_publish = refine_run.publish_full

    def racing_publish(rows, refined, run, drop_emptied):
        if run.run_id == "slow":   # its transaction is open while "fast" commits
            rows = rows.repartition(1).mapInPandas(held_until(writing, committed), rows.schema)
            return real_publish(rows, refined, run, drop_emptied)
        wait_for(writing)
        real_publish(rows, refined, run, drop_emptied)
        committed.touch()

    monkeypatch.setattr(refine_run, "publish_full", racing_publish)
    outcomes: dict[str, object] = {}

    def refine(run_id: str) -> None:
        try:
            outcomes[run_id] = lake.run("refine", "--run-id", run_id)
        except Exception as err:
            outcomes[run_id] = err

    threads = [threading.Thread(target=refine, args=(run_id,)) for run_id in ("slow", "fast")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert outcomes["fast"] == 0
    assert isinstance(outcomes["slow"], CommitConflict), outcomes["slow"]
    message = str(outcomes["slow"])
    assert table_path("refined") in message and "run slow" in message and "--run-id slow" in message

    refined = table_path("refined")
    assert run_ids_in(spark, refined) == {"fast"}
    assert spark.read.format("delta").load(refined).count() == len(docs)
    assert [r.version for r in DeltaTable.forPath(spark, refined).history().collect()] == [1, 0]
    runs = spark.read.format("delta").load(table_path("runs"))
    [slow] = runs.where("run_id = 'slow'").collect()
    assert slow.status == "failed" and "CommitConflict" in slow.error

    monkeypatch.setattr(refine_run, "publish_full", real_publish)
    assert lake.run("refine", "--run-id", "slow") == 0
    assert run_ids_in(spark, refined) == {"slow"}
    assert spark.read.format("delta").load(refined).count() == len(docs)
    edits = spark.read.format("delta").load(table_path("refine_edits"))
    for run_id in ("first", "fast", "slow"):
        ids = [r.doc_id for r in edits.where(f"run_id = '{run_id}'").select("doc_id").collect()]
        assert sorted(ids) == sorted(d[0] for d in docs), run_id


pytestmark = pytest.mark.slow   # three refine runs, two at once
