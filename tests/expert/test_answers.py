"""Reading and checking expert answers, and sample quotas (pure Python)."""
from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lakerefine.udfs.expert.answers import (
    EMPTY_OUTPUT,
    MULTIPLE_SECTIONS,
    NO_SECTION,
    REWRITE_TOO_LONG,
    UNTERMINATED_SECTION,
    check_expert_text,
    parse_section,
)
from lakerefine.udfs.expert.pairs import CONTAINS_MARKERS, NULL_TEXT, TOO_LONG, skip_reason
from lakerefine.udfs.expert.quotas import allocate
from lakerefine.udfs.generate.prompts import fill_prompt, load_prompt

RAW = ("Home | News | Sport\n"
       "Storm hits the coast\n"
       "A storm hit the coast on Monday. Advertisement: buy now!\n"
       "Share on Facebook\n")
EXPERT = "Storm hits the coast\nA storm hit the coast on Monday.\n"


@pytest.mark.parametrize("answer, text, reason", [
    ("[doc]\nkept text\n[/doc]", "kept text", None),
    ("Sure! Here it is:\n[doc]\nline 1\n\nline 2\n\n[/doc]\nDone.", "line 1\n\nline 2\n", None),
    ("[doc][/doc]", "", None),
    ("[doc]\n\n[/doc]", "", None),
    ("no markers at all", None, NO_SECTION),
    ("", None, NO_SECTION),
    (None, None, NO_SECTION),
    ("[doc]\nthe answer was cut by max_new_to", None, UNTERMINATED_SECTION),
    ("[doc]\na\n[/doc] or maybe [doc]\nb\n[/doc]", None, MULTIPLE_SECTIONS),
])
def test_parse_section(answer, text, reason):
    parsed = parse_section(answer)
    assert (parsed.text, parsed.reason) == (text, reason)


def test_a_deletion_only_answer_is_accepted_with_its_statistics():
    check = check_expert_text(RAW, EXPERT, max_rewrite_chars=20, allow_empty=False)
    assert check.reason is None
    assert check.deleted_chars == len(RAW) - len(EXPERT)
    assert (check.inserted_chars, check.replaced_chars, check.longest_rewrite) == (0, 0, 0)


def test_small_rewrites_pass_and_long_ones_are_rejected():
    typo_fixed = EXPERT.replace("Monday", "monday")
    assert check_expert_text(RAW, typo_fixed, 20, False).reason is None
    rewritten = EXPERT.replace("A storm hit the coast on Monday.", "On Monday, a violent storm struck the coastline.")
    check = check_expert_text(RAW, rewritten, 20, False)
    assert check.reason == REWRITE_TOO_LONG and check.longest_rewrite >= 20 and "limit 20" in check.detail


def test_an_invented_sentence_the_diff_cuts_into_pieces_is_still_a_rewrite():
    raw = "Menu | Home\nThe harbour reopened on Monday.\nCopyright 2024 Example"
    invented = "The harbour reopened on Monday. And here is a whole sentence the expert made up."
    check = check_expert_text(raw, invented, 20, False)
    assert check.reason == REWRITE_TOO_LONG and check.longest_rewrite >= 40


def test_an_empty_answer_is_rejected_unless_allowed():
    assert check_expert_text(RAW, "", 20, allow_empty=False).reason == EMPTY_OUTPUT
    assert check_expert_text(RAW, "  \n", 20, allow_empty=False).reason == EMPTY_OUTPUT
    assert check_expert_text(RAW, "", 20, allow_empty=True).reason is None


@pytest.mark.parametrize("text, reason", [
    (None, NULL_TEXT), ("", NULL_TEXT), ("x" * 101, TOO_LONG), ("a [doc] b", CONTAINS_MARKERS),
    ("ends with [/doc]", CONTAINS_MARKERS), ("fine", None),
])
def test_documents_not_sent(text, reason):
    assert skip_reason(text, max_doc_chars=100) == reason


def test_the_expert_prompt_states_the_rules_and_shows_the_document():
    prompt = fill_prompt(load_prompt("expert"), "{braces} stay\nline two")
    assert prompt.endswith("[doc]\n{braces} stay\nline two\n[/doc]\n")
    for rule in ("Only deletions are permitted", "rewrite, correct, rephrase", "navigation",
                 "unrelated links", "generic footers", "dividers", "irrelevant part",
                 "informative links", "metadata", "[doc] and [/doc]"):
        assert rule in prompt


def test_quotas_examples():
    counts = {"mail": 50, "web": 30, "wiki": 20}
    assert allocate(counts, 10, "proportional") == {"mail": 5, "web": 3, "wiki": 2}
    assert allocate(counts, 11, "proportional") == {"mail": 6, "web": 3, "wiki": 2}
    assert allocate({"a": 2, "b": 100, "c": 100}, 30, "equal") == {"a": 2, "b": 14, "c": 14}
    assert allocate(counts, 1000, "equal") == counts
    with pytest.raises(ValueError, match="unknown allocation"):
        allocate(counts, 5, "random")


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 50), max_size=6),
       st.integers(0, 200), st.sampled_from(["proportional", "equal"]))
def test_quotas_fill_the_sample_and_never_exceed_a_group(counts, size, allocation):
    quotas = allocate(counts, size, allocation)
    assert quotas.keys() == counts.keys()
    assert sum(quotas.values()) == min(size, sum(counts.values()))
    assert all(0 <= quotas[g] <= counts[g] for g in counts)
    assert allocate(counts, size, allocation) == quotas


def test_the_vllm_expert_without_vllm_says_how_to_get_it(monkeypatch):
    from lakerefine.conf.settings import ExpertSettings
    from lakerefine.udfs.expert.backends import create_expert_backend

    monkeypatch.setitem(sys.modules, "vllm", None)   # `import vllm` fails as where it is not installed
    with pytest.raises(ImportError, match=r"lakerefine\[vllm\]"):
        create_expert_backend(ExpertSettings(backend="vllm"))
