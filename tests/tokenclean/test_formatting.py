"""SFT samples -> input_ids and labels, with the real SmolLM2 tokenizer."""
from __future__ import annotations

import copy
import json

import pytest

from lakerefine.udfs.generate.assets import load_tokenizer
from lakerefine.udfs.tokenclean.formatting import (
    IGNORE_INDEX,
    format_sample,
    padding_token_id,
    sample_messages,
)
from tests.support.tokenclean import SAMPLE as SFT_SAMPLE

PROMPT = "What is the boiling point of water at sea level?"
RESPONSE = "Water boils at 100 degrees Celsius (212 degrees Fahrenheit) at sea level."
MULTI_TURN = [
    {"role": "system", "content": "You answer briefly."},
    {"role": "user", "content": "Name a prime number."},
    {"role": "assistant", "content": "Seven is a prime number."},
    {"role": "user", "content": "And an even one?"},
    {"role": "assistant", "content": "Two is the only even prime."},
]


@pytest.fixture(scope="module")
def tokenizer(smollm2):
    return load_tokenizer(smollm2)


def response_runs(sample) -> list[list[int]]:
    """The labelled tokens, grouped into runs of consecutive positions."""
    runs, previous = [], IGNORE_INDEX
    for label in sample.labels:
        if label != IGNORE_INDEX:
            if previous == IGNORE_INDEX:
                runs.append([])
            runs[-1].append(label)
        previous = label
    return runs


def single_turn(prompt: str = PROMPT, response: str = RESPONSE) -> dict:
    return {"messages": [{"role": "user", "content": prompt}, {"role": "assistant", "content": response}]}


def test_chat_template_labels_only_the_response_and_its_end_token(tokenizer):
    sample = format_sample(single_turn(), tokenizer, "chat_template", max_length=512)

    assert sample.input_ids == tokenizer.apply_chat_template(single_turn()["messages"], tokenize=True)
    assert [tokenizer.decode(run) for run in response_runs(sample)] == [RESPONSE + "<|im_end|>"]
    assert not sample.truncated
    for token, label in zip(sample.input_ids, sample.labels, strict=True):
        assert label in (token, IGNORE_INDEX)


def test_chat_template_masks_the_assistant_header(tokenizer):
    sample = format_sample(single_turn(), tokenizer, "chat_template", max_length=512)
    first_response = next(i for i, label in enumerate(sample.labels) if label != IGNORE_INDEX)

    prompt_text = tokenizer.decode(sample.input_ids[:first_response])
    assert prompt_text.endswith("<|im_start|>assistant\n")
    assert PROMPT in prompt_text


def test_chat_template_multi_turn_labels_every_assistant_turn(tokenizer):
    sample = format_sample({"messages": MULTI_TURN}, tokenizer, "chat_template", max_length=512)

    assert [tokenizer.decode(run) for run in response_runs(sample)] == [
        "Seven is a prime number.<|im_end|>", "Two is the only even prime.<|im_end|>"]


def test_tulu_format_text_and_labels(tokenizer):
    sample = format_sample(single_turn(), tokenizer, "tulu", max_length=512)

    assert tokenizer.decode(sample.input_ids) == f"<|user|>\n{PROMPT}\n<|assistant|>\n{RESPONSE}<|im_end|>"
    assert [tokenizer.decode(run) for run in response_runs(sample)] == [RESPONSE + "<|im_end|>"]
    first_response = next(i for i, label in enumerate(sample.labels) if label != IGNORE_INDEX)
    assert tokenizer.decode(sample.input_ids[:first_response]).endswith("<|assistant|>\n")


def test_tulu_multi_turn_with_system(tokenizer):
    sample = format_sample({"messages": MULTI_TURN}, tokenizer, "tulu", max_length=512)

    assert tokenizer.decode(sample.input_ids).startswith("<|system|>\nYou answer briefly.\n<|user|>\n")
    assert [tokenizer.decode(run) for run in response_runs(sample)] == [
        "Seven is a prime number.<|im_end|>", "Two is the only even prime.<|im_end|>"]


