"""bench/gpu_check.sh on a machine without a GPU: it stops at once, says why, installs nothing.
(Its measurements need a GPU and are never part of the tests.)"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NO_GPU_EXIT = 3
pytestmark = pytest.mark.slow


def test_the_script_stops_before_installing_anything_without_a_gpu(tmp_path):
    # An empty PATH: no nvidia-smi, as on a machine without an NVIDIA driver, whatever this one has;
    # and a Python that does not exist: reaching the install step would fail with another status.
    env = {**os.environ, "PATH": str(tmp_path), "PY": str(tmp_path / "no-python")}
    done = subprocess.run([shutil.which("bash"), "bench/gpu_check.sh"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == NO_GPU_EXIT, done.stderr
    assert "no NVIDIA GPU here" in done.stderr and done.stdout == ""


def test_the_measurements_refuse_to_run_where_torch_sees_no_gpu():
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}   # no GPU visible, even on a machine that has one
    done = subprocess.run([sys.executable, "bench/gpu_check.py"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == NO_GPU_EXIT, done.stderr[-2000:]
    assert "torch sees no GPU" in done.stderr and done.stdout == ""
