"""lakerefine train-refiner: refiner_sft -> a fine-tuned refiner model (an HF directory the refine job loads)."""
from __future__ import annotations

import argparse
import sys

NAME = "train-refiner"
HELP = ("Fine-tune a causal LM (full or LoRA) on one distill run's accepted refiner_sft rows, the loss "
        "on the program tokens only; write checkpoints and the final model as an HF directory for "
        "refine.hf.model_path / refine.vllm.model_path. Training runs on the driver.")
TABLES = {"input": ("refiner_sft", "training pairs table")}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sft-run-id", default=None,
                        help="train on this distill run's rows (default: the run written last)")
    parser.add_argument("--output-dir", default=None,
                        help="the run's directory (default: <train_refiner.output_root>/<run id>); "
                             "the model goes to <dir>/model")


def check_arguments(settings, args: argparse.Namespace) -> None:
    from pathlib import Path

    from lakerefine.udfs.generate.device import training_device

    config = settings.train_refiner
    if not Path(config.base_model).is_dir():
        raise ValueError(f"train_refiner.base_model: {config.base_model} is not a directory")
    training_device(config.device, "train_refiner.device")   # a required GPU is there


def run(spark, settings, args, run):
    from pathlib import Path

    from lakerefine.udfs.lake.tables import TableRef
    from lakerefine.udfs.train.run import run_train_refiner

    run_dir = Path(args.output_dir or Path(settings.train_refiner.output_root) / run.run_id).resolve()
    return run_train_refiner(spark, settings, TableRef.resolve(args.input, settings.tables), args.sft_run_id,
                             run_dir, run)


if __name__ == "__main__":
    from lakerefine.jobs.common import main_for
    sys.exit(main_for(sys.modules[__name__]))