def test_tulu_takes_the_bos_the_tokenizer_adds_and_masks_it(tokenizer):
    with_bos = copy.deepcopy(tokenizer)
    with_bos.add_bos_token = True
    plain = format_sample(single_turn(), tokenizer, "tulu", max_length=512)
    sample = format_sample(single_turn(), with_bos, "tulu", max_length=512)

    assert sample.input_ids == [with_bos.bos_token_id] + plain.input_ids
    assert sample.labels == [IGNORE_INDEX] + plain.labels


def test_prompt_response_sample_equals_its_two_messages(tokenizer):
    for chat_format in ("chat_template", "tulu", "tulu_reference", "prompt_completion"):
        from_pair = format_sample({"prompt": PROMPT, "response": RESPONSE}, tokenizer, chat_format, 512)
        assert from_pair == format_sample(single_turn(), tokenizer, chat_format, 512)


@pytest.mark.parametrize("chat_format", ["chat_template", "tulu", "tulu_reference"])
def test_truncation_keeps_the_head_and_flags_it(tokenizer, chat_format):
    full = format_sample({"messages": MULTI_TURN}, tokenizer, chat_format, max_length=4096)
    exact = format_sample({"messages": MULTI_TURN}, tokenizer, chat_format, max_length=len(full.input_ids))
    cut = format_sample({"messages": MULTI_TURN}, tokenizer, chat_format, max_length=len(full.input_ids) - 5)

    assert not full.truncated and not exact.truncated
    assert exact == full
    assert cut.truncated
    assert cut.input_ids == full.input_ids[:-5]
    assert cut.labels == full.labels[:-5]


def test_the_tokenizer_is_never_changed(tokenizer):
    size, pad, eos = len(tokenizer), tokenizer.pad_token_id, tokenizer.eos_token_id
    for chat_format in ("chat_template", "tulu", "tulu_reference"):
        format_sample({"messages": MULTI_TURN}, tokenizer, chat_format, max_length=512)
    format_sample(single_turn(), tokenizer, "prompt_completion", max_length=512)
    assert (len(tokenizer), tokenizer.pad_token_id, tokenizer.eos_token_id) == (size, pad, eos)


def test_padding_id_falls_back_to_eos(tokenizer):
    no_pad = copy.deepcopy(tokenizer)
    no_pad.pad_token = None
    assert padding_token_id(tokenizer) == tokenizer.pad_token_id
    assert padding_token_id(no_pad) == tokenizer.eos_token_id
    assert len(no_pad) == len(tokenizer)


def test_a_template_that_is_not_prefix_stable_is_refused(tokenizer):
    counting = copy.deepcopy(tokenizer)
    counting.chat_template = ("{{ messages | length }}{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n"
                              "{% endfor %}{% if add_generation_prompt %}assistant: {% endif %}")
    with pytest.raises(ValueError, match="tulu"):
        format_sample(single_turn(), counting, "chat_template", max_length=512)


def test_bad_samples_are_refused(tokenizer):
    with pytest.raises(ValueError, match="role"):
        sample_messages({"messages": [{"role": "bot", "content": "hi"}]})
    with pytest.raises(ValueError, match="no messages"):
        sample_messages({"messages": []})
    with pytest.raises(ValueError, match="prompt"):
        sample_messages({"prompt": "only a prompt"})
    with pytest.raises(ValueError, match="chat_format"):
        format_sample(single_turn(), tokenizer, "alpaca", max_length=512)


# -- the authors' encodings --------------------------------------------------------------------------------------
# Their labelling, restated: tokenize the whole text once, then mask by token counts of
# separately tokenized prefixes (messages) or of the prompt alone (prompt + completion).

def authors_messages_encoding(messages, tokenizer) -> tuple[list[int], list[int]]:
    def concat(turns) -> str:
        return "".join(TULU_HEADER[m["role"]] + m["content"].strip()
                       + (tokenizer.eos_token if m["role"] == "assistant" else "") + "\n" for m in turns)

    def count(text: str) -> int:
        return len(tokenizer(text)["input_ids"])

    input_ids = tokenizer(concat(messages).strip())["input_ids"]
    labels = list(input_ids)
    for i, message in enumerate(messages):
        if message["role"] == "assistant":
            continue
        start = count(concat(messages[:i])) if i else 0
        next_is_assistant = i + 1 < len(messages) and messages[i + 1]["role"] == "assistant"
        end = count(concat(messages[: i + 1]) + ("<|assistant|>\n" if next_is_assistant else ""))
        labels[start:end] = [IGNORE_INDEX] * len(labels[start:end])
    return input_ids, labels


