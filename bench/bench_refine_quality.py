"""How good refinement is on real labelled pages: every backend side by side with raw and HTML extractors.

    python bench/bench_refine_quality.py [--backend rules [classifier hf ...]] [--split test|all]
        [--data webpages docpages | languages | python-docs]
        [--anchors trafilatura justext readability resiliparse | --anchors]
        [--spark] [--limit N] [--max-chars N] [--set KEY=VALUE ...]
        [--input raw|wrapped|gold|trafilatura|markdown|resiliparse|html2text|w3m|lynx]

Data: ../shared/data/webpages (five public sets; see its README) and data/docpages
(documentation pages with code); ``--data languages``, never by default: data/languages (the
Debian Reference in nine languages, one set each, all held out: an independent check of how
refinement carries across languages on the same book); ``--data python-docs``, never by default:
data/pythondocs (120 pages of Python 3.11's own documentation, all held out: the documentation check that
nothing was ever trained or tuned on). Held out (``--split test``, the default): a page's
own ``split`` field where it has one (docpages: by package), else
``lakerefine.udfs.quality.splits.split_of(id)``.

What the refiners are given (``--input``): ``raw`` (the default: the whole page as a naive extractor gives
it), ``wrapped`` (the same hard-wrapped at 78 columns, as html2text wraps paragraphs: udfs/classifier/wrapping.py),
``gold`` (the page's main content alone: a refiner should delete nothing) or ``trafilatura`` (trafilatura's
text of the page's HTML, as extracted web corpora hold it: does refining the extractor's output help or hurt?),
``markdown`` (the whole page as Markdown by markdownify, menus and link syntax included) or ``resiliparse`` (the
whole page as plain text by another naive extractor than html_text: resiliparse with ``main_content=False``) or
``html2text`` (the whole page as html2text's Markdown with its defaults: a real converter's hard-wrapped text, links
inline and split across lines; html2text is GPL-3.0, used by this bench only, never by the package), ``w3m`` or
``lynx`` (the whole page as the text-mode browsers dump it, 80 columns: paragraphs hard-wrapped, lynx's indented
by three spaces and its lists bulleted with "*", link lists left out; the Debian packages w3m and lynx, run as
programs by this bench only).
The ``raw`` row is then that input, unrefined, and the anchors are not run (they read the HTML, not the input).

Rows, on the same pages:
- ``raw``: no refinement (the page's text as a naive extractor gives it);
- each ``--backend``: the page's raw text refined the way the refine job refines it:
  in-process, ``create_backend`` + ``refine_documents`` in batches of
  ``spark.arrow_max_records_per_batch`` (the UDF's code path), or with ``--spark`` the
  real job end to end (``lakerefine ingest`` of doc_id/text/url, ``lakerefine refine``,
  the refined table's text and refine_edits' spans read back; the pages whose output
  differs from the in-process loop's are counted);
- anchors (``bench`` extra): trafilatura, jusText, readability-lxml and resiliparse
  run on the page's HTML;
- ``aligned gold (line-level ceiling)``: the input minus the lines its gold does not cover (the ``gold``
  expert's alignment, udfs/expert/columns.py): what a refiner that keeps or deletes whole lines scores when it
  keeps exactly the lines the alignment labels content (the labels' ceiling, not a proven maximum), which on an
  input whose lines mix content and furniture (Markdown's table rows) is well under 1.

Per set and overall: 4-gram shingle precision/recall/F1 against gold
(udfs/quality/shingles.py); for raw and backends, character-level precision/recall of
deletions on pages with line labels (udfs/quality/labels.py; anchors rewrite
whitespace and report no spans, so they have none); new characters (output characters
not found in order in the input: 0 on every backend row, or the bench fails); and how far
each score can be trusted: 95% intervals of a bootstrap over sites (udfs/quality/intervals.py:
pages of one site are one unit: the pages of a documentation package are one draw), and each
backend's F1 minus each anchor's with a paired interval over the same draws.
Writes bench/results/refine_quality.{md,json}.
"""
from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from functools import partial
from pathlib import Path

