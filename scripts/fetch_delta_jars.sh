#!/usr/bin/env bash
# Fetch Delta Lake's jars (matching the installed delta-spark) into ./jars, once.
# Later Spark sessions load them from disk: no download at run or test time.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
DELTA_VERSION=$($PY -c "import importlib.metadata as m; print(m.version('delta-spark'))")
SCALA=2.13
mkdir -p jars
if ls jars/delta-spark_${SCALA}-${DELTA_VERSION}.jar jars/delta-storage-${DELTA_VERSION}.jar >/dev/null 2>&1; then
  echo "Delta ${DELTA_VERSION} jars already in ./jars"; exit 0
fi
rm -f jars/delta-*.jar
if command -v mvn >/dev/null 2>&1; then
  for artifact in "io.delta:delta-spark_${SCALA}:${DELTA_VERSION}" "io.delta:delta-storage:${DELTA_VERSION}"; do
    mvn -q -B dependency:copy -Dartifact="${artifact}" -DoutputDirectory=jars
  done
else
  # No Maven: let Spark's own Ivy resolver fetch them into .ivy2, then keep the two jars.
  $PY - <<PYEOF
from pyspark.sql import SparkSession
spark = (SparkSession.builder.master("local[1]")
         .config("spark.jars.packages", "io.delta:delta-spark_${SCALA}:${DELTA_VERSION}")
         .config("spark.jars.ivy", ".ivy2").getOrCreate())
spark.stop()
PYEOF
  cp .ivy2/jars/io.delta_delta-spark_${SCALA}-${DELTA_VERSION}.jar jars/delta-spark_${SCALA}-${DELTA_VERSION}.jar
  cp .ivy2/jars/io.delta_delta-storage-${DELTA_VERSION}.jar jars/delta-storage-${DELTA_VERSION}.jar
fi
ls -l jars
