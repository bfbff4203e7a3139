"""`lakerefine --help` and the help of every subcommand print and exit 0 (no Spark is started)."""
from __future__ import annotations

import argparse

import pytest

from lakerefine.jobs.cli import build_parser, main


def subcommands() -> list[str]:
    actions = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


def test_every_job_is_a_subcommand():
    assert {"ingest", "refine", "token-clean", "query", "spark-conf"} <= set(subcommands())


@pytest.mark.parametrize("argv", [["--help"]] + [[name, "--help"] for name in subcommands()])
def test_help_prints_and_exits_zero(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: lakerefine") and len(out.splitlines()) > 3
