"""lakerefine expert: a stratified sample of the corpus -> expert_pairs (raw, the expert's deletion-only rewrite)."""
from __future__ import annotations

import argparse
import sys

NAME = "expert"
HELP = ("Send a stratified sample of a corpus table to an expert LM (hf, vllm or an OpenAI-compatible "
        "server) that refines each document by deleting only; parse and check every answer and write "
        "one expert_pairs row per sampled document (accepted, rejected, error or skipped, with a reason).")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", default="corpus", help="corpus table: a path or catalog name (default: corpus)")
    parser.add_argument("--input-version", type=int, default=None,
                        help="sample this Delta version of the input (default: the latest)")
    parser.add_argument("--output", default="expert_pairs", help="expert pairs table (default: expert_pairs)")


def check_arguments(settings, args: argparse.Namespace) -> None:
    """Fail before any Spark work: table names, the prompt, the model directory, the API key variable."""
    from pathlib import Path

    from lakerefine.conf.identifiers import check_table_name
    from lakerefine.udfs.expert.openai_expert import read_api_key
    from lakerefine.udfs.refine.prompts import load_prompt

    check_table_name(args.input)
    check_table_name(args.output)
    if args.input_version is not None and args.input_version < 0:
        raise ValueError("--input-version must be >= 0")
    expert = settings.expert
    load_prompt(expert.prompt)
    if expert.backend in ("hf", "vllm"):
        model_path = getattr(expert, expert.backend).model_path
        if "://" not in model_path and not Path(model_path).is_dir():
            raise ValueError(f"expert.{expert.backend}.model_path: {model_path} is not a directory")
    if expert.backend == "openai":
        read_api_key(expert.openai.api_key_env)   # raises naming the variable, never showing a value


def run(spark, settings, args, run) -> str:
    from lakerefine.udfs.expert.expert_corpus import ExpertTables, expert_corpus
    from lakerefine.udfs.lake.tables import TableRef

    tables = ExpertTables(input=TableRef.resolve(args.input, settings.tables),
                          output=TableRef.resolve(args.output, settings.tables))
    result = expert_corpus(spark, settings.expert, tables, args.input_version, run)
    counts = {"sampled": result.sampled, "slices": result.slices,
              **{f"status.{status}": n for status, n in result.by_status.items()},
              **{f"reason.{reason}": n for reason, n in result.by_reason.items()}}
    for key, n in counts.items():
        run.count(key, n)
    run.output_version = tables.output.commit_version_of(spark, run.run_id)
    statuses = ", ".join(f"{s} {n}" for s, n in sorted(result.by_status.items()))
    reasons = ", ".join(f"{r} {n}" for r, n in sorted(result.by_reason.items())) or "none"
    return (f"expert {run.run_id}: sampled {result.sampled} documents of {tables.input} "
            f"(version {result.input_version}) with the {settings.expert.backend} expert\n"
            f"  {statuses}\n  reasons: {reasons}\n"
            f"  expert_pairs: {tables.output} (run_id = '{run.run_id}', version {run.output_version})")


if __name__ == "__main__":
    from lakerefine.jobs.common import main_for
    sys.exit(main_for(sys.modules[__name__]))