from lakerefine.udfs.expert.columns import align_on_raw
from lakerefine.udfs.quality.intervals import LEVEL, f1_difference_intervals, score_intervals
from lakerefine.udfs.quality.labels import label_lines
from lakerefine.udfs.quality.scoring import ALL, LabelledPage, page_scores, sum_scores
from lakerefine.udfs.quality.splits import split_of

REPO = Path(__file__).resolve().parents[1]
DATA = {"webpages": REPO.parent / "shared" / "data" / "webpages" / "webpages.jsonl.gz",
        "docpages": REPO / "data" / "docpages" / "docpages.jsonl.gz",
        # independent checks, never defaults, nothing trains or tunes on them
        "languages": REPO / "data" / "languages" / "debian_reference.jsonl.gz",
        "python-docs": REPO / "data" / "pythondocs" / "python_docs.jsonl.gz"}
DEFAULT_DATA = ("webpages", "docpages")
RESULTS = REPO / "bench" / "results"
CEILING = "aligned gold (line-level ceiling)"
ANCHORS = ("trafilatura", "justext", "readability", "resiliparse")
INPUTS = ("raw", "wrapped", "gold", "trafilatura", "markdown", "resiliparse", "html2text", "w3m", "lynx")
WRAPPED_WIDTH = 78  # html2text's default body width
ONE_SITE = "n/a (one site: no interval)"  # sites are the bootstrap's units (udfs/quality/intervals.py)


# -- pages ---------------------------------------------------------------------------------------

def page_split(record: dict) -> str:
    """A page's own ``split`` field where it has one (docpages: by package), else ``split_of(id)``."""
    return record.get("split") or split_of(record["id"])


def load_pages(paths: list[Path], split: str, limit: int | None = None,
               max_chars: int | None = None) -> list[LabelledPage]:
    """Pages of the given files on ``split`` (test, train or all) whose raw text has at most ``max_chars``
    characters (any length if None), at most ``limit`` per set, in file order."""
    pages, per_set = [], Counter()
    for path in paths:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                if split != "all" and page_split(record) != split:
                    continue
                if max_chars is not None and len(record["raw"] or "") > max_chars:
                    continue
                if limit is not None and per_set[record["set"]] >= limit:
                    continue
                per_set[record["set"]] += 1
                pages.append(LabelledPage(record["id"], record["set"], record["raw"] or "", record["gold"] or "",
                                          record.get("html"), record.get("url"), record.get("language")))
    return pages


def with_input(pages: list[LabelledPage], source: str) -> list[LabelledPage]:
    """The pages with ``raw`` replaced by what ``--input`` gives the refiners (INPUTS)."""
    if source == "raw":
        return pages
    if source == "wrapped":
        from lakerefine.udfs.classifier.wrapping import hard_wrap
        return [replace(page, raw=hard_wrap(page.raw, WRAPPED_WIDTH)) for page in pages]
    if source == "gold":
        return [replace(page, raw=page.gold) for page in pages]
    if source == "trafilatura":
        return [replace(page, raw=extract_with_anchor("trafilatura", page.html) if page.html else "") for page in pages]
    if source in WHOLE_PAGE:
        whole_page = WHOLE_PAGE[source]
        return [replace(page, raw=whole_page(page.html) if page.html else "") for page in pages]
    raise ValueError(f"unknown input {source!r}; known: {', '.join(INPUTS)}")


def whole_page_markdown(html: str) -> str:
    """The whole page as Markdown (markdownify, ATX headings), scripts and styles left out: menus, links and all."""
    from bs4 import BeautifulSoup
    from markdownify import MarkdownConverter
    soup = BeautifulSoup(html, "lxml")
    for element in soup(["script", "style", "noscript", "template"]):
        element.decompose()
    return MarkdownConverter(heading_style="ATX").convert_soup(soup)


def whole_page_resiliparse(html: str) -> str:
    """The whole page as plain text by another naive extractor (resiliparse, main_content=False)."""
    from resiliparse.extract.html2text import extract_plain_text
    return extract_plain_text(html, main_content=False)


def whole_page_html2text(html: str) -> str:
    """The whole page as html2text's Markdown with its defaults: hard-wrapped at 78 columns, links inline."""
    import html2text
    return html2text.html2text(html)