def authors_prompt_completion_encoding(prompt, completion, tokenizer) -> tuple[list[int], list[int]]:
    spaced = prompt.endswith((" ", "\n", "\t")) or completion.startswith((" ", "\n", "\t"))
    input_ids = tokenizer(prompt + ("" if spaced else " ") + completion + tokenizer.eos_token)["input_ids"]
    masked = len(tokenizer(prompt)["input_ids"])
    return input_ids, [IGNORE_INDEX] * masked + input_ids[masked:]


TULU_HEADER = {"system": "<|system|>\n", "user": "<|user|>\n", "assistant": "<|assistant|>\n"}


def sample_conversations() -> list[list[dict]]:
    return [json.loads(line)["messages"] for line in SFT_SAMPLE.read_text().splitlines() if line.strip()]


def test_tulu_reference_labels_the_newline_after_a_non_final_turn(tokenizer):
    tulu = format_sample({"messages": MULTI_TURN}, tokenizer, "tulu", max_length=512)
    reference = format_sample({"messages": MULTI_TURN}, tokenizer, "tulu_reference", max_length=512)

    assert reference.input_ids == tulu.input_ids
    assert [tokenizer.decode(run) for run in response_runs(reference)] == [
        "Seven is a prime number.<|im_end|>\n", "Two is the only even prime.<|im_end|>"]
    differ = [i for i, (a, b) in enumerate(zip(tulu.labels, reference.labels, strict=True)) if a != b]
    assert len(differ) == 1 and tokenizer.decode([reference.input_ids[differ[0]]]) == "\n"
    single = single_turn()
    assert (format_sample(single, tokenizer, "tulu_reference", 512) == format_sample(single, tokenizer, "tulu", 512))


def test_tulu_reference_equals_the_authors_encoding_on_the_sample(tokenizer):
    conversations = [*sample_conversations(), MULTI_TURN, single_turn()["messages"]]
    multi_turn = 0
    for messages in conversations:
        sample = format_sample({"messages": messages}, tokenizer, "tulu_reference", max_length=4096)
        assert (sample.input_ids, sample.labels) == authors_messages_encoding(messages, tokenizer)
        multi_turn += sum(m["role"] == "assistant" for m in messages) > 1
    assert multi_turn >= 5


def test_prompt_completion_text_and_labels(tokenizer):
    sample = format_sample({"prompt": PROMPT, "completion": RESPONSE}, tokenizer, "prompt_completion", 512)

    assert tokenizer.decode(sample.input_ids) == f"{PROMPT} {RESPONSE}<|im_end|>"
    assert [tokenizer.decode(run) for run in response_runs(sample)] == [f" {RESPONSE}<|im_end|>"]
    spaced = format_sample({"prompt": PROMPT + "\n", "completion": RESPONSE}, tokenizer, "prompt_completion", 512)
    assert tokenizer.decode(spaced.input_ids) == f"{PROMPT}\n{RESPONSE}<|im_end|>"


def test_prompt_completion_equals_the_authors_encoding_on_the_sample(tokenizer):
    pairs = [(m[0]["content"], m[1]["content"]) for m in sample_conversations() if len(m) == 2]
    pairs += [(PROMPT, RESPONSE), (PROMPT + " ", RESPONSE), (PROMPT, "\n" + RESPONSE), ("Q:", "A")]
    assert len(pairs) > 100
    for prompt, completion in pairs:
        sample = format_sample({"prompt": prompt, "completion": completion}, tokenizer, "prompt_completion", 4096)
        assert (sample.input_ids, sample.labels) == authors_prompt_completion_encoding(prompt, completion, tokenizer)


def test_prompt_completion_needs_one_prompt_and_one_completion(tokenizer):
    with pytest.raises(ValueError, match="one user turn"):
        format_sample({"messages": MULTI_TURN}, tokenizer, "prompt_completion", max_length=512)
