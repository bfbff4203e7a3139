"""`lakerefine expert` with the gold and html experts on real web pages, then `distill`, through the CLI."""
from __future__ import annotations

import json

import pytest

from lakerefine.udfs.lake.tables import TableRef
from lakerefine.udfs.program.executor import execute
from tests.support.webpages import all_pages, needs_webpages

pytestmark = needs_webpages


@pytest.fixture(scope="module")
def pages_file(tmp_path_factory):
    """Six small pages of three sets, as JSONL the ingest job reads (raw is the text; gold, html carried)."""
    path = tmp_path_factory.mktemp("webpages") / "pages.jsonl"
    pages = [page for name in ("readability", "cleaneval-final", "page-signal")
             for page in [p for p in all_pages() if p["set"] == name and len(p["raw"]) <= 6000][:2]]
    path.write_text("".join(json.dumps(page) + "\n" for page in pages))
    return str(path), pages


def test_gold_and_html_experts_write_pairs_that_distill(spark, settings, cli, tiny_model, pages_file):
    path, pages = pages_file
    code, out = cli("ingest", "--input", path, "--set", "ingest.text_column=raw")
    assert code == 0, out
    sample = ["--set", "expert.stratify_column=set", "--set", "expert.sample_size=100"]
    assert cli("expert", "--run-id", "gold-1", "--set", "expert.backend=gold", *sample)[0] == 0
    code, out = cli("expert", "--run-id", "html-1", "--set", "expert.backend=html", *sample)
    assert code == 0, out
    pairs = TableRef.resolve("expert_pairs", settings.tables).read(spark).toPandas()
    by_id = {page["id"]: page for page in pages}
    gold = pairs[pairs["run_id"] == "gold-1"]
    assert sorted(gold["doc_id"]) == sorted(by_id) and (gold["status"] == "accepted").all()
    assert set(gold["backend"]) == {"gold"} and set(gold["model"]) == {"column gold"}
    assert set(gold["stratum"]) == {"readability", "cleaneval-final", "page-signal"}
    html = pairs[pairs["run_id"] == "html-1"]
    assert sorted(html["doc_id"]) == sorted(by_id) and set(html["model"]) == {"trafilatura 2.3.1"}
    assert (html["reason"].isna() == (html["status"] == "accepted")).all()
    for row in pairs[pairs["status"] == "accepted"].itertuples():
        assert row.raw == by_id[row.doc_id]["raw"] and row.inserted_chars == row.replaced_chars == 0
    runs = TableRef.resolve(settings.tables.runs, settings.tables).read(spark).toPandas()
    html_counts = runs[runs["run_id"] == "html-1"].iloc[0]["counts"]
    assert html_counts["sampled"] == len(pages) == sum(n for k, n in html_counts.items() if k.startswith("status."))

    code, out = cli("distill", "--expert-run-id", "gold-1", "--run-id", "distill-gold",
                    "--set", f"train_refiner.base_model={tiny_model}", "--set", "refine.chunk_tokens=512")
    assert code == 0, out
    sft = TableRef.resolve("refiner_sft", settings.tables).read(spark).toPandas()
    assert set(sft["doc_id"]) == set(by_id) and (sft["status"] == "accepted").all()
    for doc_id, chunks in sft.groupby("doc_id"):
        program = "\n".join(chunks.sort_values("chunk_index")["program"])
        expert = gold.loc[gold["doc_id"] == doc_id, "expert"].iloc[0]
        assert execute(by_id[doc_id]["raw"], program, max_rejected_calls=None).text == expert


def test_a_missing_expert_column_fails_with_the_setting_named(spark, settings, cli, pages_file):
    path, _ = pages_file
    assert cli("ingest", "--input", path, "--set", "ingest.text_column=raw")[0] == 0
    with pytest.raises(ValueError, match="expert.gold.column: the corpus has no column 'main_text'"):
        cli("expert", "--set", "expert.backend=gold", "--set", "expert.gold.column=main_text",
            "--set", "expert.stratify_column=set")
    runs = TableRef.resolve(settings.tables.runs, settings.tables).read(spark).toPandas()
    assert list(runs[runs["job"] == "expert"]["status"]) == ["failed"]
