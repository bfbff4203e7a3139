#!/usr/bin/env bash
# CI-optional (not in .ci/run): the Spark tests on another pyspark + delta-spark pair.
#   bash scripts/version_matrix.sh [PYSPARK_VERSION] [DELTA_VERSION] [pytest args...]
# Default pair: pyspark 4.1.0 + delta-spark 4.1.0 (Databricks Runtime 18 runs Spark 4.1). Delta 4.1.0
# is built against Spark 4.1.0: with pyspark 4.1.4 its jar fails to load
# (NoClassDefFoundError: org.apache.spark.sql.catalyst.plans.logical.IgnoreCachedData, absent from 4.1.4's catalyst).
# Builds .matrix/<pair>/: a venv holding only that pyspark/delta-spark pair and layered on the
# project's .venv for everything else (torch, transformers, ...; run scripts/setup.sh first),
# Delta's jars of that version from Maven Central, and a copy of the working tree whose jars/
# folder holds them, so every session the tests start (fixture, CLI, subprocess) loads that pair.
# Then runs the spark-marked tests there (default `-m "spark and not slow"`; pass pytest args to change).
set -euo pipefail
cd "$(dirname "$0")/.."
PYSPARK=${1:-4.1.0}
DELTA=${2:-4.1.0}
shift $(( $# < 2 ? $# : 2 ))
BASE_PY=${BASE_PY:-$PWD/.venv/bin/python}
[ -x "$BASE_PY" ] || { echo "no project venv at $BASE_PY: run scripts/setup.sh first" >&2; exit 1; }
ROOT=$PWD
DIR=$ROOT/.matrix/pyspark-$PYSPARK-delta-$DELTA
mkdir -p "$DIR"

if [ ! -x "$DIR/venv/bin/python" ]; then
  "$BASE_PY" -m venv --without-pip "$DIR/venv" 2>/dev/null || python3 -m venv --without-pip "$DIR/venv"
fi
PY=$DIR/venv/bin/python
SP=$($PY -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
# This venv's own site-packages come first (the pair under test); the base venv's after, with
# its .pth files processed (an editable lakerefine install, a layered venv).
$BASE_PY - "$SP/base_venv.pth" <<'PYEOF'
import sys, sysconfig
paths = [p for p in sys.path if p.endswith("site-packages")] or [sysconfig.get_paths()["purelib"]]
with open(sys.argv[1], "w") as out:
    out.write("import site; " + "; ".join(f"site.addsitedir({p!r})" for p in paths) + "\n")
PYEOF
if ! $PY -c "import importlib.metadata as m, sys; sys.exit(not (m.version('pyspark') == '$PYSPARK' and m.version('delta-spark') == '$DELTA'))" 2>/dev/null; then
  $BASE_PY -m pip install -q --upgrade --target "$SP" "pyspark==$PYSPARK" "delta-spark==$DELTA"
fi
$PY -c "import pyspark, delta, importlib.metadata as m; print('pyspark', pyspark.__version__, 'delta-spark', m.version('delta-spark'), pyspark.__file__)"

# A copy of the working tree (tracked and untracked, not ignored files) with its own jars/.
rm -rf "$DIR/repo" && mkdir -p "$DIR/repo"
git ls-files -z -co --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$DIR/repo"
ln -sfn "$ROOT/models" "$DIR/repo/models"
mkdir -p "$DIR/jars"
if ! ls "$DIR/jars/delta-spark_2.13-$DELTA.jar" "$DIR/jars/delta-storage-$DELTA.jar" >/dev/null 2>&1; then
  for artifact in "io.delta:delta-spark_2.13:$DELTA" "io.delta:delta-storage:$DELTA"; do
    mvn -q -B dependency:copy -Dartifact="$artifact" -DoutputDirectory="$DIR/jars"
  done
fi
ln -sfn "$DIR/jars" "$DIR/repo/jars"
# lakerefine itself must come from the copy too (its REPO_ROOT finds the copy's jars/).
mkdir -p "$SP/lakerefine"
for d in jobs udfs schemas conf; do ln -sfn "$DIR/repo/$d" "$SP/lakerefine/$d"; done
cat > "$DIR/venv/bin/lakerefine" <<EOS
#!$PY
import sys
from lakerefine.jobs.cli import main
sys.exit(main())
EOS
chmod +x "$DIR/venv/bin/lakerefine"
ln -sfn "$DIR/venv" "$DIR/repo/.venv"

cd "$DIR/repo"
$PY -c "import lakerefine.udfs, pyspark; print('lakerefine from', lakerefine.udfs.__path__[0])"
if [ $# -eq 0 ]; then set -- -m "spark and not slow"; fi
set +e
$PY -m pytest -q -p no:cacheprovider "$@"
rc=$?
echo "version matrix: pyspark $PYSPARK + delta-spark $DELTA: pytest exit $rc"
exit $rc