def whole_page_dump(browser: str, html: str) -> str:
    """The whole page as a text-mode browser dumps it at 80 columns (w3m or lynx, without lynx's list of links).
    The page goes in as ASCII with character references, so no charset its meta tags declare can garble it."""
    arguments = {"w3m": ["w3m", "-dump", "-T", "text/html", "-cols", "80", "-O", "UTF-8"],
                 "lynx": ["lynx", "-dump", "-stdin", "-nolist", "-width=80", "-display_charset=UTF-8"]}[browser]
    if shutil.which(browser) is None:
        raise SystemExit(f"--input {browser} needs the {browser} program (Debian: apt-get install {browser})")
    dumped = subprocess.run(arguments, input=html.encode("ascii", "xmlcharrefreplace"), capture_output=True,
                            check=True, timeout=120)
    return dumped.stdout.decode("utf-8", errors="replace")


WHOLE_PAGE = {"markdown": whole_page_markdown, "resiliparse": whole_page_resiliparse,
              "html2text": whole_page_html2text, "w3m": partial(whole_page_dump, "w3m"),
              "lynx": partial(whole_page_dump, "lynx")}


# -- refiners ------------------------------------------------------------------------------------

class Refined:
    """One row's outputs: texts, deleted spans (None for anchors), statuses, seconds."""

    def __init__(self, texts: list[str], spans: list | None, statuses: Counter, seconds: float):
        self.texts, self.spans, self.statuses, self.seconds = texts, spans, statuses, seconds


def refine_in_process(pages: list[LabelledPage], backend_name: str, config: str, overrides: list[str]) -> Refined:
    """The refine job's per-batch code path (udfs/refine/udf.py) in a plain loop."""
    from lakerefine.conf.loader import load_settings
    from lakerefine.udfs.program.executor import delete_spans
    from lakerefine.udfs.refine.backends import create_backend
    from lakerefine.udfs.refine.documents import Document, DocumentLimits, refine_documents
    from lakerefine.udfs.refine.run import uses_site_shares

    settings = load_settings(config, [*overrides, f"refine.backend={backend_name}"])
    backend = create_backend(settings.refine)
    limits = DocumentLimits.of(settings.refine)
    batch = settings.spark.arrow_max_records_per_batch
    contexts = site_contexts(pages) if uses_site_shares(settings.refine) else [None] * len(pages)
    documents = [Document(page.page_id, page.raw, None, context) for page, context in zip(pages, contexts, strict=True)]
    outcomes, started = [], time.perf_counter()
    for i in range(0, len(documents), batch):
        outcomes.extend(refine_documents(documents[i:i + batch], backend, limits))
    seconds = time.perf_counter() - started
    texts = [delete_spans(page.raw, outcome.spans) for page, outcome in zip(pages, outcomes, strict=True)]
    return Refined(texts, [outcome.spans for outcome in outcomes], Counter(o.status for o in outcomes), seconds)


def site_contexts(pages: list[LabelledPage]) -> list:
    """What the refine job's site-share pass (udfs/refine/site_shares.py) gives each page when the
    refined pages are the input table: shares per URL host, over these pages."""
    from lakerefine.udfs.classifier.site_keys import document_keys, line_keys, site_shares, url_host
    from lakerefine.udfs.refine.backends import DocumentContext

    hosts = [url_host(page.url) for page in pages]
    key_documents: dict[str, Counter] = {}
    site_documents: Counter = Counter()
    for page, host in zip(pages, hosts, strict=True):
        if host:
            site_documents[host] += 1
            key_documents.setdefault(host, Counter()).update(document_keys(page.raw))
    contexts = []
    for page, host in zip(pages, hosts, strict=True):
        shares = site_shares(line_keys(page.raw), key_documents[host], site_documents[host]) if host else None
        contexts.append(None if shares is None else DocumentContext(site_shares=tuple(shares)))
    return contexts


