"""Fine-tune a causal LM with LoRA (peft) on tokenized samples, merge, save (no Spark).

Token Cleaning's reference model is the base model fine-tuned this way on a small
high-quality set; the self-evolving rounds continue training the same way on
each round's kept tokens. The loss is the model's own: mean cross-entropy over
the batch's labels other than -100. Examples are shuffled every epoch (seeded),
batched and right-padded to the batch's longest; AdamW with a linear schedule
and warm-up. On a GPU the weights and adapters stay float32 and the forward
runs under bfloat16 autocast when ``dtype`` says so.
"""
from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from peft import LoraConfig, get_peft_model
from transformers import get_linear_schedule_with_warmup

from lakerefine.conf.settings import TrainReferenceSettings
from lakerefine.schemas.vocab import IGNORE_INDEX
from lakerefine.udfs.generate.assets import load_causal_lm, load_tokenizer
from lakerefine.udfs.generate.device import training_device
from lakerefine.udfs.tokenclean.formatting import padding_token_id
from lakerefine.udfs.train.examples import Example, padded
from lakerefine.udfs.train.save import read_info, save_model_dir

REPORT_FILE = "training.json"


@dataclass
class TrainingReport:
    start_model: str
    examples: int
    loss_tokens: int            # labels in the loss over one epoch
    steps: int
    warmup_steps: int
    first_loss: float
    last_loss: float
    mean_loss: float
    seconds: float
    device: str
    dtype: str


def train_lora(model_path: str | Path, examples: Sequence[Example], dest: str | Path,
               settings: TrainReferenceSettings) -> TrainingReport:
    """Train ``model_path`` + LoRA on ``examples``, merge the adapters and save to ``dest`` (atomically)."""
    examples = [e for e in examples if any(label != IGNORE_INDEX for label in e.labels)]
    if not examples:
        raise ValueError("no example has a token in the loss: nothing to train on")
    start = time.perf_counter()
    device = training_device(settings.device, "train_reference.device")
    autocast_dtype = torch.bfloat16 if device.startswith("cuda") and settings.dtype != "float32" else None
    tokenizer = load_tokenizer(model_path)
    torch.manual_seed(settings.seed)  # LoRA init and dropout
    model = load_causal_lm(model_path, device, torch.float32)
    model.config.use_cache = False
    model = get_peft_model(model, LoraConfig(
        r=settings.lora.r, lora_alpha=settings.lora.alpha, lora_dropout=settings.lora.dropout,
        target_modules=list(settings.lora.target_modules), task_type="CAUSAL_LM"))
    model.train()

    steps = _total_steps(len(examples), settings)
    warmup = math.ceil(steps * settings.warmup_ratio)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=settings.learning_rate)
    schedule = get_linear_schedule_with_warmup(optimizer, warmup, steps)
    pad_id = padding_token_id(tokenizer)
    losses: list[float] = []
    for batch in _batches(examples, settings, steps):
        input_ids, attention_mask, labels = (t.to(device) for t in padded(batch, pad_id))
        with torch.autocast("cuda", dtype=autocast_dtype, enabled=autocast_dtype is not None):
            loss = model(input_ids=input_ids, attention_mask=attention_mask, labels=labels).loss
        loss.backward()
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(float(loss.detach()))

    merged = model.merge_and_unload()
    report = TrainingReport(
        start_model=str(model_path), examples=len(examples),
        loss_tokens=sum(sum(label != IGNORE_INDEX for label in e.labels[1:]) for e in examples),
        steps=len(losses), warmup_steps=warmup, first_loss=losses[0], last_loss=losses[-1],
        mean_loss=sum(losses) / len(losses), seconds=round(time.perf_counter() - start, 3), device=device,
        dtype="bfloat16-autocast" if autocast_dtype is not None else "float32")
    save_model_dir(Path(dest), merged.eval(), tokenizer, REPORT_FILE, asdict(report))
    return report


def read_report(model_dir: Path) -> dict | None:
    return read_info(model_dir, REPORT_FILE)


def _total_steps(n_examples: int, settings: TrainReferenceSettings) -> int:
    steps = settings.epochs * math.ceil(n_examples / settings.batch_size)
    return min(steps, settings.max_steps) if settings.max_steps else steps


def _batches(examples: Sequence[Example], settings: TrainReferenceSettings, steps: int):
    """Shuffled batches, epoch after epoch, ``steps`` of them."""
    done = 0
    for epoch in range(settings.epochs):
        order = torch.randperm(len(examples), generator=torch.Generator().manual_seed(settings.seed + epoch))
        for start in range(0, len(examples), settings.batch_size):
            if done == steps:
                return
            yield [examples[i] for i in order[start:start + settings.batch_size].tolist()]
            done += 1
