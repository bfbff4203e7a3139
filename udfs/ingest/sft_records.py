"""Validate one raw SFT record into a sample or a quarantine reason (pure Python).

A record holds ``messages`` (a list of ``{"role", "content"}``) or ``prompt`` and
``response`` (``completion`` also accepted), which become one user turn and one
assistant turn. Roles are system, user and assistant; contents are strings;
at least one assistant turn must say something. Other keys of a message are
dropped; other fields of the record are carried through as extras.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from lakerefine.schemas import quarantine as Q
from lakerefine.schemas import sft as S
from lakerefine.udfs.ingest.records import CONTENT_HASH, check_id, extras_of, id_field

SFT_ID_FIELDS = (S.SAMPLE_ID, "id")             # where an id is looked for when ingest_sft.id_column is null
SFT_COLUMNS = (S.SAMPLE_ID, S.MESSAGES, "ingest_run_id")
Message = dict[str, str]


@dataclass(frozen=True)
class CheckedSample:
    sample_id: str | None
    messages_json: str | None   # the conversation as canonical JSON: [{"role", "content"}, ...]
    extras_json: str | None     # the record's other fields, as a JSON object
    reason: str | None          # None: accepted
    detail: str | None = None
    id_source: str | None = None   # the field the id came from, or CONTENT_HASH

    @property
    def record_id(self) -> str | None:
        return self.sample_id

    @property
    def value(self) -> str | None:
        return self.messages_json


class BadConversation(ValueError):
    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason


def check_sft_line(line: str, id_column: str | None, missing_id: str) -> CheckedSample:
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as err:
        return CheckedSample(None, None, None, Q.MALFORMED_JSON, str(err)[:200])
    if not isinstance(record, dict):
        return CheckedSample(None, None, None, Q.NOT_AN_OBJECT, f"line is a JSON {type(record).__name__}")
    return check_sft_record(record, id_column, missing_id)


def check_sft_record(record: dict[str, Any], id_column: str | None, missing_id: str) -> CheckedSample:
    try:
        messages = conversation(record)
    except BadConversation as bad:
        return CheckedSample(None, None, None, bad.reason, str(bad))
    messages_json = json.dumps(messages, ensure_ascii=False, sort_keys=True)
    source = id_field(record, id_column, SFT_ID_FIELDS)
    sample_id, reason, detail = check_id(record.get(source) if source else None, messages_json, missing_id)
    if reason:
        return CheckedSample(None, messages_json, None, reason, detail)
    extras = extras_of(record, {*conversation_keys(record), source} - {None}, SFT_COLUMNS)
    return CheckedSample(sample_id, messages_json, json.dumps(extras, ensure_ascii=False) if extras else None, None,
                         id_source=source if record.get(source) is not None else CONTENT_HASH)


def conversation_keys(record: dict[str, Any]) -> tuple[str, ...]:
    """The fields the conversation is read from (the others are extras)."""
    if record.get("messages") is not None:
        return ("messages",)
    return ("prompt", "response" if "response" in record else "completion")


def conversation(record: dict[str, Any]) -> list[Message]:
    """The record's turns as ``[{"role", "content"}]``; raises ``BadConversation``."""
    if "messages" in record and record["messages"] is not None:
        messages = [checked_message(m, i) for i, m in enumerate(_as_list(record["messages"]))]
    else:
        response = record.get("response", record.get("completion"))
        if record.get("prompt") is None or response is None:
            raise BadConversation(S.MISSING_MESSAGES, "no 'messages', nor 'prompt' and 'response'")
        messages = [checked_message({"role": "user", "content": record["prompt"]}, 0),
                    checked_message({"role": "assistant", "content": response}, 1)]
    if not any(m["role"] == "assistant" and m["content"].strip() for m in messages):
        raise BadConversation(S.NO_RESPONSE, "no assistant turn with text")
    return messages


def checked_message(message: Any, index: int) -> Message:
    if not isinstance(message, dict):
        raise BadConversation(S.BAD_MESSAGES, f"message {index} is a {type(message).__name__}, not an object")
    role, content = message.get("role"), message.get("content")
    if role not in S.ROLES:
        raise BadConversation(S.BAD_MESSAGES, f"message {index} has role {role!r}, not one of {S.ROLES}")
    if not isinstance(content, str):
        raise BadConversation(S.BAD_MESSAGES, f"message {index} content is {type(content).__name__}, not text")
    return {"role": role, "content": content}


def _as_list(value: Any) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise BadConversation(S.BAD_MESSAGES, "'messages' is not a non-empty list")
    return value
