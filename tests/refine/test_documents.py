"""The per-document refine pipeline (pure Python): every status, accounting, chunking, retries."""
from __future__ import annotations

import sys

import pytest

from lakerefine.conf.settings import RefineSettings
from lakerefine.schemas import vocab as S
from lakerefine.udfs.program.executor import delete_spans
from lakerefine.udfs.program.lines import line_pieces
from lakerefine.udfs.refine.backends import Prompt, create_backend
from lakerefine.udfs.refine.backends.rules import shift_program
from lakerefine.udfs.refine.documents import Document, refine_documents, text_sha256

NAV = "Home | About | Contact | Blog"
FOOTER = "Copyright 2024 Example Inc. All rights reserved."
PROSE = "The river rises in the hills and flows west to the sea, past three old mills."


class CannedBackend:
    """Model output supplied by the test: the program each document's prompt gets."""

    name, model = "canned", None

    def __init__(self, programs: dict[str, str], fail_on: str | None = None, max_batch: int | None = None):
        self.programs, self.fail_on, self.max_batch = programs, fail_on, max_batch
        self.calls: list[int] = []

    def prompts(self, text: str, source: str | None, context=None) -> list[Prompt]:
        return [Prompt(text, source)]

    def generate(self, prompts: list[Prompt]) -> list[str]:
        self.calls.append(len(prompts))
        if self.max_batch is not None and len(prompts) > self.max_batch:
            raise MemoryError(f"batch of {len(prompts)} is too large")
        if self.fail_on and any(self.fail_on in p.text for p in prompts):
            raise RuntimeError("cannot generate for this document")
        return [self.programs.get(p.text, "keep_all()") for p in prompts]


def test_a_program_that_keeps_the_document_whole_by_decision_is_kept_whole_not_unchanged():
    from lakerefine.udfs.program.calls import KeptWhole

    backend = CannedBackend({f"{NAV}\n": KeptWhole(), f"{PROSE}\n": "keep_all()"})
    docs = [Document("whole", f"{NAV}\n"), Document("nothing", f"{PROSE}\n")]
    whole, nothing = refine_documents(docs, backend, RefineSettings())
    assert [whole.status, nothing.status] == [S.KEPT_WHOLE, S.UNCHANGED]
    assert whole.program == nothing.program == "keep_all()" and whole.spans == [] == nothing.spans
    assert whole.chars_out == whole.chars_in


def rules(**overrides) -> tuple[RefineSettings, object]:
    settings = RefineSettings(**overrides)
    return settings, create_backend(settings)


def test_rules_statuses_and_accounting():
    settings, backend = rules()
    docs = [Document("a", f"{NAV}\n{PROSE}\n"), Document("b", f"{PROSE}\n"), Document("c", f"{NAV}\n{FOOTER}\n")]
    refined, unchanged, emptied = refine_documents(docs, backend, settings)
    assert [o.status for o in (refined, unchanged, emptied)] == [S.REFINED, S.UNCHANGED, S.EMPTIED]
    for doc, outcome in zip(docs, (refined, unchanged, emptied), strict=True):
        assert outcome.doc_id == doc.doc_id
        out = delete_spans(doc.text, outcome.spans)
        assert outcome.chars_in == len(doc.text) and outcome.chars_out == len(out)
        assert outcome.raw_sha256 == text_sha256(doc.text) and outcome.prompts == 1
        assert outcome.program and outcome.error is None
    assert delete_spans(docs[0].text, refined.spans) == f"{PROSE}\n"
    assert unchanged.spans == [] and unchanged.program == "keep_all()"
    assert emptied.chars_out == 0 and emptied.lines_out == 0 and emptied.lines_in == 2


def test_null_and_empty_text_are_skipped_and_kept():
    settings, backend = rules()
    outcomes = refine_documents([Document("n", None), Document("e", "")], backend, settings)
    assert [o.status for o in outcomes] == [S.SKIPPED_NULL, S.SKIPPED_NULL]
    assert outcomes[0].raw_sha256 is None and outcomes[1].raw_sha256 == text_sha256("")
    assert all(o.chars_in == o.chars_out == 0 and o.program is None for o in outcomes)


