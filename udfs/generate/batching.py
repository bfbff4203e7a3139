"""How prompts reach a batch engine (vLLM): re-chunked by characters, shortest first, and a
failed call split in two and retried down to single prompts (pure Python, no engine).

An Arrow batch holds a fixed number of rows, whatever their length; an engine call should
hold a bounded amount of text instead, so the prompts are regrouped by characters. Sorting
by length keeps similar prompts together (less padding, fewer preemptions). Replies come
back in the input order. A prompt that fails even alone gets a failed ``Reply`` (kind
``backend_error``): the caller keeps its document as it was, with an ``error`` status,
and the task goes on.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from .base import BACKEND_ERROR, Reply

Generate = Callable[[list[str]], list[str]]


class PromptsFailed(RuntimeError):
    """Some prompts failed even alone; ``replies`` holds every prompt's reply, in input order."""

    def __init__(self, replies: list[Reply]):
        self.replies = replies
        failed = [i for i, reply in enumerate(replies) if reply.text is None]
        first = replies[failed[0]]
        super().__init__(f"{len(failed)} of {len(replies)} prompts failed alone; first: {first.error}")


def char_batches(texts: list[str], max_chars: int) -> list[list[int]]:
    """Indices of ``texts``, shortest first, in runs of at most ``max_chars`` characters
    (a single longer prompt is a batch of its own)."""
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    batches: list[list[int]] = []
    current: list[int] = []
    size = 0
    for i in sorted(range(len(texts)), key=lambda i: len(texts[i])):
        if current and size + len(texts[i]) > max_chars:
            batches.append(current)
            current, size = [], 0
        current.append(i)
        size += len(texts[i])
    if current:
        batches.append(current)
    return batches


def generate_replies(generate: Generate, texts: list[str], max_chars: int) -> list[Reply]:
    """One reply per text, in order: ``generate`` on each character batch; a batch that fails
    is halved and each half retried, down to single prompts."""
    replies: list[Reply | None] = [None] * len(texts)
    for batch in char_batches(texts, max_chars):
        for i, reply in zip(batch, _generate_split(generate, [texts[i] for i in batch]), strict=True):
            replies[i] = reply
    return replies  # type: ignore[return-value]


def generate_texts(generate: Generate, texts: list[str], max_chars: int) -> list[str]:
    """The texts of ``generate_replies``; raises ``PromptsFailed`` when any prompt failed alone."""
    replies = generate_replies(generate, texts, max_chars)
    if any(reply.text is None for reply in replies):
        raise PromptsFailed(replies)
    return [reply.text for reply in replies]  # type: ignore[misc]


def _generate_split(generate: Generate, texts: list[str]) -> list[Reply]:
    start = time.monotonic()
    try:
        outputs = generate(texts)
        if len(outputs) != len(texts):
            raise RuntimeError(f"the engine returned {len(outputs)} outputs for {len(texts)} prompts")
    except Exception as err:
        if len(texts) == 1:
            return [Reply.failed(BACKEND_ERROR, f"{type(err).__name__}: {err}", time.monotonic() - start)]
        half = len(texts) // 2
        return _generate_split(generate, texts[:half]) + _generate_split(generate, texts[half:])
    latency = time.monotonic() - start
    return [Reply(text, latency) for text in outputs]
