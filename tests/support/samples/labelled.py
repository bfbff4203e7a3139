"""A labelled boilerplate set: real text whose boilerplate characters are known.

Three kinds of document, all built deterministically from data/sample/:

- ``web_news``: a news article (lee_background) cut into paragraphs of whole
  sentences and wrapped in web-page boilerplate injected at known places (nav
  bars, cookie banners, share prompts, link lists, footers, junk runs inside
  real lines; see web_boilerplate.py);
- ``web_wiki``: the same with prose paragraphs of a Wikipedia article
  (wikitext flattened to plain text, see wiki_prose.py);
- ``newsgroup``: a raw Usenet post, labelled by structure (header block,
  attributions, dividers) and by hand (signatures), see newsgroup_labels.py.

Spans are ``[start, end)`` into ``text``. Boilerplate lines are turned into
character spans exactly as the deletion-program executor deletes lines (a line
with its "\\n", the last line with the "\\n" before it), so a perfect program
scores 1.0. ``neutral_spans`` are characters nobody should be scored on (blank
lines beside a removed block, bare sign-offs like "pat"): an evaluation leaves
them out of both precision and recall.

``split`` is "dev" or "held_out", fixed by a hash of the source document id,
so the same article or post is always on the same side.
"""
from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lakerefine.udfs.program.calls import Call, RemoveLines, RemoveStr, format_program
from lakerefine.udfs.program.executor import execute
from tests.support.samples import web_boilerplate as wb
from tests.support.samples.corpus import SampleDoc, load_corpus, load_newsgroup_signatures
from tests.support.samples.newsgroup_labels import BOILERPLATE, CONTENT, NEUTRAL, line_labels
from tests.support.samples.wiki_prose import prose_paragraphs

KINDS = ("web_news", "web_wiki", "newsgroup")
DEV, HELD_OUT = "dev", "held_out"
HELD_OUT_PERCENT = 40
BLANK = "blank"
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"']))\s+(?=[A-Z\"'])")


@dataclass(frozen=True)
class LabelledDoc:
    text: str
    boilerplate_spans: list[tuple[int, int]]
    kind: str  # one of KINDS
    doc_id: str = ""
    neutral_spans: list[tuple[int, int]] = field(default_factory=list)
    split: str = DEV
    # Boilerplate spans by what they are ("header", "signature", "nav_bar", "junk", ...),
    # for recall per part; together they cover boilerplate_spans.
    part_spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def boilerplate_chars(self) -> int:
        return sum(end - start for start, end in self.boilerplate_spans)


@dataclass
class PageLine:
    """One line of a page being built: its label and any junk spans inside it."""

    text: str
    label: str = CONTENT  # CONTENT, BOILERPLATE or NEUTRAL (BLANK while a page is built)
    part: str = ""  # which boilerplate: the block's name ("cookie", "signature", ...)
    junk: list[tuple[int, int]] = field(default_factory=list)


def split_of(source_id: str) -> str:
    bucket = int(hashlib.sha256(source_id.encode("utf-8")).hexdigest(), 16) % 100
    return HELD_OUT if bucket < HELD_OUT_PERCENT else DEV


def build_labelled_set(docs: list[SampleDoc] | None = None) -> list[LabelledDoc]:
    """Every labelled document, in a fixed order."""
    docs = load_corpus() if docs is None else docs
    news_headlines = {doc.id: headline_of(doc.text) for doc in docs if doc.source == "news"}
    wiki_titles = {doc.id: doc.title or "" for doc in docs if doc.source == "enwiki"}
    labelled: list[LabelledDoc] = []
    for doc in docs:
        if doc.source == "news":
            paragraphs = sentence_paragraphs(doc.text, random.Random(doc.id))
            others = [h for key, h in news_headlines.items() if key != doc.id]
            labelled.append(web_page(doc.id, "web_news", paragraphs, others))
        elif doc.source == "enwiki":
            paragraphs = prose_paragraphs(doc.text)
            others = [t for key, t in wiki_titles.items() if key != doc.id and t]
            if len(paragraphs) >= 2:
                labelled.append(web_page(doc.id, "web_wiki", [doc.title or ""] + paragraphs, others))
    signatures = load_newsgroup_signatures()
    for doc in docs:
        if doc.source == "newsgroup" and doc.id in signatures:
            labelled.append(newsgroup_doc(doc, signatures[doc.id]))
    return labelled


def split_labelled(docs: list[LabelledDoc]) -> tuple[list[LabelledDoc], list[LabelledDoc]]:
    """(dev, held_out)."""
    return [d for d in docs if d.split == DEV], [d for d in docs if d.split == HELD_OUT]


def sentence_paragraphs(text: str, rng: random.Random) -> list[str]:
    """A one-line article cut into paragraphs of 1-4 whole sentences."""
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
    paragraphs, i = [], 0
    while i < len(sentences):
        size = rng.randint(1, 4)
        paragraphs.append(" ".join(sentences[i:i + size]))
        i += size
    return paragraphs


def headline_of(article: str, max_words: int = 10) -> str:
    """A news article's first words, as the headline a "related stories" list would show."""
    first = _SENTENCE_END.split(article, maxsplit=1)[0]
    return " ".join(first.split()[:max_words]).rstrip(",;:.")


