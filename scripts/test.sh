#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what is needed, starts the real Neo4j server
# (fetched from Maven Central by scripts/neo4j.sh), runs pytest, stops Neo4j. pytest's exit code 5
# (no tests collected) is turned into a loud failure.
set -uo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh || exit 1
if [ -z "${CREDGRAPH_SKIP_BROWSER:-}" ] && ! dpkg -s chromium fonts-wqy-microhei >/dev/null 2>&1; then
  echo "test: installing Debian's chromium and fonts-wqy-microhei system-wide with apt-get:"
  echo "test:   the browser tests drive the web pages in headless Chromium; the font draws their Chinese text"
  echo "test:   (set CREDGRAPH_SKIP_BROWSER=1 to skip this; those tests then skip themselves)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) \
    || echo "WARNING: could not install chromium; the browser tests will be skipped"
fi
# a real PostgreSQL server for the review/jobs database tests (they start their own on loopback)
if [ -z "${CREDGRAPH_SKIP_POSTGRES:-}" ] && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  echo "test: installing Debian's postgresql system-wide with apt-get: the review/jobs database tests start"
  echo "test:   their own server on loopback (set CREDGRAPH_SKIP_POSTGRES=1 to skip; those tests then skip)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
    || echo "WARNING: could not install postgresql; the PostgreSQL tests will be skipped"
fi
# house style is part of the suite: lint and types fail the run like a test does
echo "test: ruff and mypy (house style is part of the suite)"
.venv/bin/ruff check . || { echo "FAILED: ruff"; exit 1; }
.venv/bin/mypy || { echo "FAILED: mypy"; exit 1; }
export NEO4J_BOLT_PORT=${NEO4J_BOLT_PORT:-7687}
export NEO4J_URI=${NEO4J_URI:-bolt://127.0.0.1:$NEO4J_BOLT_PORT}
started=0
if [ -z "${CREDGRAPH_SKIP_NEO4J:-}" ]; then
  ./scripts/neo4j.sh start || { echo "FAILED: could not start Neo4j"; exit 1; }
  started=1
  # no built-in password: the one neo4j.sh generated for its data folder (or NEO4J_PASSWORD)
  NEO4J_PASSWORD="${NEO4J_PASSWORD:-$(./scripts/neo4j.sh password)}" || { echo "FAILED: no Neo4j password"; exit 1; }
  export NEO4J_PASSWORD
fi
.venv/bin/python -m pytest "$@"
rc=$?
[ "$started" = 1 ] && ./scripts/neo4j.sh stop
if [ "$rc" = 5 ]; then
  echo "FAILED: pytest collected no tests (exit 5)"
  exit 1
fi
exit $rc
