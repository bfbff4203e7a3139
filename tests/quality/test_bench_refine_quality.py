"""bench/bench_refine_quality.py on 3 real documentation pages: in-process, and through the real jobs."""
from __future__ import annotations

import json
import re

import pytest

from lakerefine.udfs.classifier.markup import link_text
from lakerefine.udfs.classifier.unwrap import paragraph_view
from lakerefine.udfs.quality.labels import label_lines
from lakerefine.udfs.quality.shingles import score_page
from tests.support.bench import load_bench
from tests.support.webpages import needs_webpages


@pytest.fixture(scope="module")
def bench():
    return load_bench("bench_refine_quality")


@pytest.fixture
def results(bench, tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "RESULTS", tmp_path)
    return tmp_path


def test_the_held_out_doc_pages_are_whole_test_packages(bench):
    pages = bench.load_pages([bench.DATA["docpages"]], "test")
    packages = {page.page_id.split("/")[1] for page in pages}
    assert packages == {"python-django-doc", "libsigc++-3.0-doc", "junit4-doc", "postgresql-doc-15",
                        "libgcrypt20-doc", "nodejs-doc", "git-doc", "python-scrapy-doc", "python-sqlalchemy-doc",
                        "libfmt-doc"}
    assert len(pages) == 238 and len(bench.load_pages([bench.DATA["docpages"]], "all")) == 616


def test_the_language_check_is_one_book_in_nine_languages_all_held_out_and_never_a_default(bench):
    pages = bench.load_pages([bench.DATA["languages"]], "test")
    assert len(pages) == len(bench.load_pages([bench.DATA["languages"]], "all")) == 135
    chapters = {}
    for page in pages:
        chapters.setdefault(page.set, []).append(page.page_id.rsplit("/", 1)[1].split(".")[0])
    english = sorted(chapters["debian-reference-en"])
    assert len(chapters) == 9 and all(sorted(names) == english for names in chapters.values())
    assert all(label_lines(page.raw, page.gold) is not None for page in pages)  # every gold line is a raw line
    assert "languages" not in bench.DEFAULT_DATA
    assert all(page.set == f"debian-reference-{page.language}" for page in pages)


def test_pythons_documentation_is_one_held_out_package_and_never_a_default(bench):
    pages = bench.load_pages([bench.DATA["python-docs"]], "test")
    assert len(pages) == len(bench.load_pages([bench.DATA["python-docs"]], "all")) == 120
    assert {page.page_id.split("/")[1] for page in pages} == {"python3.11-doc"}
    assert {page.set for page in pages} == {"python-docs"} and len({page.url.split("/")[2] for page in pages}) == 1
    assert all(label_lines(page.raw, page.gold) is not None for page in pages)  # every gold line is a raw line
    assert "python-docs" not in bench.DEFAULT_DATA


def test_justext_reads_each_page_with_its_own_languages_stoplist(bench):
    german = next(page for page in bench.load_pages([bench.DATA["languages"]], "test")
                  if page.set == "debian-reference-de" and len(page.raw) > 20_000)
    kept = {language: score_page(bench.extract_with_anchor("justext", german.html, language), german.gold)
            for language in ("de", None)}  # None: a page whose data names no language is read as English
    assert kept["de"].recall > 0.2 > kept[None].recall
    chinese = next(page for page in bench.load_pages([bench.DATA["languages"]], "test")
                   if page.language == "zh-cn" and len(page.raw) > 20_000)
    assert bench.extract_with_anchor("justext", chinese.html, "zh-cn")  # no stoplist: language-independent mode


@needs_webpages
def test_a_web_page_without_a_language_field_gets_the_language_of_its_raw_text(bench):
    pages = {page.page_id: page for page in bench.load_pages([bench.DATA["webpages"]], "test")}
    spanish, lorem = pages["readability/cnet-svg-classes"], pages["readability/basic-tags-cleaning"]
    assert spanish.language is None and bench.page_language(spanish) == "es"
    assert bench.page_language(lorem) == "la"
    assert bench.page_language(pages["readability/aktualne"]) == "cs"
    kept = {language: score_page(bench.extract_with_anchor("justext", spanish.html, language), spanish.gold).recall
            for language in ("es", "en")}
    assert kept["es"] > kept["en"]


