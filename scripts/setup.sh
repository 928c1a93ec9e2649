#!/usr/bin/env bash
# Creates .venv with the pinned dependencies and credgraph installed editable. Idempotent: a second
# run only checks. torch comes from PyPI (the only index reachable here), so it is the CUDA build;
# it runs on CPU, and everything in credgraph does. Each step says what it does and how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
t0=$SECONDS
step() { echo "setup: $*"; }

if [ ! -x .venv/bin/python ]; then
  step "creating .venv with $("$PY" --version 2>&1)"
  "$PY" -m venv .venv
fi
stamp=.venv/.credgraph-lock-$(sha256sum requirements.lock pyproject.toml | sha256sum | cut -c1-16)
if [ -f "$stamp" ]; then
  step ".venv already matches requirements.lock and pyproject.toml (delete .venv to reinstall)"
else
  total=$(grep -c '==' requirements.lock)
  step "installing $total pinned packages into .venv: about 6.6 GB (torch's CUDA wheels are 5 GB of it);"
  step "  a first install downloads and unpacks for about three minutes; progress follows"
  .venv/bin/python -m pip install -q --upgrade pip
  # pip's own lines, one per package, shortened to a counter (the unpacking phase prints nothing)
  .venv/bin/python -m pip install --no-input --progress-bar off -r requirements.lock \
    | awk -v total="$total" '
        /^Collecting / { n++; printf "setup:   %3d/%d %s\n", n, total, $2; fflush(); next }
        /^Requirement already satisfied/ { n++; next }
        /^Installing collected packages/ { print "setup:   unpacking into .venv (the longest silent step: about 6.6 GB)"; fflush(); next }
        /^Successfully installed/ { print "setup:   installed " NF - 2 " packages"; fflush() }'
  step "installing credgraph itself (editable)"
  # setuptools prints an "Editable installation" notice for every editable install: not news here
  PYTHONWARNINGS="ignore:Editable installation" .venv/bin/python -m pip install -q --no-deps -e .
  rm -f .venv/.credgraph-lock-* && touch "$stamp"
  step "installed in $((SECONDS - t0)) s; .venv is $(du -sh .venv 2>/dev/null | cut -f1)"
fi
# torch_geometric's import warns that torch.jit.script is deprecated: theirs, and no news to a user
.venv/bin/python -W "ignore:\`torch.jit.script\` is deprecated:FutureWarning" \
  -c "import torch, torch_geometric, neo4j, fastapi; print('credgraph env ok: torch', torch.__version__)"
