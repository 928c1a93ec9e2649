# The two commands of the README. `make demo` runs the main job; `make test` runs the whole suite.
.PHONY: setup demo test bench lint neo4j-start neo4j-stop

FIRMS ?= 2000
SEED ?= 7

setup:
	./scripts/setup.sh

demo: setup
	.venv/bin/credgraph synth data/demo --firms $(FIRMS) --seed $(SEED)
	.venv/bin/credgraph run data/demo --out out/demo
	@echo "outputs: out/demo/resolutions.csv out/demo/risk_scores.csv"

test:
	./scripts/test.sh

bench: setup
	./scripts/bench.sh

lint: setup
	.venv/bin/ruff check .
	.venv/bin/mypy

neo4j-start:
	./scripts/neo4j.sh start

neo4j-stop:
	./scripts/neo4j.sh stop
