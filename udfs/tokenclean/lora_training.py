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

import json
import math
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from peft import LoraConfig, get_peft_model
from transformers import get_linear_schedule_with_warmup

from lakerefine.conf.settings import LoraTrainingSettings
from lakerefine.udfs.models.assets import load_causal_lm, load_tokenizer
from lakerefine.udfs.tokens.formatting import IGNORE_INDEX, padding_token_id

REPORT_FILE = "training.json"


@dataclass(frozen=True)
class Example:
    input_ids: Sequence[int]
    labels: Sequence[int]       # -100 where the token is not in the loss


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
               settings: LoraTrainingSettings) -> TrainingReport:
    """Train ``model_path`` + LoRA on ``examples``, merge the adapters and save to ``dest`` (atomically)."""
    examples = [e for e in examples if any(label != IGNORE_INDEX for label in e.labels)]
    if not examples:
        raise ValueError("no example has a token in the loss: nothing to train on")
    start = time.perf_counter()
    device = training_device(settings.device)
    autocast_dtype = torch.bfloat16 if device.startswith("cuda") and settings.dtype != "float32" else None
    tokenizer = load_tokenizer(model_path)
    torch.manual_seed(settings.seed)  # LoRA init and dropout
    model = load_causal_lm(model_path, device, torch.float32)
    model.config.use_cache = False
    model = get_peft_model(model, LoraConfig(
        r=settings.lora_r, lora_alpha=settings.lora_alpha, lora_dropout=settings.lora_dropout,
        target_modules=list(settings.target_modules), task_type="CAUSAL_LM"))
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
    save_model_dir(Path(dest), merged.eval(), tokenizer, report)
    return report


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


def training_device(preference: str) -> str:
    if preference == "cpu" or (preference == "auto" and not torch.cuda.is_available()):
        return "cpu"
    if not torch.cuda.is_available():
        raise RuntimeError("training.device is cuda but torch sees no GPU")
    return "cuda:0"


def save_model_dir(dest: Path, model, tokenizer, report: TrainingReport) -> None:
    """Model, tokenizer and ``training.json`` into ``dest``, written in a temporary sibling and renamed.

    A directory at ``dest`` therefore always holds a whole model: its presence
    marks the training as finished.
    """
    if dest.exists():
        raise FileExistsError(f"{dest} exists already; give another output directory")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        (tmp / REPORT_FILE).write_text(json.dumps(asdict(report), indent=2))
        tmp.chmod(0o755)
        os.rename(tmp, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def read_report(model_dir: Path) -> dict | None:
    path = Path(model_dir) / REPORT_FILE
    return json.loads(path.read_text()) if path.is_file() else None


def _total_steps(n_examples: int, settings: LoraTrainingSettings) -> int:
    steps = settings.epochs * math.ceil(n_examples / settings.batch_size)
    return min(steps, settings.max_steps) if settings.max_steps else steps


def _batches(examples: Sequence[Example], settings: LoraTrainingSettings, steps: int):
    """Shuffled batches, epoch after epoch, ``steps`` of them."""
    done = 0
    for epoch in range(settings.epochs):
        order = torch.randperm(len(examples), generator=torch.Generator().manual_seed(settings.seed + epoch))
        for start in range(0, len(examples), settings.batch_size):
            if done == steps:
                return
            yield [examples[i] for i in order[start:start + settings.batch_size].tolist()]
            done += 1
