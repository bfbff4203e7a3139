"""Validate one raw input record into a corpus row or a quarantine reason (pure Python)."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lakerefine.schemas import vocab as Q
from lakerefine.schemas.vocab import CONTENT_HASH

CORPUS_ID_FIELDS = ("doc_id", "id")           # where an id is looked for when ingest.id_column is null
CORPUS_COLUMNS = ("doc_id", "text", "ingest_run_id")   # names the corpus table uses itself
RENAMED_PREFIX = "source_"


def id_field(record: dict[str, Any], id_column: str | None, candidates: tuple[str, ...]) -> str | None:
    """The field a record's id comes from: ``id_column`` when set, else the first of
    ``candidates`` the record has (even as null), else None (a content hash)."""
    if id_column:
        return id_column
    return next((name for name in candidates if name in record), None)


def extras_of(record: dict[str, Any], used: set[str], reserved: tuple[str, ...]) -> dict[str, Any]:
    """The record's other fields; one named like a column of the table (``doc_id`` when the id
    came from elsewhere, say) is kept as ``source_<name>`` instead of being dropped."""
    return {(RENAMED_PREFIX + k if k in reserved else k): v for k, v in record.items() if k not in used}


def content_id(text: str) -> str:
    """The stable id of a document that has none: a hash of its UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass(frozen=True)
class Checked:
    """A record checked: its id and value (a document's text, a conversation's JSON), or why not."""

    id: str | None
    value: str | None
    extras_json: str | None        # the record's other fields, as a JSON object
    reason: str | None             # None: accepted
    detail: str | None = None
    id_source: str | None = None   # the field the id came from, or CONTENT_HASH


def check_text(text: Any) -> tuple[str | None, str | None]:
    """(reason, detail) for a text value that cannot be a document, else (None, None)."""
    if text is None:
        return Q.NULL_TEXT, None
    if not isinstance(text, str):
        return Q.NON_STRING_TEXT, f"text is {type(text).__name__}"
    if not text.strip():
        return Q.EMPTY_TEXT, "text is empty or whitespace only"
    return None, None


def check_id(value: Any, text: str, missing_id: str) -> tuple[str | None, str | None, str | None]:
    """(doc_id, reason, detail): ids may be strings or integers; absent ids get a content hash."""
    if value is None:
        if missing_id == "hash":
            return content_id(text), None, None
        return None, Q.MISSING_ID, "record has no id"
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None, Q.BAD_ID, f"id is {type(value).__name__}"
    doc_id = str(value)
    if not doc_id.strip():
        return None, Q.BAD_ID, "id is empty"
    return doc_id, None, None


NOT_UTF8 = Checked(None, None, None, Q.INVALID_UTF8, "the line is not valid UTF-8")


def encodable(checked: Checked) -> Checked:
    """``checked``, or why its id, value or other fields cannot be stored: a lone surrogate
    (JSON may escape one, ``"\\ud800"``) has no UTF-8 encoding."""
    for name, value in (("id", checked.id), ("value", checked.value), ("fields", checked.extras_json)):
        try:
            if value is not None:
                value.encode("utf-8")
        except UnicodeEncodeError as err:
            return Checked(None, None, None, Q.INVALID_UNICODE, f"{name}: {err.reason} at {err.start}")
    return checked


def check_json_line(line: str, check: Callable[[dict[str, Any]], Checked]) -> Checked:
    """A line of JSONL through ``check`` (a record kernel), or why it is not a record."""
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as err:
        return Checked(None, None, None, Q.MALFORMED_JSON, str(err)[:200])
    if not isinstance(record, dict):
        return Checked(None, None, None, Q.NOT_AN_OBJECT, f"line is a JSON {type(record).__name__}")
    return check(record)


def check_record(record: dict[str, Any], id_column: str | None, text_column: str,
                 missing_id: str) -> Checked:
    if text_column not in record:
        return Checked(None, None, None, Q.MISSING_TEXT, f"no '{text_column}' field")
    text = record[text_column]
    reason, detail = check_text(text)
    if reason:
        return Checked(None, None, None, reason, detail)
    source = id_field(record, id_column, CORPUS_ID_FIELDS)
    doc_id, reason, detail = check_id(record.get(source) if source else None, text, missing_id)
    if reason:
        return Checked(None, text, None, reason, detail)
    extras = extras_of(record, {text_column, source} - {None}, CORPUS_COLUMNS)
    return Checked(doc_id, text, json.dumps(extras, ensure_ascii=False) if extras else None, None,
                   id_source=source if record.get(source) is not None else CONTENT_HASH)
