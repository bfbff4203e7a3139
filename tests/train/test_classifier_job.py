"""train-classifier on real labelled pages (wrapped copies on: that setting's path), then the refine job with its model.

Pages: the train split of ../shared/data/webpages (news portals with URLs, several pages per
site, so the site shares are real, and news pages without a URL); the refine job refines held-out
pages of the same sites. Skipped when the data file is absent.
"""
from __future__ import annotations

import hashlib
import json
import statistics
from pathlib import Path

import pytest
from pyspark.sql import functions as F

from lakerefine.schemas import vocab as S
from lakerefine.udfs.classifier.model import LineModel
from lakerefine.udfs.program.executor import delete_spans
from lakerefine.udfs.quality.shingles import score_page
from lakerefine.udfs.quality.splits import TEST, TRAIN, split_of
from tests.support.programs import is_subsequence
from tests.support.webpages import all_pages, needs_webpages

SITES = ("tv.msnbc.com", "blogs.wsj.com", "bbc.co.uk")
MAX_PAGES = 36

pytestmark = [pytest.mark.slow, needs_webpages]


def labelled_pages(split: str) -> list[dict]:
    """The split's CleanPortalEval pages of SITES and its first 8 page-signal pages, as corpus records."""
    pages, unsited = [], 0
    for page in all_pages():
        if split_of(page["id"]) != split:
            continue
        sited = page["set"] == "CleanPortalEval" and any(f"//{site}" in (page["url"] or "") for site in SITES)
        if sited or (page["set"] == "page-signal" and unsited < 8):
            unsited += not sited
            pages.append({"id": page["id"], "text": page["raw"], "gold": page["gold"], "url": page["url"]})
    return pages


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def runs_row(spark, table_path, job: str):
    return spark.read.format("delta").load(table_path("runs")).where(F.col("job") == job).first()


def test_train_a_classifier_on_real_pages_and_refine_with_it(spark, cli, table_path, tmp_path):
    train, held_out = labelled_pages(TRAIN), labelled_pages(TEST)
    assert len(train) > MAX_PAGES and len(held_out) >= 10
    assert cli("ingest", "--input", str(write_jsonl(tmp_path / "train.jsonl", train)), "--output", "pages")[0] == 0
    assert cli("ingest", "--input", str(write_jsonl(tmp_path / "test.jsonl", held_out)), "--output", "corpus")[0] == 0

    model_file = tmp_path / "model.json"
    code, out = cli("train-classifier", "--input", "pages", "--output", str(model_file),
                    "--set", "train_classifier.raw_column=text", "--set", "train_classifier.expert_column=gold",
                    "--set", f"train_classifier.max_pages={MAX_PAGES}", "--set", "train_classifier.wrapped_copies=true")
    assert code == 0, out
    sha = hashlib.sha256(model_file.read_bytes()).hexdigest()
    trained = runs_row(spark, table_path, "train-classifier")
    assert trained.status == "succeeded" and trained.output_table == str(model_file)
    assert json.loads(trained.metrics_json)["model_content_hash"] == sha
    assert json.loads(trained.metrics_json)["wrapped_copies"] is True
    notes = LineModel.load(model_file).training
    assert notes["pages"] == notes["wrapped_copies"] == MAX_PAGES and notes["params"]["wrapped_copies"] is True
    counts = trained.counts
    assert counts["rows"] == len(train) and counts["pages_trained"] == MAX_PAGES
    assert counts["left_out_by_max_pages"] == len(train) - MAX_PAGES and counts["pages_with_site"] > 0

    code, out = cli("refine", "--input", "corpus", "--output", "refined", "--run-id", "clf",
                    "--set", "refine.backend=classifier", "--set", f"refine.classifier.model_path={model_file}",
                    "--set", "refine.classifier.threshold=0.31")  # off the training grid: an override
    assert code == 0, out
    refined_run = runs_row(spark, table_path, "refine")
    metrics = json.loads(refined_run.metrics_json)
    assert metrics["model_content_hash"] == sha and metrics["model_path"] == str(model_file)
    assert metrics["threshold"] == 0.31 and metrics["model"] == f"{model_file}@{sha}?threshold=0.31"
    assert "site_shares" in refined_run.timings_s

    edits = {r.doc_id: r for r in spark.read.format("delta").load(table_path("refine_edits")).collect()}
    refined = {r.doc_id: r.text for r in spark.read.format("delta").load(table_path("refined")).collect()}
    pages = {page["id"]: page for page in held_out}
    assert set(edits) == set(refined) == set(pages)
    for doc_id, page in pages.items():
        edit = edits[doc_id]
        assert edit.backend == "classifier" and edit.model == metrics["model"]
        assert edit.status in (S.REFINED, S.UNCHANGED, S.KEPT_WHOLE, S.EMPTIED), (doc_id, edit.status, edit.error)
        spans = [(s.start, s.end) for s in edit.spans or []]
        assert refined[doc_id] == delete_spans(page["text"], spans)
        assert is_subsequence(refined[doc_id], page["text"])   # 0 new characters
    removed = sum(e.chars_in - e.chars_out for e in edits.values())
    assert removed > 0.1 * sum(e.chars_in for e in edits.values())
    precision = {kind: statistics.mean(score_page(text, pages[i]["gold"]).precision for i, text in texts.items())
                 for kind, texts in (("raw", {i: p["text"] for i, p in pages.items()}), ("refined", refined))}
    assert precision["refined"] > precision["raw"], precision   # the furniture it removed was not the article
