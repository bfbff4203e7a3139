#!/usr/bin/env bash
# Build what a cluster receives: the wheel (for `pip install` on nodes) and the same
# wheel as a .zip for `spark-submit --py-files` (Spark puts .zip, not .whl, on sys.path).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-$PWD/.venv/bin/python}
rm -rf dist && mkdir -p dist
$PY -m pip wheel -q --no-deps --no-build-isolation -w dist . 2>/dev/null
wheel=$(ls dist/lakerefine-*.whl)
# Re-zip with folder entries: zipimport needs them to find the `lakerefine` namespace package.
$PY -m zipfile -e "$wheel" dist/unpacked
(cd dist/unpacked && $PY -m zipfile -c ../lakerefine.zip lakerefine)
rm -rf dist/unpacked
echo "$wheel"
echo "dist/lakerefine.zip"
