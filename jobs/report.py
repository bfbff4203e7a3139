"""lakerefine report: one self-contained HTML file (plots, most removed text, a document or token browser)
for a refine or token-clean run, built from its audit tables alone.

Read-only, so unlike a job it adds no row to ``runs``.

    lakerefine report                          # the newest succeeded refine or token-clean run
    lakerefine report --run-id ID --output report.html
"""
from __future__ import annotations

import argparse
import sys
import time

from lakerefine.jobs.common import add_output_arguments, configure_logging

HELP = ("Write a self-contained HTML report of a refine or token-clean run (plots, most removed lines, "
        "a diff browser over a sample), from its audit tables.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--run-id", default=None, help="the run (default: the newest succeeded one)")
    parser.add_argument("--output", default=None, help="the HTML file (default: report-<run id>.html)")
    parser.add_argument("--config", default="local", help="local | databricks | emr, or a YAML file")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a config key")
    add_output_arguments(parser)


def main(args: argparse.Namespace) -> int:
    from lakerefine.conf.identifiers import check_plain
    from lakerefine.conf.loader import ConfigError, load_settings

    configure_logging(args)
    try:
        settings = load_settings(args.config, args.set)
        if args.run_id is not None:
            check_plain("--run-id", args.run_id)
    except (ConfigError, ValueError) as err:
        print(f"lakerefine report: {err}", file=sys.stderr)
        return 2
    from lakerefine.udfs.lake.session import build_session
    from lakerefine.udfs.report.run import build_report, write_report

    spark = build_session(settings.spark, verbose=args.verbose)
    clock = time.perf_counter()
    try:
        run, html = build_report(spark, settings, args.run_id)
    except ValueError as err:
        print(f"lakerefine report: {err}", file=sys.stderr)
        return 2
    path = write_report(html, args.output or f"report-{run.run_id}.html")
    print(f"report {run.run_id} ({run.job}): {path} ({path.stat().st_size / 1e6:.1f} MB, "
          f"{time.perf_counter() - clock:.1f} s)")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="lakerefine report", description=HELP)
    add_arguments(parser)
    sys.exit(main(parser.parse_args()))
