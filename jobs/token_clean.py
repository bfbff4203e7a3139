"""lakerefine token-clean: sft -> token_masks (Token Cleaning: keep the top-k% tokens by loss_base - loss_ref)."""
from __future__ import annotations

import argparse
import json
import sys

NAME = "token-clean"
HELP = ("Score every response token of an sft table by loss_base - loss_ref and mask the low ones "
        "(labels -100): global top-k%, per-sample top-k%, or self-evolving rounds; writes token_masks.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", default="sft", help="sft table: a path or catalog name (default: sft)")
    parser.add_argument("--output", default="token_masks", help="token_masks table (default: token_masks)")
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


def check_arguments(settings, args: argparse.Namespace) -> None:
    """Command-line values go into the settings (so the runs row records them), then fail fast on models."""
    from lakerefine.conf.identifiers import check_table_name
    from lakerefine.conf.loader import set_key
    from lakerefine.udfs.tokenclean.model_checks import check_model_pair

    check_table_name(args.input)
    check_table_name(args.output)
    clean = settings.token_clean
    for value, key in ((args.base, "base_model"), (args.ref, "ref_model"), (args.keep, "keep"),
                       (args.mode, "mode"), (args.selection, "selection"), (args.rounds, "self_evolving.rounds")):
        if value is not None:
            set_key(settings, f"token_clean.{key}", value)
    if clean.mode == "self_evolving":
        check_model_pair(clean.base_model, None)
    else:
        if clean.ref_model is None:
            raise ValueError("token_clean.ref_model: give --ref (a reference model directory)")
        check_model_pair(clean.base_model, clean.ref_model)


def run(spark, settings, args, run) -> str:
    from lakerefine.udfs.lake.tables import TableRef
    from lakerefine.udfs.tokenclean.clean_table import CleanTables, ModelPaths, clean_table
    from lakerefine.udfs.tokenclean.report import record_outcome

    clean = settings.token_clean
    tables = CleanTables(TableRef.resolve(args.input, settings.tables), TableRef.resolve(args.output, settings.tables))
    if clean.mode == "self_evolving":
        from lakerefine.udfs.tokenclean.self_evolving import self_evolving

        result = self_evolving(spark, settings, tables, clean.base_model, run)
        selection = None
    else:
        result = clean_table(spark, clean, tables, ModelPaths(clean.base_model, clean.ref_model), run)
        selection = result.selection
    totals = record_outcome(spark, tables.output, run, selection, clean)
    already = " (already published: nothing redone)" if result.already_published else ""
    return (f"token-clean {run.run_id}{already}: mode {clean.mode}, keep {clean.keep}\n"
            + json.dumps({"counts": totals, "threshold": run.metrics.get("threshold")}, indent=2) + "\n"
            f"  input: {tables.input} (version {run.input_version})\n"
            f"  token_masks: {tables.output} (version {run.output_version})")


if __name__ == "__main__":
    from lakerefine.jobs.common import main_for
    sys.exit(main_for(sys.modules[__name__]))