def refine_with_spark(pages: list[LabelledPage], backends: list[str], config: str,
                      overrides: list[str]) -> dict[str, Refined]:
    """``lakerefine ingest`` + ``lakerefine refine`` per backend in a scratch lake; output read back.
    A page missing from the refined table scores as an empty output (status ``missing``)."""
    from pyspark.sql import functions as F

    from lakerefine.conf.loader import load_settings
    from lakerefine.jobs.cli import main as cli
    from lakerefine.udfs.lake.session import build_session
    from lakerefine.udfs.lake.tables import TableRef

    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-quality-") as tmp:
        work = Path(tmp)
        lake = [f"tables.base_path={work / 'lake'}", f"spark.warehouse_dir={work / 'wh'}", *overrides]
        source = work / "pages.jsonl"
        source.write_text("".join(json.dumps({"doc_id": p.page_id, "text": p.raw, "url": p.url}) + "\n"
                                  for p in pages), encoding="utf-8")
        run_cli(cli, ["ingest", "--input", str(source), "--output", "bench_corpus"], config, lake)
        settings = load_settings(config, lake)
        spark = build_session(settings.spark)

        def table(name: str):
            return TableRef.resolve(name, settings.tables).read(spark)

        corpus = dict(table("bench_corpus").select("doc_id", "text").toPandas().itertuples(index=False))
        changed = sum(corpus.get(p.page_id) != p.raw for p in pages if p.raw.strip())
        if changed:
            print(f"warning: ingest stored {changed} pages' text differently from raw", file=sys.stderr)
        for name in backends:
            output = f"refined_{name}"
            started = time.perf_counter()
            run_cli(cli, ["refine", "--input", "bench_corpus", "--output", output], config,
                    [*lake, f"refine.backend={name}"])
            seconds = time.perf_counter() - started
            refined = table(output).select("doc_id", "text", "refine_run_id").toPandas()
            run_ids = refined["refine_run_id"].unique().tolist()
            edits = (table(settings.refine.edits_table).where(F.col("run_id").isin(run_ids))
                     .select("doc_id", "status", "spans").toPandas())
            texts = dict(zip(refined["doc_id"], refined["text"], strict=True))
            spans = {row.doc_id: [(s["start"], s["end"]) for s in (row.spans if row.spans is not None else [])]
                     for row in edits.itertuples(index=False)}
            statuses = Counter(dict(zip(edits["doc_id"], edits["status"], strict=True)).get(p.page_id, "missing")
                               for p in pages)
            results[name] = Refined([texts.get(p.page_id) or "" for p in pages],
                                    [spans.get(p.page_id, []) for p in pages], statuses, seconds)
    return results


def run_cli(cli, argv: list[str], config: str, overrides: list[str]) -> None:
    code = cli([*argv, "--config", config, "--quiet", *(arg for item in overrides for arg in ("--set", item))])
    if code:
        raise SystemExit(f"lakerefine {argv[0]} failed with exit status {code}")


# jusText's stoplists by ISO 639-1 code, for the languages py3langid identifies. A page of a language without
# one gets jusText's own language-independent mode (an empty stoplist, both stopword thresholds 0).
JUSTEXT_STOPLISTS = {
    "af": "Afrikaans", "an": "Aragonese", "ar": "Arabic", "az": "Azerbaijani", "be": "Belarusian", "bg": "Bulgarian",
    "bn": "Bengali", "br": "Breton", "bs": "Bosnian", "ca": "Catalan", "cs": "Czech", "cy": "Welsh", "da": "Danish",
    "de": "German", "el": "Greek", "en": "English", "eo": "Esperanto", "es": "Spanish", "et": "Estonian",
    "eu": "Basque", "fa": "Persian", "fi": "Finnish", "fr": "French", "ga": "Irish", "gl": "Galician",
    "gu": "Gujarati", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "ht": "Haitian", "hu": "Hungarian",
    "hy": "Armenian", "id": "Indonesian", "is": "Icelandic", "it": "Italian", "jv": "Javanese", "ka": "Georgian",
    "kk": "Kazakh", "kn": "Kannada", "ko": "Korean", "ku": "Kurdish", "ky": "Kyrgyz", "la": "Latin",
    "lb": "Luxembourgish", "lt": "Lithuanian", "lv": "Latvian", "mk": "Macedonian", "ml": "Malayalam",
    "mr": "Marathi", "ms": "Malay", "mt": "Maltese", "nb": "Norwegian_Bokmal", "ne": "Nepali", "nl": "Dutch",
    "nn": "Norwegian_Nynorsk", "no": "Norwegian_Bokmal", "oc": "Occitan", "pl": "Polish", "pt": "Portuguese",
    "qu": "Quechua", "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian", "sq": "Albanian",
    "sr": "Serbian", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil", "te": "Telugu", "tl": "Tagalog",
    "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese", "vo": "Volapuk", "wa": "Walloon",
}


