#!/usr/bin/env bash
# Creates .venv with the pinned dependencies and credgraph installed editable. Idempotent: a second
# run only checks. torch comes from PyPI (the only index reachable here), so it is the CUDA build;
# it runs on CPU, and everything in credgraph does.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.credgraph-lock-$(sha256sum requirements.lock pyproject.toml | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.lock
  .venv/bin/python -m pip install -q --no-deps -e .
  rm -f .venv/.credgraph-lock-* && touch "$stamp"
fi
.venv/bin/python -c "import torch, torch_geometric, neo4j, fastapi; print('credgraph env ok: torch', torch.__version__)"