def web_page(source_id: str, kind: str, paragraphs: list[str], headlines: list[str]) -> LabelledDoc:
    """Real paragraphs wrapped in boilerplate blocks at the top, in between and at the bottom."""
    rng = random.Random(f"{kind}:{source_id}")
    lines = [PageLine(p) for p in paragraphs]
    _inject_junk(lines, rng)
    blocks: list[list[PageLine]] = [[line] for line in lines]
    for make in rng.sample(wb.TOP_BLOCKS, rng.randint(1, 3)):
        blocks.insert(0, _boilerplate(make, rng, headlines))
    for make in rng.sample(wb.MIDDLE_BLOCKS, rng.randint(0, 2)):
        blocks.insert(rng.randint(1, max(1, len(blocks) - 1)), _boilerplate(make, rng, headlines))
    if rng.random() < 0.3:  # the same advert line between several paragraphs
        advert = _boilerplate(wb.advert_lines, rng, headlines)
        for _ in range(3):
            copy = [PageLine(line.text, line.label, line.part) for line in advert]
            blocks.insert(rng.randint(1, len(blocks)), copy)
    for make in rng.sample(wb.BOTTOM_BLOCKS, rng.randint(1, 4)):
        blocks.append(_boilerplate(make, rng, headlines))
    blank_between = rng.random() < 0.5
    page: list[PageLine] = []
    for block in blocks:
        if page and blank_between:
            page.append(PageLine("", BLANK))
        page.extend(block)
    _label_blank_lines(page)
    return labelled_doc(source_id, kind, page)


def _boilerplate(make: wb.Block, rng: random.Random, headlines: list[str]) -> list[PageLine]:
    part = make.__name__.removesuffix("_block").removesuffix("_lines")
    return [PageLine(text, BOILERPLATE, part) for text in make(rng, headlines)]


def _inject_junk(lines: list[PageLine], rng: random.Random) -> None:
    """Put a junk run before a word of one or two real lines."""
    for line in rng.sample(lines, min(len(lines), rng.randint(0, 2))):
        words = [m.start() for m in re.finditer(r"(?<= )\w", line.text)]
        if not words:
            continue
        at, junk = rng.choice(words), wb.junk_run(rng)
        text = line.text[:at] + junk + line.text[at:]
        if text.count(junk) == 1:  # so that one remove_str call can delete it
            line.text = text
            line.junk.append((at, at + len(junk)))


def _label_blank_lines(page: list[PageLine]) -> None:
    """A blank line touching boilerplate is neutral, otherwise content."""
    for i, line in enumerate(page):
        if line.label == BLANK:
            before = page[i - 1].label if i > 0 else None
            after = page[i + 1].label if i + 1 < len(page) else None
            line.label = NEUTRAL if BOILERPLATE in (before, after) else CONTENT


def newsgroup_doc(doc: SampleDoc, hand: dict[str, list[list[int]]]) -> LabelledDoc:
    lines = doc.text.split("\n")
    if doc.text.endswith("\n"):
        lines.pop()
    labels = line_labels(lines, hand["signature"], hand["neutral"])
    page = [PageLine(text, label, part) for text, (label, part) in zip(lines, labels, strict=True)]
    return labelled_doc(doc.id, "newsgroup", page, final_newline=doc.text.endswith("\n"))


def labelled_doc(source_id: str, kind: str, page: list[PageLine],
                 final_newline: bool = False) -> LabelledDoc:
    """Character spans of the labelled lines, computed by the executor itself."""
    text = "\n".join(line.text for line in page) + ("\n" if final_newline else "")
    gold = _deleted_spans(text, page, lambda line: line.label == BOILERPLATE, junk=True)
    gold_or_neutral = _deleted_spans(text, page, lambda line: line.label != CONTENT, junk=True)
    part_spans = {
        part: _deleted_spans(text, page, lambda line, part=part: line.label == BOILERPLATE and line.part == part)
        for part in sorted({line.part for line in page if line.label == BOILERPLATE})
    }
    if any(line.junk for line in page):
        part_spans["junk"] = _deleted_spans(text, page, lambda line: False, junk=True)
    return LabelledDoc(text, gold, kind, f"{kind}/{source_id}", _subtract(gold_or_neutral, gold),
                       split_of(source_id), part_spans)


def _deleted_spans(text: str, page: list[PageLine], removed: Callable[[PageLine], bool],
                   junk: bool = False) -> list[tuple[int, int]]:
    """What the executor deletes for the lines ``removed`` picks (and, if ``junk``,
    the junk runs inside the other lines)."""
    calls: list[Call] = [RemoveLines(i, i) for i, line in enumerate(page, start=1) if removed(line)]
    if junk:
        calls += [RemoveStr(i, line.text[start:end]) for i, line in enumerate(page, start=1)
                  if not removed(line) for start, end in line.junk]
    if not calls:
        return []
    result = execute(text, format_program(calls), max_rejected_calls=None, max_rejected_fraction=None,
                     max_line_chars=None)
    if result.calls_rejected:
        raise ValueError(f"labelled spans of {page[0].text[:40]!r}... could not all be applied")
    return result.spans


def _subtract(spans: list[tuple[int, int]], minus: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Parts of sorted disjoint ``spans`` outside sorted disjoint ``minus``."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        position = start
        for cut_start, cut_end in minus:
            if cut_end <= position or cut_start >= end:
                continue
            if cut_start > position:
                out.append((position, cut_start))
            position = max(position, cut_end)
        if position < end:
            out.append((position, end))
    return out