def page_language(page: LabelledPage) -> str:
    """The page's language: the data's ``language`` field where it has one, else py3langid's guess from the
    page's raw text (the web pages name none, and a fifth of the readability set is not in English)."""
    if page.language:
        return page.language
    import py3langid
    return py3langid.classify(page.raw)[0]


def justext_paragraphs(html: str, language: str | None):
    import justext
    stoplist = JUSTEXT_STOPLISTS.get((language or "en").split("-")[0])
    if stoplist is None:
        return justext.justext(html, frozenset(), stopwords_low=0, stopwords_high=0)
    return justext.justext(html, justext.get_stoplist(stoplist))


def extract_with_anchor(name: str, html: str, language: str | None = None) -> str:
    if name == "trafilatura":
        import trafilatura
        return trafilatura.extract(html) or ""
    if name == "justext":
        return "\n".join(p.text for p in justext_paragraphs(html, language) if not p.is_boilerplate)
    if name == "readability":
        import html_text
        from readability import Document
        return html_text.extract_text(Document(html).summary(html_partial=True))
    if name == "resiliparse":
        from resiliparse.extract.html2text import extract_plain_text
        return extract_plain_text(html, main_content=True)
    raise ValueError(f"unknown anchor {name!r}; known: {', '.join(ANCHORS)}")


def run_anchor(pages: list[LabelledPage], name: str) -> Refined:
    """An HTML extractor on every page; a page it fails on scores as an empty output (status ``error``)."""
    texts, statuses, started = [], Counter(), time.perf_counter()
    for page in pages:
        try:
            language = page_language(page) if name == "justext" else None
            texts.append(extract_with_anchor(name, page.html, language) if page.html else "")
            statuses["ok" if page.html else "no_html"] += 1
        except Exception:  # an extractor's failure on one page is that page's result
            texts.append("")
            statuses["error"] += 1
    return Refined(texts, None, statuses, time.perf_counter() - started)


def run_ceiling(pages: list[LabelledPage]) -> Refined:
    """What a refiner that agrees with the line labels gives: each page's input minus the lines its gold does not
    cover (expert/columns.py's ``gold`` expert)."""
    started = time.perf_counter()
    texts = [align_on_raw(page.raw, page.gold).text for page in pages]
    return Refined(texts, None, Counter(aligned=len(pages)), time.perf_counter() - started)


# -- report --------------------------------------------------------------------------------------

def report(pages: list[LabelledPage], rows: dict[str, tuple[str, Refined]], labels: list) -> dict:
    sets = sorted({page.set for page in pages}) + [ALL]
    labelled = Counter(page.set for page, label in zip(pages, labels, strict=True) if label is not None)
    labelled[ALL] = sum(labelled.values())
    result = {"pages": dict(Counter(page.set for page in pages)) | {ALL: len(pages)},
              "labelled_pages": dict(labelled), "rows": {}, "f1_differences": {}}
    per_row = {name: page_scores(pages, refined.texts, refined.spans, labels) for name, (_, refined) in rows.items()}
    for name, (kind, refined) in rows.items():
        per_page = per_row[name]
        scores, intervals = sum_scores(pages, refined.texts, per_page), score_intervals(pages, per_page)
        chars = sum(len(page.raw) for page in pages)
        result["rows"][name] = {
            "kind": kind, "statuses": dict(refined.statuses), "seconds": round(refined.seconds, 2),
            "mb_per_s": round(chars / refined.seconds / 1e6, 3) if refined.seconds else None,
            "sets": {key: scores[key].as_dict(refined.spans is not None) | {"interval": intervals[key]}
                     for key in sets}}
    anchors = [name for name, (kind, _) in rows.items() if kind == "anchor"]
    for name in (name for name, (kind, _) in rows.items() if kind == "backend"):
        for anchor in anchors:
            result["f1_differences"][f"{name} - {anchor}"] = f1_difference_intervals(pages, per_row[name],
                                                                                      per_row[anchor])
    return result


