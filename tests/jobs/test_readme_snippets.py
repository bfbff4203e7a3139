"""README's Python snippet for reading the tables without Spark runs in a plain Python and exits 0.

Reading with delta-rs can abort at interpreter exit (README, "Reading the tables without
Spark"), only sometimes, so the snippet runs several times, each in a fresh process.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
README = Path(__file__).resolve().parents[2] / "README.md"
RUNS = 5


def readme_snippet(heading: str) -> str:
    section = README.read_text().split(heading, 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)


def test_reading_the_tables_with_delta_rs_exits_cleanly(spark, cli, tmp_path, table_path):
    docs = tmp_path / "in.jsonl"
    docs.write_text("".join(f'{{"id": "d{i}", "text": "Home | News | Contact\\nDocument {i}."}}\n' for i in range(30)))
    assert cli("ingest", "--input", str(docs))[0] == 0
    assert cli("refine", "--set", "refine.backend=rules")[0] == 0   # keeps "Document i." lines
    lakehouse = str(Path(table_path("corpus")).parent)
    snippet = readme_snippet("### Reading the tables without Spark").replace('"lakehouse/', f'"{lakehouse}/')
    for _ in range(RUNS):
        done = subprocess.run([sys.executable, "-c", snippet], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "refined" in done.stdout and "d1" in done.stdout
