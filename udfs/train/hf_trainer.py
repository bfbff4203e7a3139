"""Fine-tuning the refiner: ``transformers.Trainer`` on tokenized examples, full or LoRA.

Layout of one run's directory::

    <run_dir>/checkpoints/checkpoint-<step>/   Trainer checkpoints (a rerun resumes from the last)
    <run_dir>/model/                           the final model: a plain HF directory (config,
                                               safetensors, tokenizer, chat template,
                                               generation config) that the refine job's hf and
                                               vllm backends load; LoRA adapters are merged in

``model/`` appears only when training finished (written aside, then renamed).
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from transformers import Trainer, TrainerCallback, TrainingArguments
from transformers.trainer_utils import get_last_checkpoint

from lakerefine.conf.settings import TrainRefinerSettings
from lakerefine.udfs.generate.assets import load_causal_lm, load_tokenizer
from lakerefine.udfs.generate.device import training_device
from lakerefine.udfs.train.examples import ExampleDataset, TrainingExample, padding_collator
from lakerefine.udfs.train.save import read_info, save_model_dir

log = logging.getLogger(__name__)

CHECKPOINTS = "checkpoints"
MODEL = "model"
TRAINING_INFO = "lakerefine_training.json"


@dataclass
class TrainResult:
    model_dir: str
    examples: int
    steps: int
    train_loss: float | None
    program_tokens: int                   # labelled tokens in one epoch
    resumed_from: str | None = None
    already_trained: bool = False
    losses: list[float] = field(default_factory=list)   # logged losses, in order


def model_dir_of(run_dir: Path) -> Path:
    return run_dir / MODEL


def train_refiner_model(examples: list[TrainingExample], config: TrainRefinerSettings, run_dir: Path,
                        provenance: dict[str, Any] | None = None) -> TrainResult:
    """Train on ``examples`` (resuming from the last checkpoint in ``run_dir``) and save ``run_dir/model``."""
    final = model_dir_of(run_dir)
    if final.is_dir():
        info = read_info(final, TRAINING_INFO)
        return TrainResult(str(final), info["examples"], info["steps"], info["train_loss"],
                           info["program_tokens"], already_trained=True)
    if not examples:
        raise ValueError("no training examples: nothing accepted in refiner_sft for this run")
    device = training_device(config.device, "train_refiner.device")
    tokenizer = load_tokenizer(config.base_model)
    collator = padding_collator(tokenizer)
    model = trainable_model(config, device)
    checkpoints = run_dir / CHECKPOINTS
    resume = get_last_checkpoint(str(checkpoints)) if checkpoints.is_dir() else None
    trainer = Trainer(model=model, args=training_arguments(config, checkpoints, device),
                      train_dataset=ExampleDataset(examples), data_collator=collator,
                      callbacks=[NoCheckpointAtTheEnd()])
    output = trainer.train(resume_from_checkpoint=resume)
    losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    result = TrainResult(str(final), len(examples), trainer.state.global_step, output.training_loss,
                         sum(e.program_tokens for e in examples), resume, losses=losses)
    save_final_model(trainer.model, tokenizer, config, final, {**(provenance or {}), **asdict(result)})
    return result


class NoCheckpointAtTheEnd(TrainerCallback):
    """The Trainer also checkpoints the last step (weights and optimizer state); the final
    model is saved once, as model/, instead. Checkpoints every save_steps are kept."""

    def on_step_end(self, args, state, control, **kwargs):
        if state.global_step >= state.max_steps and state.global_step % args.save_steps:
            control.should_save = False
        return control


def uses_bf16(config: TrainRefinerSettings, device: str) -> bool:
    if config.dtype == "bfloat16":
        return True
    return config.dtype == "auto" and device.startswith("cuda") and torch.cuda.is_bf16_supported()


def trainable_model(config: TrainRefinerSettings, device: str):
    model = load_causal_lm(config.base_model, "cpu", torch.float32)   # the Trainer moves it
    model.train()
    if config.gradient_checkpointing:
        model.gradient_checkpointing_enable()
        model.config.use_cache = False
    if config.method == "lora":
        from peft import LoraConfig, get_peft_model

        lora = config.lora
        model = get_peft_model(model, LoraConfig(r=lora.r, lora_alpha=lora.alpha, lora_dropout=lora.dropout,
                                                 target_modules=list(lora.target_modules), task_type="CAUSAL_LM"))
        if config.gradient_checkpointing:
            model.enable_input_require_grads()
    return model


def training_arguments(config: TrainRefinerSettings, checkpoints: Path, device: str) -> TrainingArguments:
    return TrainingArguments(
        output_dir=str(checkpoints),
        per_device_train_batch_size=config.batch_size,
        gradient_accumulation_steps=config.gradient_accumulation_steps,
        learning_rate=config.learning_rate,
        lr_scheduler_type=config.lr_scheduler,
        warmup_ratio=config.warmup_ratio,
        weight_decay=config.weight_decay,
        num_train_epochs=config.epochs,
        max_steps=config.max_steps or -1,
        save_strategy="steps",
        save_steps=config.save_steps,
        save_total_limit=config.save_total_limit,
        logging_steps=config.logging_steps,
        seed=config.seed,
        data_seed=config.seed,
        bf16=uses_bf16(config, device),
        use_cpu=device == "cpu",
        gradient_checkpointing=False,    # enabled on the model itself (see trainable_model)
        remove_unused_columns=False,
        dataloader_num_workers=0,
        report_to=[],
        disable_tqdm=True,
    )


def save_final_model(model, tokenizer, config: TrainRefinerSettings, final: Path, info: dict[str, Any]) -> None:
    """Merge LoRA adapters, save model + tokenizer + provenance aside, then rename into place."""
    if config.method == "lora":
        model = model.merge_and_unload()
    model = model.to("cpu")
    if uses_bf16(config, training_device(config.device, "train_refiner.device")):
        model = model.to(torch.bfloat16)
    model.config.use_cache = True
    tokenizer.padding_side = "left"     # what generation wants; the hf backend sets it anyway
    save_model_dir(final, model, tokenizer, TRAINING_INFO, info)
    log.info("refiner saved to %s", final)