def markdown(result: dict, title: str) -> str:
    sets = list(result["pages"])
    lines = [f"### {title}", "",
             "Shingle F1 (precision / recall), per set and over all pages; deletion precision / recall at "
             "character level on pages with line labels; new characters over all pages.", "",
             "| row | " + " | ".join(f"{s} ({result['pages'][s]})" for s in sets)
             + f" | deletions P / R ({result['labelled_pages'].get(ALL, 0)} labelled) | new chars |",
             "|---|" + "---|" * (len(sets) + 2)]
    for name, row in result["rows"].items():
        cells = []
        for s in sets:
            sh = row["sets"][s]["shingles"]
            cells.append(f"{sh['f1']:.3f} ({sh['precision']:.3f} / {sh['recall']:.3f})")
        overall = row["sets"][ALL]
        deletions = overall.get("deletions")
        cells.append(f"{deletions['precision']:.3f} / {deletions['recall']:.3f}" if deletions and deletions["documents"]
                     else "n/a" if not deletions else "-")
        cells.append(f"{overall['new_characters']:,}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\n" + deletions_markdown(result) + "\n" + intervals_markdown(result) + "\n" \
        + differences_markdown(result)


def deletions_markdown(result: dict) -> str:
    """Deletion precision / recall per set, for the rows with spans; - where a set has no labelled page."""
    sets = list(result["pages"])
    labelled = result["labelled_pages"]
    lines = ["Deleted characters against the line labels, per set: precision / recall.", "",
             "| row | " + " | ".join(f"{s} ({labelled.get(s, 0)} labelled)" for s in sets) + " |",
             "|---|" + "---|" * len(sets)]
    for name, row in result["rows"].items():
        if "deletions" not in row["sets"][ALL]:
            continue
        cells = [f"{d['precision']:.3f} / {d['recall']:.3f}" if d["documents"] else "-"
                 for d in (row["sets"][s]["deletions"] for s in sets)]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def set_sites(result: dict) -> dict[str, int]:
    """Per set, how many sites its pages come from (the same for every row)."""
    some_row = next(iter(result["rows"].values()))
    return {s: some_row["sets"][s]["interval"]["sites"] for s in result["pages"]}


def intervals_markdown(result: dict) -> str:
    """Every row's shingle F1 and recall (and the backends' deletion precision and recall) as site-bootstrap
    intervals."""
    sets = list(result["pages"])
    sites = set_sites(result)
    lines = [f"{LEVEL:.0%} intervals of a bootstrap over sites (udfs/quality/intervals.py): shingle F1 and recall; "
             "deletion precision and recall where labelled.", "",
             "| row | " + " | ".join(f"{s} ({sites[s]} sites)" for s in sets) + " |",
             "|---|" + "---|" * len(sets)]
    for name, row in result["rows"].items():
        if row["kind"] == "raw":
            continue
        cells = []
        for s in sets:
            interval = row["sets"][s]["interval"]
            if sites[s] < 2:
                cells.append(ONE_SITE)
                continue
            cell = f"F1 {_span(interval['f1'])}, R {_span(interval['recall'])}"
            if "deletion_precision" in interval and row["sets"][s].get("deletions", {}).get("documents"):
                cell += f"; del P {_span(interval['deletion_precision'])}, R {_span(interval['deletion_recall'])}"
            cells.append(cell)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def differences_markdown(result: dict) -> str:
    """Each backend's shingle F1 minus each anchor's, with its paired site-bootstrap interval."""
    if not result["f1_differences"]:
        return ""
    sets = list(result["pages"])
    lines = [f"Shingle F1 of each backend minus each anchor's on the same pages, with its {LEVEL:.0%} interval "
             "(a paired bootstrap over sites: an interval without 0 is a difference the sites resolve).", "",
             "| backend - anchor | " + " | ".join(sets) + " |", "|---|" + "---|" * len(sets)]
    sites = set_sites(result)
    for name, by_set in result["f1_differences"].items():
        cells = [f"{by_set[s]['difference']:+.3f} "
                 + (_span(by_set[s]["interval"], signed=True) if sites[s] > 1 else ONE_SITE) for s in sets]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _span(interval: list[float], signed: bool = False) -> str:
    low, high = (f"{value:+.3f}" if signed else f"{value:.3f}" for value in interval)
    return f"[{low}, {high}]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", nargs="+", default=["rules"], help="refine.backend names (default: rules)")
    parser.add_argument("--anchors", nargs="*", default=list(ANCHORS), choices=ANCHORS,
                        help="HTML extractors to run (none: --anchors with no name)")
    parser.add_argument("--data", nargs="+", default=list(DEFAULT_DATA), choices=list(DATA))
    parser.add_argument("--split", choices=["test", "all"], default="test")
    parser.add_argument("--limit", type=int, default=None, help="at most this many pages per set (quick runs)")
    parser.add_argument("--max-chars", type=int, default=None,
                        help="only pages whose raw text has at most this many characters (CPU-bound backends)")
    parser.add_argument("--spark", action="store_true", help="run the real ingest + refine jobs end to end")
    parser.add_argument("--config", default="local")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="overrides",
                        help="config overrides for the backends (e.g. refine.hf.model_path=...)")
    parser.add_argument("--input", choices=INPUTS, default="raw",
                        help="what the refiners get: the raw page (default), hard-wrapped, its gold, trafilatura's, "
                             "the whole page as Markdown, as resiliparse's plain text, as html2text's wrapped "
                             "Markdown or as w3m's or lynx's dump")
    parser.add_argument("--out", default="refine_quality", help="file stem under bench/results/")
    args = parser.parse_args(argv)

    pages = load_pages([DATA[name] for name in args.data], args.split, args.limit, args.max_chars)
    if not pages:
        raise SystemExit("no pages selected")
    pages = with_input(pages, args.input)
    anchors = args.anchors if args.input == "raw" else []
    # Line labels say which raw lines are boilerplate; another input has none to delete (gold) or few lines of raw.
    labels = [label_lines(page.raw, page.gold) if args.input == "raw" else None for page in pages]
    raw = Refined([page.raw for page in pages], [[] for _ in pages], Counter(unchanged=len(pages)), 0.0)
    rows: dict[str, tuple[str, Refined]] = {"raw": ("raw", raw)}
    differing = {}
    if args.spark:
        for name, refined in refine_with_spark(pages, args.backend, args.config, args.overrides).items():
            rows[f"{name} (spark job)"] = ("backend", refined)
            in_process = refine_in_process(pages, name, args.config, args.overrides)
            differing[f"{name} (spark job)"] = sum(a != b for a, b in zip(refined.texts, in_process.texts, strict=True))
    else:
        for name in args.backend:
            rows[name] = ("backend", refine_in_process(pages, name, args.config, args.overrides))
            print(f"{name}: {rows[name][1].seconds:.1f} s", file=sys.stderr, flush=True)
    for name in anchors:
        rows[name] = ("anchor", run_anchor(pages, name))
        print(f"{name}: {rows[name][1].seconds:.1f} s", file=sys.stderr, flush=True)
    rows[CEILING] = ("ceiling", run_ceiling(pages))

    result = report(pages, rows, labels)
    for name, count in differing.items():
        result["rows"][name]["pages_differing_from_in_process"] = count
    result |= {"split": args.split, "data": args.data, "input": args.input, "spark": args.spark, "limit": args.limit,
               "max_chars": args.max_chars, "overrides": args.overrides}
    title = (f"Refinement quality, {args.split} split of {' + '.join(args.data)}"
             f"{'' if args.input == 'raw' else f', input: {args.input}'}{' (spark job)' if args.spark else ''}")
    table = markdown(result, title)
    print(table)
    for name, row in result["rows"].items():
        same = row.get("pages_differing_from_in_process")
        print(f"{name}: statuses {row['statuses']}, {row['seconds']} s"
              + ("" if same is None else f", pages whose output differs from the in-process loop: {same}"))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.out}.md").write_text(table)
    (RESULTS / f"{args.out}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS / args.out}.md and .json")
    bad = [name for name, row in result["rows"].items()
           if row["kind"] == "backend" and row["sets"][ALL]["new_characters"]]
    if bad:
        print(f"FAIL: new characters in backend rows {bad}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