def test_too_large_documents_are_skipped_or_chunked():
    text = "\n".join([NAV, PROSE] * 40) + "\n"
    settings, backend = rules(max_doc_chars=1000, oversize="skip")
    [skipped] = refine_documents([Document("big", text)], backend, settings)
    assert skipped.status == S.SKIPPED_TOO_LARGE and skipped.chars_out == len(text) and skipped.spans == []

    settings, backend = rules(max_doc_chars=1000, oversize="chunk", chunk_chars=1000)
    [chunked] = refine_documents([Document("big", text)], backend, settings)
    assert chunked.status == S.REFINED and chunked.prompts == len(line_pieces(text, max_chars=1000)) > 1
    assert delete_spans(text, chunked.spans) == "\n".join([PROSE] * 40) + "\n"  # every NAV, in every chunk


def test_shift_keeps_global_line_numbers():
    assert shift_program('remove_lines(1, 2)\nremove_str(3, "x")\nkeep_all()', 10) == \
        "remove_lines(11, 12)\nremove_str(13, 'x')\nkeep_all()"


def test_program_rejected_and_rejections_counted():
    text = f"{NAV}\n{PROSE}\n"
    bad = "remove_lines(7, 9)\nremove_str(2, 'nowhere')\nremove_str(2, 'e')\ndrop_doc()\nremove_lines(1, 1)"
    backend = CannedBackend({text: bad})
    settings = RefineSettings()
    [outcome] = refine_documents([Document("r", text)], backend, settings)
    assert outcome.status == S.PROGRAM_REJECTED  # 4 of 5 calls rejected: over half
    assert outcome.spans == [] and outcome.chars_out == outcome.chars_in
    assert outcome.calls_rejected == 4 and outcome.calls_accepted == 1
    assert outcome.rejected_by_reason == {"out_of_range": 1, "not_found": 1, "not_unique": 1, "unknown_function": 1}
    assert outcome.program == bad

    half_bad = CannedBackend({text: "remove_lines(1, 1)\nremove_lines(5, 5)"})
    [partial] = refine_documents([Document("p", text)], half_bad, RefineSettings())
    assert partial.status == S.REFINED and partial.calls_rejected == 1  # half rejected is not over half
    assert partial.rejected_by_reason == {"out_of_range": 1}
    [strict] = refine_documents([Document("p", text)], half_bad, RefineSettings(max_rejected_calls=0))
    assert strict.status == S.PROGRAM_REJECTED and strict.spans == []


def test_a_failing_batch_is_retried_per_document_then_errors():
    docs = [Document(str(i), f"{PROSE} {i}\n") for i in range(4)] + [Document("bad", "poison\n")]
    backend = CannedBackend({docs[0].text: "remove_str(1, ' 0')"}, fail_on="poison")
    outcomes = refine_documents(docs, backend, RefineSettings())
    assert backend.calls == [5, 1, 1, 1, 1, 1]  # the batch, then each document alone
    assert [o.status for o in outcomes] == [S.REFINED, S.UNCHANGED, S.UNCHANGED, S.UNCHANGED, S.ERROR]
    error = outcomes[-1]
    assert error.error == "RuntimeError: cannot generate for this document"
    assert error.chars_out == error.chars_in == len("poison\n") and error.spans == []


def test_a_batch_too_large_for_the_backend_succeeds_when_retried_alone():
    docs = [Document(str(i), f"{NAV}\n{PROSE}\n") for i in range(3)]
    backend = CannedBackend({docs[0].text: "remove_lines(1, 1)"}, max_batch=1)
    outcomes = refine_documents(docs, backend, RefineSettings())
    assert [o.status for o in outcomes] == [S.REFINED] * 3 and backend.calls == [3, 1, 1, 1]


@pytest.mark.parametrize("text", ["", "x", "a\nb", "a\nb\n", "\n\n", "é\u2028z\r\n"])
def test_sha256_is_of_utf8(text):
    import hashlib
    assert text_sha256(text) == hashlib.sha256(text.encode()).hexdigest()


def test_vllm_backend_without_vllm_fails_with_the_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "vllm", None)   # `import vllm` fails as where it is not installed
    with pytest.raises(ImportError, match=r"pip install 'lakerefine\[vllm\]'"):
        create_backend(RefineSettings(backend="vllm"))
