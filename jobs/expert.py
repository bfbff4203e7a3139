"""lakerefine expert: a stratified sample of the corpus -> expert_pairs (raw, the expert's deletion-only rewrite)."""
from __future__ import annotations

import argparse
import sys

NAME = "expert"
HELP = ("Send a stratified sample of a corpus table to an expert LM (hf, vllm or an OpenAI-compatible "
        "server) that refines each document by deleting only, or take each document's main content from "
        "a column (gold: a gold column; html: trafilatura on an HTML column) aligned on its raw lines; "
        "check every result and write one expert_pairs row per sampled document (accepted, rejected, "
        "error or skipped, with a reason).")
TABLES = {"input": ("corpus", "corpus table"), "output": ("expert_pairs", "expert pairs table")}
INPUT_VERSION = "sample this Delta version of the input"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options of its own: its tables, and the expert.* settings."""


def check_arguments(settings, args: argparse.Namespace) -> None:
    """Fail before any Spark work: the prompt, the model directory, the API key variable, the extractor."""
    from pathlib import Path

    from lakerefine.udfs.expert.backends import COLUMN_EXPERTS, create_expert_backend
    from lakerefine.udfs.generate.openai import read_api_key
    from lakerefine.udfs.generate.prompts import load_prompt

    expert = settings.expert
    if expert.backend in COLUMN_EXPERTS:
        create_expert_backend(expert)     # html: trafilatura is installed
        return
    load_prompt(expert.prompt)
    if expert.backend in ("hf", "vllm"):
        model_path = getattr(expert, expert.backend).model_path
        if "://" not in model_path and not Path(model_path).is_dir():
            raise ValueError(f"expert.{expert.backend}.model_path: {model_path} is not a directory")
    if expert.backend == "openai":  # raises naming the variable, never showing a value
        read_api_key(expert.openai.api_key_env, "expert.openai.api_key_env")


def run(spark, settings, args, run):
    from lakerefine.udfs.expert.run import ExpertTables, run_expert
    from lakerefine.udfs.lake.tables import TableRef

    tables = ExpertTables(input=TableRef.resolve(args.input, settings.tables),
                          output=TableRef.resolve(args.output, settings.tables))
    return run_expert(spark, settings.expert, tables, args.input_version, run)


if __name__ == "__main__":
    from lakerefine.jobs.common import main_for
    sys.exit(main_for(sys.modules[__name__]))
