"""The classifier backend with the shipped model through the refine pipeline (no Spark)."""
from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lakerefine.conf.settings import RefineSettings
from lakerefine.schemas import vocab as S
from lakerefine.udfs.classifier.site_keys import KEY_KINDS
from lakerefine.udfs.program.executor import delete_spans
from lakerefine.udfs.program.lines import count_lines
from lakerefine.udfs.refine.backends import DocumentContext, create_backend, model_metrics
from lakerefine.udfs.refine.backends.classifier import resolve_model_path, shipped_model
from lakerefine.udfs.refine.documents import Document, DocumentLimits, refine_documents
from tests.support.corpus import FOOTER, NAV, PROSE
from tests.support.programs import is_subsequence

SETTINGS = RefineSettings(backend="classifier")
PAGE = f"{NAV}\n{PROSE}\n{PROSE} Again, with more words.\n\n{FOOTER}\n"
# A page with a real paragraph, which the shipped model refines (a page of one sentence sits near its threshold)
PARAGRAPH = ("The mills were built in the last century to grind the grain that the farmers of the valley brought down "
             "on carts, and two of them still turn on feast days.")
ARTICLE = f"{NAV}\n{PROSE}\n{PARAGRAPH}\n{PROSE} Again, with more words.\n\n{FOOTER}\n"


def test_the_default_model_is_the_shipped_file_named_with_its_content_hash():
    backend = create_backend(SETTINGS)
    path = shipped_model()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert backend.name == "classifier" and backend.model == f"{path}@{digest}"
    assert model_metrics(SETTINGS) == {"backend": "classifier", "model": backend.model, "model_path": str(path),
                                       "model_content_hash": digest, "threshold": backend.line_model.threshold,
                                       "page_floor": backend.line_model.page_floor}


def test_threshold_and_page_floor_overrides_decide_and_are_named_in_the_model():
    shipped = create_backend(SETTINGS)
    own = shipped.line_model
    same = create_backend(SETTINGS.model_copy(update={"classifier": SETTINGS.classifier.model_copy(
        update={"threshold": own.threshold, "page_floor": own.page_floor})}))
    assert same.model == shipped.model

    def outcome(**overrides):
        settings = SETTINGS.model_copy(update={"classifier": SETTINGS.classifier.model_copy(update=overrides)})
        backend = create_backend(settings)
        [result] = refine_documents([Document("article", ARTICLE)], backend, DocumentLimits.of(settings))
        return backend, result

    assert outcome()[1].status == S.REFINED
    keep_all, unchanged = outcome(threshold=0.0)  # no probability is under 0
    assert unchanged.status == S.UNCHANGED and keep_all.model == f"{shipped.model}?threshold=0"
    whole_page, kept_whole = outcome(page_floor=1.0)  # any deletion leaves less than all the words
    assert kept_whole.status == S.KEPT_WHOLE and whole_page.model == f"{shipped.model}?page_floor=1"
    both, _ = outcome(threshold=0.5, page_floor=0.0)
    assert both.model == f"{shipped.model}?threshold=0.5&page_floor=0"
    assert (both.line_model.threshold, both.line_model.page_floor) == (0.5, 0.0)
    assert (own.threshold, own.page_floor) == (shipped.line_model.threshold, shipped.line_model.page_floor)
    kept = [outcome(threshold=t, page_floor=0.0)[1].chars_out for t in (0.1, own.threshold, 0.9)]
    assert kept == sorted(kept, reverse=True) and kept[0] > kept[-1]  # a higher threshold removes more


