"""lakerefine report on a real token-clean run (two tiny Llamas with SmolLM2's tokenizer), opened in Chromium."""
from __future__ import annotations

import pytest
from pyspark.sql import functions as F

from lakerefine.schemas.vocab import IGNORE_INDEX
from tests.support.browser import chromium_driver, console_errors, requested_urls
from tests.support.tokenclean import ingest_sft, short_samples, token_lake

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def token_run(spark, lake_root, token_models, tmp_path_factory):
    lake = token_lake(lake_root, "token_clean.scoring.max_length=64")
    ingest_sft(lake, short_samples(6))
    assert lake.run("token-clean", "--base", token_models["tiny0"], "--ref", token_models["tiny1"], "--keep", "0.6",
                    "--output", "masks", "--run-id", "tc-rep", "--quiet") == 0
    path = tmp_path_factory.mktemp("report") / "tc-rep.html"
    assert lake.run("report", "--run-id", "tc-rep", "--output", str(path)) == 0
    return lake, path


def test_token_view_marks_exactly_the_masked_tokens(spark, token_run, tmp_path):
    lake, path = token_run
    masks = {r.sample_id: r for r in lake.table("masks").read(spark).where(F.col("error").isNull()).collect()}
    html = path.read_text(encoding="utf-8")
    assert f"{masks[next(iter(masks))].threshold}"[:6] in html
    driver = chromium_driver()
    try:
        driver.get(path.as_uri())
        shown = driver.execute_script("""return Array.from(document.querySelectorAll('#samples .doc')).map(doc => [
            doc.dataset.sampleId, Array.from(doc.querySelectorAll('.tok')).map(t => t.classList[1])])""")
        assert shown, "no sample shown"
        for sample_id, kinds in shown:
            row = masks.get(sample_id)
            if row is None:
                continue   # an errored sample: no tokens
            expected = ["unscored" if s is None and label == IGNORE_INDEX else
                        "masked" if label == IGNORE_INDEX else "kept"
                        for label, s in zip(row.labels, row.scores, strict=True)]
            assert kinds == expected, sample_id
        assert sum(k == "masked" for _, kinds in shown for k in kinds) > 0
        assert len(driver.find_elements("css selector", ".plotly-graph-div .main-svg")) >= 3
        driver.save_screenshot(str(tmp_path / "token_report.png"))
        assert console_errors(driver) == []
        assert [u for u in requested_urls(driver) if not u.startswith(("file:", "data:", "about:"))] == []
    finally:
        driver.quit()
