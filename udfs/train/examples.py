"""Training examples: token ids and labels (-100 outside the loss), padded into batches.

``Example`` is what the LoRA loop trains on (token_masks rows); ``TrainingExample`` a
refiner_sft row, with the loss on the program only:

The prompt is tokenized exactly as the refine job's ``hf`` backend tokenizes it
at inference (``add_special_tokens=False``: the chat template already holds
every special token), and the target is the program followed by the end-of-turn
token, which is what makes generation stop. Prompt positions get label -100.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from transformers import DataCollatorForSeq2Seq

from lakerefine.schemas.vocab import IGNORE_INDEX


@dataclass(frozen=True)
class TrainingExample:
    sample_id: str
    input_ids: np.ndarray       # int32: prompt tokens, then program tokens and the end token
    prompt_tokens: int

    @property
    def program_tokens(self) -> int:
        """Labelled tokens: the program and the end token."""
        return len(self.input_ids) - self.prompt_tokens

    def labels(self) -> np.ndarray:
        labels = self.input_ids.astype(np.int64)
        labels[:self.prompt_tokens] = IGNORE_INDEX
        return labels


def tokenize_example(tokenizer, sample_id: str, prompt: str, program: str) -> TrainingExample:
    if tokenizer.eos_token_id is None:
        raise ValueError("the tokenizer has no end token: the refiner could never stop")
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    program_ids = tokenizer(program, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    return TrainingExample(sample_id, np.asarray(prompt_ids + program_ids, dtype=np.int32), len(prompt_ids))


class ExampleDataset(torch.utils.data.Dataset):
    """What ``transformers.Trainer`` reads: dicts of input_ids and labels (padded by the collator)."""

    def __init__(self, examples: list[TrainingExample]):
        self.examples = examples

    def __len__(self) -> int:
        return len(self.examples)

    def __getitem__(self, index: int) -> dict[str, list[int]]:
        example = self.examples[index]
        return {"input_ids": example.input_ids.tolist(), "labels": example.labels().tolist()}


def padding_collator(tokenizer) -> DataCollatorForSeq2Seq:
    """Pads a batch on the right: input_ids with the pad token, labels with -100 (never trained on).
    Sets the tokenizer's padding side (and pad token, if it has none)."""
    tokenizer.padding_side = "right"
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return DataCollatorForSeq2Seq(tokenizer, padding=True, label_pad_token_id=IGNORE_INDEX)


@dataclass(frozen=True)
class Example:
    input_ids: Sequence[int]
    labels: Sequence[int]       # -100 where the token is not in the loss


def padded(batch: Sequence[Example], pad_id: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """input_ids, attention_mask and labels of a batch, right-padded to its longest example."""
    longest = max(len(e.input_ids) for e in batch)
    input_ids = torch.full((len(batch), longest), pad_id, dtype=torch.long)
    labels = torch.full((len(batch), longest), IGNORE_INDEX, dtype=torch.long)
    attention_mask = torch.zeros((len(batch), longest), dtype=torch.long)
    for row, example in enumerate(batch):
        n = len(example.input_ids)
        input_ids[row, :n] = torch.as_tensor(list(example.input_ids), dtype=torch.long)
        labels[row, :n] = torch.as_tensor(list(example.labels), dtype=torch.long)
        attention_mask[row, :n] = 1
    return input_ids, attention_mask, labels