def test_programs_only_delete_with_and_without_site_shares():
    backend = create_backend(SETTINGS)
    lines = count_lines(PAGE)
    kinds = len(KEY_KINDS)
    common = DocumentContext(site_shares=tuple(1.0 if k // kinds in (0, lines - 1) else 0.1
                                               for k in range(kinds * lines)))
    blank = DocumentContext(site_shares=tuple(None if k // kinds == 3 else 0.5 for k in range(kinds * lines)))
    docs = [Document("plain", PAGE), Document("shares", PAGE, context=common), Document("blank", PAGE, context=blank),
            Document("prose", f"{PROSE}\n"), Document("null", None)]
    outcomes = refine_documents(docs, backend, DocumentLimits.of(SETTINGS))
    assert [o.status for o in outcomes][-1] == S.SKIPPED_NULL
    for doc, outcome in zip(docs[:-1], outcomes[:-1], strict=True):
        assert outcome.status in (S.REFINED, S.UNCHANGED, S.KEPT_WHOLE, S.EMPTIED), (doc.doc_id, outcome.error)
        refined = delete_spans(doc.text, outcome.spans)
        assert is_subsequence(refined, doc.text) and len(refined) == outcome.chars_out


def test_a_page_the_model_would_keep_almost_nothing_of_is_kept_whole_and_audited_so():
    backend = create_backend(SETTINGS)
    furniture = f"{NAV}\n{FOOTER}\n"
    docs = [Document("furniture", furniture), Document("article", ARTICLE)]
    whole, page = refine_documents(docs, backend, DocumentLimits.of(SETTINGS))
    assert (whole.status, whole.program, whole.spans) == (S.KEPT_WHOLE, "keep_all()", [])
    assert whole.chars_out == whole.chars_in == len(furniture) and whole.calls_accepted == 1
    assert page.status == S.REFINED


def test_site_shares_that_do_not_match_the_lines_are_a_document_error():
    backend = create_backend(SETTINGS)
    docs = [Document("short", PAGE, context=DocumentContext(site_shares=(0.5,))), Document("fine", PAGE)]
    bad, good = refine_documents(docs, backend, DocumentLimits.of(SETTINGS))
    assert bad.status == S.ERROR and f"1 site shares for {count_lines(PAGE)} lines" in bad.error
    assert "3 per line" in bad.error
    assert bad.chars_out == bad.chars_in and good.status != S.ERROR


def test_a_model_path_that_is_not_a_file_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="refine.classifier.model_path"):
        resolve_model_path(str(tmp_path))
    assert resolve_model_path(None) == shipped_model()


# What web text throws at a line classifier: every line separator Python or a browser knows (the executor splits
# on "\n" alone), control and format characters, unspaced scripts, emoji and markup, between real lines.
SEPARATORS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x0b", "\x0c", "\x85", "\n\n", " \n"]
ODD_PIECES = ["\x00", "\t", "\ufeff", "\u200b", "\u202e", "e\u0301", "\U0001f600", "中文字符", "аб", "İ", "<a href=x>",
              "[1]", "|", "  ", "2024"]
REAL_LINES = [NAV, FOOTER, PROSE, PARAGRAPH]
LINES = (st.sampled_from(REAL_LINES)
         | st.lists(st.sampled_from(ODD_PIECES + REAL_LINES) | st.text(max_size=8), max_size=6).map(" ".join)
         | st.integers(1, 3000).map(lambda n: "x" * n))


@pytest.fixture(scope="module")
def shipped_backend():
    return create_backend(SETTINGS)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.tuples(LINES, st.sampled_from(SEPARATORS)), max_size=30))
def test_any_text_is_refined_without_error_into_the_input_minus_the_audited_spans(shipped_backend, lines):
    text = "".join(line + separator for line, separator in lines)
    [outcome] = refine_documents([Document("odd", text)], shipped_backend, DocumentLimits.of(SETTINGS))
    if not text:
        assert outcome.status == S.SKIPPED_NULL
        return
    assert outcome.status in (S.REFINED, S.UNCHANGED, S.KEPT_WHOLE, S.EMPTIED), outcome.error
    refined = delete_spans(text, outcome.spans)
    assert (outcome.chars_in, outcome.chars_out) == (len(text), len(refined))
    assert is_subsequence(refined, text)
    assert outcome.lines_in == count_lines(text) and outcome.calls_rejected == 0
