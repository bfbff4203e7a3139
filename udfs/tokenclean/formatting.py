"""Turn an SFT sample into ``input_ids`` and ``labels`` (-100 where no loss is taken).

A sample is ``{"messages": [{"role", "content"}, ...]}`` or
``{"prompt", "response"}`` (``completion`` also accepted). Every assistant turn
is a response: its content and its end-of-turn token keep their ids as labels;
system and user turns and the assistant header are -100.

Four formats:
- ``chat_template``: the tokenizer's own chat template. Assistant spans are
  found by rendering prefixes of the conversation: the text before turn i with
  the generation prompt ends where the response starts, the text through turn i
  ends where it stops (trailing whitespace after the end-of-turn token, which
  the model never generates, is not a response).
- ``tulu``: Token Cleaning's reference format
  ``<|user|>\\n{prompt}\\n<|assistant|>\\n{response}{eos}`` (contents stripped,
  turns joined by ``\\n``), with a BOS when the tokenizer adds one.
- ``tulu_reference``: ``tulu`` labelled as the method authors' code labels it:
  the ``\\n`` after a non-final assistant turn's eos is a response token too
  (their masks start at the next turn's header).
- ``prompt_completion``: the authors' encoding of ``prompt`` + ``completion``
  records: ``prompt + " " + completion + eos`` (no space added when either side
  already has one), no chat headers; the completion and eos are the response.
  Only for a conversation of one user turn followed by one assistant turn.

The text is tokenized once as a whole; a token is a response token when its
first character lies inside a response span. The tokenizer is never changed.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

from lakerefine.schemas.vocab import IGNORE_INDEX

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase
ChatFormat = Literal["chat_template", "tulu", "tulu_reference", "prompt_completion"]
ROLES = ("system", "user", "assistant")
TULU_HEADERS = {"system": "<|system|>\n", "user": "<|user|>\n", "assistant": "<|assistant|>\n"}
WHITESPACE = (" ", "\n", "\t")   # what the authors check before adding a space

Message = dict[str, str]
Span = tuple[int, int]


@dataclass(frozen=True)
class TokenizedSample:
    input_ids: list[int]
    labels: list[int]
    truncated: bool


def format_sample(sample: Mapping[str, Any], tokenizer: PreTrainedTokenizerBase,
                  chat_format: ChatFormat = "chat_template", max_length: int = 2048) -> TokenizedSample:
    """Tokenize one SFT sample; cut it to ``max_length`` tokens (``truncated`` says so)."""
    messages = sample_messages(sample)
    text, spans = render(messages, tokenizer, chat_format)
    # The chat template writes its own special tokens; the others take the tokenizer's BOS, if it adds one.
    input_ids, labels = tokenize_with_labels(text, spans, tokenizer, add_special_tokens=chat_format != "chat_template")
    truncated = len(input_ids) > max_length
    return TokenizedSample(input_ids[:max_length], labels[:max_length], truncated)


def sample_messages(sample: Mapping[str, Any]) -> list[Message]:
    """The conversation of a sample, from ``messages`` or from ``prompt`` + ``response``."""
    raw = sample.get("messages")
    if raw is None:
        response = sample.get("response", sample.get("completion"))
        if sample.get("prompt") is None or response is None:
            raise ValueError("a sample needs 'messages', or 'prompt' and 'response'")
        raw = [{"role": "user", "content": sample["prompt"]},
               {"role": "assistant", "content": response}]
    messages = [{"role": message["role"], "content": message["content"]} for message in raw]
    if not messages:
        raise ValueError("a sample has no messages")
    for message in messages:
        if message["role"] not in ROLES:
            raise ValueError(f"unknown role {message['role']!r}: expected one of {ROLES}")
        if not isinstance(message["content"], str):
            raise ValueError(f"a {message['role']} message has no text content")
    return messages


def render_chat_template(messages: Sequence[Message], tokenizer: PreTrainedTokenizerBase) -> tuple[str, list[Span]]:
    """The conversation rendered by the tokenizer's chat template, and its response spans."""
    def render(turns: Sequence[Message], generation_prompt: bool) -> str:
        return tokenizer.apply_chat_template(list(turns), tokenize=False, add_generation_prompt=generation_prompt)

    text = render(messages, False)
    spans = []
    for i, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        before = render(messages[:i], True)
        through = render(messages[: i + 1], False)
        if not (text.startswith(before) and text.startswith(through) and len(before) <= len(through)):
            raise ValueError(
                "this chat template does not render conversations prefix by prefix, so assistant "
                "turns cannot be located; use chat_format='tulu'")
        response = text[len(before):len(through)].rstrip()
        spans.append((len(before), len(before) + len(response)))
    return text, spans


