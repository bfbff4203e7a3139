#!/usr/bin/env bash
# EMR bootstrap action: install lakerefine's wheel on every node before Spark starts.
#   emr_bootstrap.sh s3://bucket/lakerefine/code/lakerefine-0.1.0-py3-none-any.whl [EXTRAS]
# EXTRAS: "vllm" (default, on GPU nodes the vLLM backend), or "none". Never the `spark` extra:
# EMR brings its own Spark and Delta. On a node with an NVIDIA GPU it also mounts the cgroup v1
# devices controller at /spark-rapids-cgroup, which YARN's GPU isolation needs on Amazon Linux
# 2023 (cgroup v2 by default; see udfs/platforms/emr.py for the matching yarn-site settings).
# Not run here (no AWS account): written from EMR's documentation.
set -euo pipefail
WHEEL_URI=${1:?usage: emr_bootstrap.sh S3_WHEEL_URI [vllm|none]}
EXTRAS=${2:-vllm}
PYTHON=${PYTHON:-python3}
work=$(mktemp -d)
aws s3 cp "$WHEEL_URI" "$work/"
wheel=$(ls "$work"/lakerefine-*.whl)
if command -v nvidia-smi >/dev/null 2>&1; then
  sudo mkdir -p /spark-rapids-cgroup/devices
  mountpoint -q /spark-rapids-cgroup/devices \
    || sudo mount -t cgroup -o devices cgroupv1-devices /spark-rapids-cgroup/devices
  sudo chmod a+rwx -R /spark-rapids-cgroup
  target="$wheel"
  [ "$EXTRAS" = none ] || target="$wheel[$EXTRAS]"
else
  target="$wheel"   # CPU nodes (primary): no vLLM
fi
sudo "$PYTHON" -m pip install --quiet "$target"
"$PYTHON" -c "import lakerefine.jobs.cli" && echo "lakerefine installed from $WHEEL_URI"
