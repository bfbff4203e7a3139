"""Validate one raw SFT record into a sample or a quarantine reason (pure Python).

A record holds ``messages`` (a list of ``{"role", "content"}``) or ``prompt`` and
``response`` (``completion`` also accepted), which become one user turn and one
assistant turn. Roles are system, user and assistant; contents are strings;
at least one assistant turn must say something. Other keys of a message are
dropped; other fields of the record are carried through as extras.
"""
from __future__ import annotations

import json
from typing import Any

from lakerefine.schemas.vocab import BAD_MESSAGES, CONTENT_HASH, MISSING_MESSAGES, NO_RESPONSE, ROLES
from lakerefine.udfs.ingest.records import Checked, check_id, extras_of, id_field

SFT_ID_FIELDS = ("sample_id", "id")             # where an id is looked for when ingest_sft.id_column is null
SFT_COLUMNS = ("sample_id", "messages", "ingest_run_id")   # names the sft table uses itself
Message = dict[str, str]


class BadConversation(ValueError):
    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason


def check_sft_record(record: dict[str, Any], id_column: str | None, missing_id: str) -> Checked:
    try:
        messages = conversation(record)
    except BadConversation as bad:
        return Checked(None, None, None, bad.reason, str(bad))
    messages_json = json.dumps(messages, ensure_ascii=False, sort_keys=True)
    source = id_field(record, id_column, SFT_ID_FIELDS)
    sample_id, reason, detail = check_id(record.get(source) if source else None, messages_json, missing_id)
    if reason:
        return Checked(None, messages_json, None, reason, detail)
    extras = extras_of(record, {*conversation_keys(record), source} - {None}, SFT_COLUMNS)
    return Checked(sample_id, messages_json, json.dumps(extras, ensure_ascii=False) if extras else None, None,
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
            raise BadConversation(MISSING_MESSAGES, "no 'messages', nor 'prompt' and 'response'")
        messages = [checked_message({"role": "user", "content": record["prompt"]}, 0),
                    checked_message({"role": "assistant", "content": response}, 1)]
    if not any(m["role"] == "assistant" and m["content"].strip() for m in messages):
        raise BadConversation(NO_RESPONSE, "no assistant turn with text")
    return messages


def checked_message(message: Any, index: int) -> Message:
    if not isinstance(message, dict):
        raise BadConversation(BAD_MESSAGES, f"message {index} is a {type(message).__name__}, not an object")
    role, content = message.get("role"), message.get("content")
    if role not in ROLES:
        raise BadConversation(BAD_MESSAGES, f"message {index} has role {role!r}, not one of {ROLES}")
    if not isinstance(content, str):
        raise BadConversation(BAD_MESSAGES, f"message {index} content is {type(content).__name__}, not text")
    return {"role": role, "content": content}


def _as_list(value: Any) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise BadConversation(BAD_MESSAGES, "'messages' is not a non-empty list")
    return value