def render(messages: Sequence[Message], tokenizer: PreTrainedTokenizerBase,
           chat_format: ChatFormat) -> tuple[str, list[Span]]:
    """The conversation's text in ``chat_format``, and its response spans."""
    if chat_format == "chat_template":
        return render_chat_template(messages, tokenizer)
    if chat_format in ("tulu", "tulu_reference"):
        return render_tulu(messages, tokenizer.eos_token, newline_is_response=chat_format == "tulu_reference")
    if chat_format == "prompt_completion":
        return render_prompt_completion(messages, tokenizer.eos_token)
    raise ValueError(f"unknown chat_format {chat_format!r}: expected one of {get_args(ChatFormat)}")


def render_tulu(messages: Sequence[Message], eos_token: str, *,
                newline_is_response: bool = False) -> tuple[str, list[Span]]:
    """The conversation in Tulu format, and its response spans (content + eos).

    ``newline_is_response``: the ``\\n`` that follows a non-final assistant
    turn's eos belongs to its span (the authors' labels).
    """
    text, spans = "", []
    for i, message in enumerate(messages):
        text += TULU_HEADERS[message["role"]]
        content = message["content"].strip()
        if message["role"] == "assistant":
            newline = int(newline_is_response and i < len(messages) - 1)
            spans.append((len(text), len(text) + len(content) + len(eos_token) + newline))
            content += eos_token
        text += content + "\n"
    return text.rstrip("\n"), spans


def render_prompt_completion(messages: Sequence[Message], eos_token: str) -> tuple[str, list[Span]]:
    """``prompt + " " + completion + eos`` (the space only where neither side has one), and the
    completion's span: from the end of the prompt, so the separating space starts the response."""
    if [m["role"] for m in messages] != ["user", "assistant"]:
        raise ValueError("chat_format 'prompt_completion' needs one user turn (the prompt) followed by one "
                         "assistant turn (the completion)")
    prompt, completion = messages[0]["content"], messages[1]["content"]
    spaced = prompt.endswith(WHITESPACE) or completion.startswith(WHITESPACE)
    text = prompt + ("" if spaced else " ") + completion + eos_token
    return text, [(len(prompt), len(text))]


def tokenize_with_labels(text: str, spans: Sequence[Span], tokenizer: PreTrainedTokenizerBase,
                         add_special_tokens: bool) -> tuple[list[int], list[int]]:
    """Token ids of ``text``, labelled with their own id inside ``spans`` and -100 elsewhere.

    Tokens the tokenizer adds itself (a BOS) belong to no span.
    """
    if not tokenizer.is_fast:
        raise ValueError("formatting needs a fast tokenizer (character offsets)")
    encoding = tokenizer(text, add_special_tokens=add_special_tokens, return_offsets_mapping=True)
    input_ids = list(encoding["input_ids"])
    added_by_tokenizer = [sequence is None for sequence in encoding.sequence_ids()]
    labels = [
        token if not added and any(start <= first < end for start, end in spans) else IGNORE_INDEX
        for token, (first, _), added in zip(input_ids, encoding["offset_mapping"], added_by_tokenizer, strict=True)
    ]
    return input_ids, labels


def padding_token_id(tokenizer: PreTrainedTokenizerBase) -> int:
    """The id to pad batches with: the pad token, else eos (padding positions are never scored)."""
    token_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    if token_id is None:
        raise ValueError("the tokenizer has neither a pad nor an eos token")
    return token_id
