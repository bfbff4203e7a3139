"""lakerefine report on real small runs (local Spark + Delta), opened in Debian's headless Chromium."""
from __future__ import annotations

import pytest
from pyspark.sql import functions as F

from tests.support.browser import chromium_driver, console_errors, requested_urls
from tests.support.corpus import FOOTER, NAV, PROSE, sample_docs, write_corpus
from tests.support.lake import Lake

DOCS = sample_docs(6) + [("nav", f"{NAV}\n{PROSE}\n", "web"), ("boiler", f"{NAV}\n{FOOTER}\n", "web"),
                         ("plain", f"{PROSE}\n", "web"), ("empty", "", "web")]


@pytest.fixture(scope="module")
def refine_lake(spark, lake_root):
    lake = Lake.create(lake_root)
    write_corpus(spark, lake.table("corpus").path, DOCS)
    # the rules backend: the test knows which lines it deletes
    assert lake.run("refine", "--run-id", "rep-1", "--quiet", "--set", "refine.backend=rules") == 0
    return lake


@pytest.fixture(scope="module")
def refine_report(refine_lake, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "rep-1.html"
    assert refine_lake.run("report", "--run-id", "rep-1", "--output", str(path)) == 0
    return path


def test_report_is_one_self_contained_file(refine_report):
    html = refine_report.read_text(encoding="utf-8")
    assert "<link" not in html and 'src="http' not in html and "<script src" not in html
    assert html.count('class="doc"') == len(DOCS)   # a small run: every (status, source) stratum fits whole
    for doc_id, *_ in DOCS:
        assert f'data-doc-id="{doc_id}"' in html


def test_the_newest_run_is_the_default_and_bad_run_ids_are_refused(refine_lake, tmp_path, capsys):
    assert refine_lake.run("report", "--output", str(tmp_path / "latest.html")) == 0
    assert "report rep-1 (refine)" in capsys.readouterr().out
    assert refine_lake.run("report", "--run-id", "nope", "--output", str(tmp_path / "x.html")) == 2
    assert "no run 'nope'" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


@pytest.mark.slow
def test_report_in_chromium_diff_filter_no_network(spark, refine_lake, refine_report, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    edit = (refine_lake.table("refine_edits").run_rows(spark, "rep-1").where(F.col("doc_id") == "nav").first())
    text = dict((d[0], d[1]) for d in DOCS)["nav"]
    deleted = [text[s.start:s.end] for s in edit.spans]
    refined = refine_lake.table("refined").read(spark).where(F.col("doc_id") == "nav").first().text
    assert deleted == [f"{NAV}\n"]

    driver = chromium_driver()
    try:
        driver.get(refine_report.as_uri())
        nav = "[data-doc-id='nav']"
        shown = driver.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent)", f"{nav} .raw del")
        assert shown == deleted
        assert driver.execute_script("return document.querySelector(arguments[0]).textContent",
                                     f"{nav} .refined") == refined
        driver.find_element(By.CSS_SELECTOR, "input[name=view][value=inline]").click()
        inline = driver.find_element(By.CSS_SELECTOR, f"{nav} .inline")
        assert inline.is_displayed() and inline.find_element(By.TAG_NAME, "del").text == NAV

        docs = driver.find_elements(By.CSS_SELECTOR, "#documents .doc")
        assert all(d.is_displayed() for d in docs)
        Select(driver.find_element(By.ID, "filter-status")).select_by_value("unchanged")
        visible = [d.get_attribute("data-doc-id") for d in docs if d.is_displayed()]
        assert "plain" in visible and "nav" not in visible and len(visible) < len(docs)
        assert all(d.get_attribute("data-status") == "unchanged" for d in docs if d.is_displayed())
        Select(driver.find_element(By.ID, "filter-status")).select_by_value("")
        Select(driver.find_element(By.ID, "filter-source")).select_by_value("web")
        assert {d.get_attribute("data-doc-id") for d in docs if d.is_displayed()} == {"nav", "boiler", "plain",
                                                                                      "empty"}
        plots = driver.find_elements(By.CSS_SELECTOR, ".plotly-graph-div .main-svg")
        assert len(plots) >= 3   # Plotly drew every plot, offline
        driver.save_screenshot(str(tmp_path / "report.png"))
        assert (tmp_path / "report.png").stat().st_size > 10_000
        assert console_errors(driver) == []
        assert [u for u in requested_urls(driver) if not u.startswith(("file:", "data:", "about:"))] == []
    finally:
        driver.quit()
