"""refine --dry-run: a stratified sample through the backend, estimates for the whole input, no table written."""
from __future__ import annotations

import os
import re

import pytest

from lakerefine.udfs.refine.estimate import Stratum, estimate, line_diff
from tests.support.corpus import FOOTER, NAV, PROSE, sample_docs, write_corpus


def test_estimate_weights_each_source_by_its_characters():
    # web: half deleted at 1 s per 1000 chars; mail: nothing deleted at 1 s per 4000 chars.
    web = Stratum("web", docs=100, chars=1_000_000, sampled_docs=10, sampled_chars=10_000,
                  removed_chars=5_000, seconds=10.0)
    mail = Stratum("mail", docs=900, chars=3_000_000, sampled_docs=5, sampled_chars=40_000,
                   removed_chars=0, seconds=10.0)
    e = estimate([web, mail])
    assert e.sample_deletion_ratio == pytest.approx(5_000 / 50_000)
    assert e.deletion_ratio == pytest.approx(500_000 / 4_000_000)
    assert e.worker_seconds == pytest.approx(1_000 + 750)
    assert e.wall_seconds(2) == pytest.approx(875)


def test_a_source_the_sample_missed_takes_the_whole_sample_rate():
    seen = Stratum("web", docs=10, chars=1000, sampled_docs=2, sampled_chars=200, removed_chars=50, seconds=2.0)
    missed = Stratum("rare", docs=1, chars=1000)
    e = estimate([seen, missed])
    assert e.deletion_ratio == pytest.approx(0.25)
    assert e.worker_seconds == pytest.approx(20.0)


def test_line_diff_shows_removed_lines_and_counts_the_rest():
    before = "\n".join([NAV, PROSE, FOOTER] + [f"menu {i}" for i in range(20)])
    after = PROSE
    diff = line_diff(before, after, max_lines=3)
    assert diff == [f"-{NAV}", f"-{FOOTER}", "-menu 0", "… 19 more changed lines"]


def files_under(root) -> dict[str, float]:
    return {os.path.join(d, f): os.path.getmtime(os.path.join(d, f)) for d, _, fs in os.walk(root) for f in fs}


def test_dry_run_prints_the_estimate_and_writes_no_table(spark, cli, table_path, lake):
    docs = sample_docs(12) + [(f"web-{i}", f"{NAV}\n{PROSE} {i}\n{FOOTER}\n", "web") for i in range(30)]
    write_corpus(spark, table_path("corpus"), docs)
    before = files_under(lake.root)
    code, out = cli("refine", "--dry-run", "--sample", "20")
    assert code == 0, out
    assert files_under(lake.root) == before, "the dry run wrote or changed a file"
    assert sorted(os.listdir(lake.root)) == ["corpus"]
    head = re.search(r"refine dry run \(backend classifier on cpu; no table written\): (\d+) of 42 documents", out)
    assert head and int(head.group(1)) == 20, out
    assert "web " in out.splitlines()[0]
    ratio = re.search(r"sample: [\d,]+ characters, ([\d.]+)% deleted", out)
    assert ratio and float(ratio.group(1)) > 0
    assert re.search(r"whole input: [\d,]+ characters, about [\d.]+% to be deleted; [\d.e+-]+ core-hours", out)
    assert re.search(r"measured: [\d.]+ MB/s per core", out)
    diff = re.search(r"^  --- (\S+) \((\w+)\)\n  -", out, re.M)   # a before/after diff of an edited document
    assert diff and diff.group(1) in {doc_id for doc_id, _, _ in docs}, out


def test_dry_run_refuses_incremental_before_spark(cli):
    code, out = cli("refine", "--dry-run", "--incremental")
    assert code == 2 and "leave out --incremental" in out