def test_three_pages_side_by_side(bench, results):
    code = bench.main(["--data", "docpages", "--limit", "3", "--backend", "rules", "--anchors", "trafilatura",
                       "--out", "three"])
    assert code == 0
    result = json.loads((results / "three.json").read_text())
    assert result["pages"] == {"docpages": 3, "all": 3} and result["labelled_pages"]["all"] == 3
    rows = result["rows"]
    assert list(rows) == ["raw", "rules", "trafilatura", bench.CEILING]

    pages = bench.load_pages([bench.DATA["docpages"]], "test", limit=3)
    raw_scores = [score_page(page.raw, page.gold) for page in pages]
    raw = rows["raw"]["sets"]["all"]
    assert raw["shingles"]["precision"] == pytest.approx(sum(s.precision for s in raw_scores) / 3, abs=1e-4)
    assert raw["deletions"]["true_positive"] == 0 and raw["deletions"]["false_negative"] > 0
    assert raw["kept_share"] == 1.0 and raw["new_characters"] == 0

    rules = rows["rules"]["sets"]["all"]
    assert sum(rows["rules"]["statuses"].values()) == 3
    assert rules["new_characters"] == 0 and rules["deletions"]["documents"] == 3
    assert rules["deletions"]["false_negative"] + rules["deletions"]["true_positive"] \
        == raw["deletions"]["false_negative"]   # the same labels under both rows
    assert "deletions" not in rows["trafilatura"]["sets"]["all"]
    assert rows["trafilatura"]["statuses"] == {"ok": 3}
    ceiling = rows[bench.CEILING]["sets"]["all"]["shingles"]
    assert ceiling["f1"] > raw["shingles"]["f1"] and ceiling["precision"] > raw["shingles"]["precision"]
    table = (results / "three.md").read_text()
    assert "| rules |" in table and "| trafilatura |" in table and f"| {bench.CEILING} |" in table


def test_a_set_of_one_site_gets_no_interval_in_the_tables(bench, results):
    assert bench.main(["--data", "docpages", "languages", "--limit", "1", "--backend", "rules",
                       "--anchors", "trafilatura", "--out", "sites"]) == 0
    result = json.loads((results / "sites.json").read_text())
    sites = {name: numbers["interval"]["sites"] for name, numbers in result["rows"]["rules"]["sets"].items()}
    assert sites.pop("all") == 10 and len(sites) == 10 and set(sites.values()) == {1}  # a site per package
    table = (results / "sites.md").read_text()
    for row in ("| rules |", "| rules - trafilatura |"):
        cells = next(line for line in table.splitlines() if line.startswith(row) and "[" in line).split(" | ")[1:]
        assert all(cell.endswith(bench.ONE_SITE) for cell in cells[:-1])
        assert "[" in cells[-1] and bench.ONE_SITE not in cells[-1]  # the last column: all pages, 10 sites


def test_the_markdown_and_resiliparse_inputs_are_the_whole_page_by_other_naive_extractors(bench):
    [page] = bench.load_pages([bench.DATA["docpages"]], "test", limit=1)
    [markdown], [resiliparse] = bench.with_input([page], "markdown"), bench.with_input([page], "resiliparse")
    scripts = [text.strip() for text in re.findall(r"<script[^>]*>(.*?)</script>", page.html, re.S) if text.strip()]
    assert "](" in markdown.raw and scripts and not any(text[:40] in markdown.raw for text in scripts)
    for text in (link_text(markdown.raw), resiliparse.raw):  # the main content and the furniture, as html_text's
        assert score_page(text, page.gold).recall > 0.95 and score_page(text, page.raw).recall > 0.95


def test_the_html2text_input_is_a_converters_hard_wrapped_markdown_read_as_its_paragraph_view(bench):
    [page] = bench.load_pages([bench.DATA["docpages"]], "test", limit=1)
    [converted] = bench.with_input([page], "html2text")
    view = paragraph_view(converted.raw)
    assert view is not None and "](" in converted.raw
    given, joined = (score_page(link_text(text), page.gold).recall for text in (converted.raw, view.text))
    assert joined > given > 0.9  # joining the wrapped lines mends the links html2text split across them


def test_an_unknown_backend_is_a_clear_error(bench, results):
    with pytest.raises(Exception, match="gpt"):
        bench.main(["--data", "docpages", "--limit", "1", "--backend", "gpt", "--anchors"])


def test_spark_mode_runs_the_jobs_and_matches_the_in_process_loop(bench, results, spark, lake_root):
    code = bench.main(["--data", "docpages", "--limit", "3", "--spark", "--anchors", "--out", "spark",
                       "--set", f"spark.warehouse_dir={lake_root / '_warehouse'}"])
    assert code == 0
    rows = json.loads((results / "spark.json").read_text())["rows"]
    job = rows["rules (spark job)"]
    assert sum(job["statuses"].values()) == 3 and "missing" not in job["statuses"]
    assert job["pages_differing_from_in_process"] == 0
    assert job["sets"]["all"]["new_characters"] == 0 and job["sets"]["all"]["deletions"]["documents"] == 3


def test_max_chars_keeps_short_pages_only(bench, results):
    pages = bench.load_pages([bench.DATA["docpages"]], "test", max_chars=3000)
    assert pages and all(len(page.raw) <= 3000 for page in pages)
    assert len(pages) < len(bench.load_pages([bench.DATA["docpages"]], "test"))
    train = bench.load_pages([bench.DATA["docpages"]], "train", max_chars=3000)
    assert train and not {p.page_id for p in train} & {p.page_id for p in pages}
    code = bench.main(["--data", "docpages", "--limit", "2", "--max-chars", "3000", "--backend", "rules",
                       "--anchors", "--out", "short"])
    assert code == 0
    result = json.loads((results / "short.json").read_text())
    assert result["max_chars"] == 3000 and result["pages"]["all"] == 2
