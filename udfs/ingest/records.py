"""Validate one raw input record into a corpus row or a quarantine reason (pure Python)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from lakerefine.schemas import quarantine as Q


def content_id(text: str) -> str:
    """The stable id of a document that has none: a hash of its UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass(frozen=True)
class Checked:
    doc_id: str | None
    text: str | None
    extras_json: str | None     # the record's other fields, as a JSON object
    reason: str | None          # None: accepted
    detail: str | None = None

    @property
    def record_id(self) -> str | None:
        return self.doc_id

    @property
    def value(self) -> str | None:
        return self.text


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


def check_json_line(line: str, id_column: str | None, text_column: str, missing_id: str) -> Checked:
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as err:
        return Checked(None, None, None, Q.MALFORMED_JSON, str(err)[:200])
    if not isinstance(record, dict):
        return Checked(None, None, None, Q.NOT_AN_OBJECT, f"line is a JSON {type(record).__name__}")
    return check_record(record, id_column, text_column, missing_id)


def check_record(record: dict[str, Any], id_column: str | None, text_column: str,
                 missing_id: str) -> Checked:
    if text_column not in record:
        return Checked(None, None, None, Q.MISSING_TEXT, f"no '{text_column}' field")
    text = record[text_column]
    reason, detail = check_text(text)
    if reason:
        return Checked(None, None, None, reason, detail)
    raw_id = record.get(id_column) if id_column else None
    doc_id, reason, detail = check_id(raw_id, text, missing_id)
    if reason:
        return Checked(None, text, None, reason, detail)
    extras = {k: v for k, v in record.items() if k not in (text_column, id_column, "doc_id")}
    return Checked(doc_id, text, json.dumps(extras, ensure_ascii=False) if extras else None, None)
