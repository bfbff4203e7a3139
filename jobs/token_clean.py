"""lakerefine token-clean: sft -> token_masks (Token Cleaning: keep the top-k% tokens by loss_base - loss_ref)."""
from __future__ import annotations

import argparse
import sys

NAME = "token-clean"
HELP = ("Score every response token of an sft table by loss_base - loss_ref and mask the low ones "
        "(labels -100): global top-k%, per-sample top-k%, or self-evolving rounds; writes token_masks.")
FLAGS = {"base": "token_clean.base_model", "ref": "token_clean.ref_model", "keep": "token_clean.keep",
         "mode": "token_clean.mode", "selection": "token_clean.selection", "rounds": "token_clean.self_evolving.rounds"}
TABLES = {"input": ("sft", "sft table"), "output": ("token_masks", "token_masks table")}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", default=None, help="base model directory (token_clean.base_model)")
    parser.add_argument("--ref", default=None, help="reference model directory (token_clean.ref_model); "
                        "not used in self-evolving mode")
    parser.add_argument("--keep", type=float, default=None, help="fraction of scored tokens kept (token_clean.keep)")
    parser.add_argument("--mode", choices=["global", "per_sample", "self_evolving"], default=None,
                        help="token_clean.mode (default: global)")
    parser.add_argument("--selection", choices=["exact", "approx"], default=None,
                        help="global threshold: exact or percentile_approx (token_clean.selection)")
    parser.add_argument("--rounds", type=int, default=None,
                        help="self-evolving rounds = subsets (token_clean.self_evolving.rounds)")
    parser.add_argument("--dry-run", action="store_true",
                        help="score a sample of the input with both models, write no table, and print masked "
                             "responses, the masked fraction and the time the whole input would take")
    parser.add_argument("--sample", type=int, default=100, metavar="N",
                        help="samples in the --dry-run sample (default: 100)")


def check_arguments(settings, args: argparse.Namespace) -> None:
    """Fail fast: the model directories and their vocabularies."""
    from lakerefine.udfs.tokenclean.model_checks import check_model_pair

    clean = settings.token_clean
    if args.sample < 1:
        raise ValueError("--sample must be >= 1")
    if args.dry_run and clean.mode == "self_evolving":
        raise ValueError("--dry-run scores with a given reference model: use mode global or per_sample with --ref")
    if clean.mode == "self_evolving":
        check_model_pair(clean.base_model, None)
    else:
        if clean.ref_model is None:
            raise ValueError("token_clean.ref_model: give --ref (a reference model directory)")
        check_model_pair(clean.base_model, clean.ref_model)


def dry_run(spark, settings, args) -> str:
    from lakerefine.udfs.lake.tables import TableRef
    from lakerefine.udfs.tokenclean.dry_run import dry_run_token_clean

    table = TableRef.resolve(args.input, settings.tables)
    return dry_run_token_clean(spark, settings.token_clean, table, args.sample)


def run(spark, settings, args, run):
    from lakerefine.udfs.lake.tables import TableRef
    from lakerefine.udfs.tokenclean.run import CleanTables, run_token_clean

    tables = CleanTables(TableRef.resolve(args.input, settings.tables), TableRef.resolve(args.output, settings.tables))
    return run_token_clean(spark, settings, tables, run)


if __name__ == "__main__":
    from lakerefine.jobs.common import main_for
    sys.exit(main_for(sys.modules[__name__]))
