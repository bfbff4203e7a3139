"""lakerefine train-refiner: refiner_sft -> a fine-tuned refiner model (an HF directory the refine job loads)."""
from __future__ import annotations

import argparse
import sys

NAME = "train-refiner"
HELP = ("Fine-tune a causal LM (full or LoRA) on one distill run's accepted refiner_sft rows, the loss "
        "on the program tokens only; write checkpoints and the final model as an HF directory for "
        "refine.hf.model_path / refine.vllm.model_path. Training runs on the driver.")

INPUT_FILE = "lakerefine_input.json"   # what the first attempt trained on, so a resumed run trains on the same


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", default="refiner_sft", help="training pairs table (default: refiner_sft)")
    parser.add_argument("--sft-run-id", default=None,
                        help="train on this distill run's rows (default: the run written last)")
    parser.add_argument("--output-dir", default=None,
                        help="the run's directory (default: <train_refiner.output_root>/<run id>); "
                             "the model goes to <dir>/model")


def check_arguments(settings, args: argparse.Namespace) -> None:
    from pathlib import Path

    from lakerefine.conf.identifiers import check_table_name

    check_table_name(args.input)
    config = settings.train_refiner
    if not Path(config.base_model).is_dir():
        raise ValueError(f"train_refiner.base_model: {config.base_model} is not a directory")
    if config.device == "cuda":
        import torch
        if not torch.cuda.is_available():
            raise ValueError("train_refiner.device is cuda but torch sees no GPU")


def run(spark, settings, args, run) -> str:
    import json
    from pathlib import Path

    from lakerefine.udfs.lake.tables import TableRef
    from lakerefine.udfs.models.assets import load_tokenizer
    from lakerefine.udfs.train.sft_rows import load_examples
    from lakerefine.udfs.train.sft_trainer import train_refiner_model

    config = settings.train_refiner
    table = TableRef.resolve(args.input, settings.tables)
    run_dir = Path(args.output_dir or Path(config.output_root) / run.run_id).resolve()
    pinned = _pinned_input(run_dir)
    if pinned and args.sft_run_id and args.sft_run_id != pinned["sft_run_id"]:
        raise ValueError(f"{run_dir} already trains on distill run {pinned['sft_run_id']}; "
                         "resume it without --sft-run-id, or use a new --run-id")
    with run.timed("read"):
        loaded = load_examples(spark, table, pinned.get("sft_run_id", args.sft_run_id),
                               load_tokenizer(config.base_model), config.base_model, config.max_seq_tokens,
                               pinned.get("input_version"))
    run.input_table, run.input_version = str(table), loaded.input_version
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / INPUT_FILE).write_text(json.dumps({"sft_run_id": loaded.sft_run_id,
                                                  "input_version": loaded.input_version}))
    with run.timed("train"):
        result = train_refiner_model(loaded.examples, config, run_dir, provenance={
            "run_id": run.run_id, "sft_table": str(table), "sft_version": loaded.input_version,
            "sft_run_id": loaded.sft_run_id, "base_model": config.base_model, "method": config.method})
    run.output_table = result.model_dir
    for key, n in {"rows_accepted": loaded.rows_accepted, "examples": len(loaded.examples),
                   "skipped_too_long": loaded.skipped_too_long, "steps": result.steps,
                   "program_tokens": result.program_tokens}.items():
        run.count(key, n)
    run.metrics.update({"sft_run_id": loaded.sft_run_id, "train_loss": result.train_loss,
                        "losses": result.losses, "resumed_from": result.resumed_from,
                        "already_trained": result.already_trained, "method": config.method})
    loss = "n/a" if result.train_loss is None else f"{result.train_loss:.4f}"
    return (f"train-refiner {run.run_id}: {len(loaded.examples)} examples from distill run {loaded.sft_run_id} "
            f"({loaded.skipped_too_long} skipped as longer than {config.max_seq_tokens} tokens), "
            f"{result.steps} steps ({config.method}), mean loss {loss}"
            + (" (already trained: nothing done)" if result.already_trained else "") + "\n"
            f"  model: {result.model_dir}\n"
            f"  use it: --set refine.backend=hf --set refine.hf.model_path={result.model_dir}")


def _pinned_input(run_dir) -> dict:
    import json

    path = run_dir / INPUT_FILE
    return json.loads(path.read_text()) if path.is_file() else {}


if __name__ == "__main__":
    from lakerefine.jobs.common import main_for
    sys.exit(main_for(sys.modules[__name__]))
