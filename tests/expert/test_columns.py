"""The gold and html experts (no LM) on real labelled web pages: main content aligned on raw."""
from __future__ import annotations

import textwrap

import pytest

from lakerefine.conf.settings import ExpertSettings
from lakerefine.schemas.vocab import (
    ACCEPTED,
    BACKEND_ERROR,
    EMPTY_OUTPUT,
    ERROR,
    NO_MAIN_CONTENT,
    NULL_EXPERT_INPUT,
    NULL_TEXT,
    REJECTED,
    SKIPPED,
    UNALIGNED,
)
from lakerefine.udfs.expert.backends import create_expert_backend
from lakerefine.udfs.expert.columns import take_main_content
from lakerefine.udfs.expert.pairs import AnswerRules, SampledDoc
from lakerefine.udfs.program.distiller import DistillConfig, distill
from lakerefine.udfs.program.lines import split_lines
from tests.support.webpages import all_pages, needs_webpages

pytestmark = needs_webpages
RULES = AnswerRules.of(ExpertSettings())
VERBATIM = ("readability/cnn", "readability/mozilla-1", "readability/tmz-1")   # every gold line is a raw line


def expert(backend: str):
    return create_expert_backend(ExpertSettings(backend=backend))


def doc_of(page: dict, expert_input: str | None = None) -> SampledDoc:
    return SampledDoc(page["id"], page["raw"], page["set"], page["gold"] if expert_input is None else expert_input)


def lines_kept_in_order(raw: str, refined: str) -> bool:
    """Is ``refined`` ``raw`` with some whole lines deleted?"""
    remaining = iter(split_lines(raw))
    return all(any(line == candidate for candidate in remaining) for line in split_lines(refined))


@pytest.fixture(scope="module")
def verbatim_pages() -> list[dict]:
    return [page for page in all_pages() if page["id"] in VERBATIM]


@pytest.fixture(scope="module")
def sample_pages() -> list[dict]:
    """Two small pages of each set."""
    return small_pages_of_each_set(2, 8000)


def small_pages_of_each_set(count: int, max_chars: int) -> list[dict]:
    sets = sorted({page["set"] for page in all_pages()})
    return [page for name in sets
            for page in [p for p in all_pages() if p["set"] == name and len(p["raw"]) <= max_chars][:count]]


def test_verbatim_gold_keeps_the_lines_it_holds_and_drops_the_others(verbatim_pages):
    outcomes = take_main_content([doc_of(page) for page in verbatim_pages], expert("gold"), RULES)
    for page, outcome in zip(verbatim_pages, outcomes, strict=True):
        assert (outcome.status, outcome.reason) == (ACCEPTED, None), outcome.detail
        assert lines_kept_in_order(page["raw"], outcome.expert)
        raw_lines = {line.strip() for line in split_lines(page["raw"])}
        gold_lines = {line.strip() for line in split_lines(page["gold"]) if line.strip()}
        kept = {line.strip() for line in split_lines(outcome.expert) if line.strip()}
        assert gold_lines <= raw_lines and kept == gold_lines
        assert 0 < outcome.deleted_chars == len(page["raw"]) - len(outcome.expert)
        assert outcome.inserted_chars == outcome.replaced_chars == 0


def rewrapped(text: str, width: int) -> str:
    """The same words hard-wrapped at ``width`` columns, paragraphs and spacing gone."""
    return textwrap.fill(" ".join(text.split()), width=width)


def test_rewrapped_gold_distils_to_the_same_program_as_verbatim_gold(verbatim_pages):
    gold = expert("gold")
    for page in verbatim_pages:
        wrapped = rewrapped(page["gold"], 50)
        verbatim, rewrap = take_main_content([doc_of(page), doc_of(page, wrapped)], gold, RULES)
        assert rewrap.status == verbatim.status == ACCEPTED
        assert rewrap.expert == verbatim.expert
        from_verbatim, from_rewrap = distill(page["raw"], verbatim.expert), distill(page["raw"], rewrap.expert)
        assert from_verbatim.accepted and from_verbatim.exact and from_verbatim.calls
        assert from_rewrap.program == from_verbatim.program


def test_annotators_rewrapped_gold_becomes_an_accepted_pair():
    """CLEANEVAL gold is hard-wrapped by its annotators: few of its lines are raw lines."""
    pages = [page for page in all_pages() if page["set"].startswith("cleaneval") and len(page["raw"]) < 6000][:4]
    raw_lines = [set(split_lines(page["raw"])) for page in pages]
    assert sum(line in lines for page, lines in zip(pages, raw_lines, strict=True)
               for line in split_lines(page["gold"])) < sum(len(split_lines(page["gold"])) for page in pages) / 2
    for page, outcome in zip(pages, take_main_content([doc_of(page) for page in pages], expert("gold"), RULES),
                             strict=True):
        assert outcome.status == ACCEPTED, (page["id"], outcome.reason, outcome.detail)
        assert lines_kept_in_order(page["raw"], outcome.expert)
        distilled = distill(page["raw"], outcome.expert, DistillConfig())
        assert distilled.accepted and distilled.exact, (page["id"], distilled.reason)


def test_html_expert_output_is_raw_minus_lines_or_rejected_with_the_extract_kept(sample_pages):
    html = expert("html")
    assert html.model == "trafilatura 2.3.1"
    docs = [doc_of(page, page["html"]) for page in sample_pages]
    outcomes = take_main_content(docs, html, RULES)
    assert len(outcomes) == len(docs)
    accepted = [o for o in outcomes if o.status == ACCEPTED]
    assert len(accepted) >= len(docs) // 2
    for page, outcome in zip(sample_pages, outcomes, strict=True):
        if outcome.status == ACCEPTED:
            assert lines_kept_in_order(page["raw"], outcome.expert)
            assert outcome.inserted_chars == outcome.replaced_chars == outcome.longest_rewrite == 0
            assert distill(page["raw"], outcome.expert, DistillConfig(min_deleted_chars=0)).exact
        else:
            assert outcome.status == REJECTED and outcome.reason in (NO_MAIN_CONTENT, UNALIGNED, EMPTY_OUTPUT)
            assert outcome.reason == NO_MAIN_CONTENT or outcome.answer


def test_every_document_gets_one_outcome_with_its_reason(verbatim_pages):
    page, other = verbatim_pages[0], verbatim_pages[1]

    class Broken:
        name, model, column = "html", "broken", "html"

        def main_content(self, value: str) -> str | None:
            raise RuntimeError("parser crashed")

    docs = [SampledDoc("null-input", page["raw"], None, None), SampledDoc("null-text", None, None, page["gold"]),
            doc_of(page, other["gold"]), doc_of(page, "")]
    null_input, null_text, unaligned, empty = take_main_content(docs, expert("gold"), RULES)
    assert (null_input.status, null_input.reason) == (SKIPPED, NULL_EXPERT_INPUT)
    assert (null_text.status, null_text.reason) == (SKIPPED, NULL_TEXT)
    assert (unaligned.status, unaligned.reason) == (REJECTED, UNALIGNED)
    assert unaligned.answer == other["gold"] and "min_aligned_fraction" in unaligned.detail
    assert (empty.status, empty.reason) == (REJECTED, EMPTY_OUTPUT)
    allowed = AnswerRules.of(ExpertSettings(allow_empty=True))
    assert take_main_content([doc_of(page, "")], expert("gold"), allowed)[0].expert == ""
    [broken] = take_main_content([doc_of(page, page["html"])], Broken(), RULES)
    assert (broken.status, broken.reason) == (ERROR, BACKEND_ERROR) and "parser crashed" in broken.detail
