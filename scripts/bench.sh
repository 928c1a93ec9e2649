#!/usr/bin/env bash
# Runs every benchmark; each prints our figure and the peer's side by side and writes
# bench/results/<name>.md. Long: minutes to tens of minutes. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export NEO4J_URI=${NEO4J_URI:-bolt://127.0.0.1:${NEO4J_BOLT_PORT:-7687}}
./scripts/neo4j.sh start
trap './scripts/neo4j.sh stop' EXIT
for b in synth_speed load_neo4j febrl resolution_scale risk api_load; do
  if [ -f "bench/$b.py" ]; then
    echo "=== bench/$b.py"
    .venv/bin/python -m "bench.$b" "$@"
  fi
done
# the README's benchmark table is built from bench/results: carry the new figures into it
.venv/bin/python -m bench.readme_table
