#!/usr/bin/env bash
# The GPU paths, one command on a fresh clone of a machine with an NVIDIA GPU (about 8 minutes):
#   bash scripts/setup.sh && bash bench/gpu_check.sh
# Installs the vllm extra into .venv (vLLM brings the torch it was built for, so torch's pin
# is left out of the constraints here), then runs bench/gpu_check.py: refine with hf and vllm,
# token-clean bf16 against fp32 CPU scores, the LoRA reference step rate; prints one table.
# Without a GPU it stops at once with status 3 and installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
NO_GPU=3
if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "gpu_check: no NVIDIA GPU here (nvidia-smi finds none): nothing to check; run it on a GPU machine" >&2
  exit $NO_GPU
fi
[ -x "$PY" ] || { echo "gpu_check: no $PY: run scripts/setup.sh first" >&2; exit 1; }
nvidia-smi -L
if ! $PY -c "import vllm" >/dev/null 2>&1; then
  constraints=$(mktemp)
  grep -v '^torch==' constraints.txt > "$constraints"
  $PY -m pip install -q -c "$constraints" -e ".[vllm]"
fi
$PY -c "import vllm, torch; print('vllm', vllm.__version__, 'torch', torch.__version__)"
exec $PY bench/gpu_check.py "$@"
