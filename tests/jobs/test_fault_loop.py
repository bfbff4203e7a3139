"""bench/fault_loop.py for a few trials: the driver killed at a random moment, the run resumed
with its run id, the final tables equal to an uninterrupted run's."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.jvm import short_lived_jvm

pytestmark = pytest.mark.slow   # a dozen job processes
REPO = Path(__file__).resolve().parents[2]
# Each job process lives half a minute: with the JIT's first tier alone the loop took .80 of its time (2026-12-07,
# two runs each way, alternated).
SETS = short_lived_jvm("driver")


def test_killed_and_resumed_runs_equal_uninterrupted_ones(tmp_path):
    results = tmp_path / "fault_loop.json"
    done = subprocess.run([sys.executable, str(REPO / "bench" / "fault_loop.py"), "--trials", "2", "--seed", "1",
                           "--jobs", "ingest,refine", *(arg for item in SETS for arg in ("--set", item)),
                           "--workdir", str(tmp_path / "work"), "--results", str(results)],
                          cwd=REPO, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    written = json.loads(results.read_text())
    totals = written["totals"]
    assert written["sets"] == SETS
    assert totals["trials"] == 2 and totals["differences"] == 0 and totals["duplicates"] == 0
    assert totals["killed"] >= 1 and totals["resumes"] >= totals["killed"]
    assert "differences: 0, duplicates: 0" in done.stdout
