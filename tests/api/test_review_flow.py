"""The steward loop exactly as issue 8's "Done when" writes it, in a fresh working directory:
run → review next → (a steward answers) → review import → retrain --matcher → run again, which
resolves with the promoted matcher. Also: a bad verdict file is refused whole, with its lines."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from resolution.evaluate import read_truth


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    from ingest.synth import generate

    out = tmp_path_factory.mktemp("world")
    generate(out, 150, seed=5, n_events=600)
    return out


def _cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_done_when_flow_from_a_fresh_directory(data, tmp_path, monkeypatch):
    for var in ("MODEL_DIR", "MATCHER_DIR", "REVIEW_DB_URL", "AUDIT_LOG"):
        monkeypatch.delenv(f"CREDGRAPH_{var}", raising=False)
    monkeypatch.chdir(tmp_path)  # every default path (review store, registry, audit log) lands here
    d = "2025-12-31"
    _cli("run", str(data), "--out", "R1", "--as-of", d, "--quiet")
    _cli("review", "next", "--n", "1000", "--out", "ask.csv")
    truth = read_truth(data)
    with open("ask.csv", encoding="utf-8") as fh:
        asked = list(csv.DictReader(fh))
    assert 100 < len(asked) <= 1000
    assert list(asked[0]) == [
        "item_id", "source", "record_id", "entity_type", "entity_id", "score", "mention", "candidate_name",
        "evidence",
    ]
    scores = [float(r["score"]) for r in asked]
    assert min(scores) < 0.5  # near-misses below the review threshold are asked about too
    with open("answers.csv", "w", newline="", encoding="utf-8") as fh:  # the steward, from the truth
        w = csv.writer(fh)
        w.writerow(["source", "record_id", "entity_type", "entity_id", "verdict", "who"])
        for r in asked:
            key = (r["source"], r["record_id"], r["entity_type"], r["entity_id"])
            w.writerow([*key, "match" if key in truth else "no_match", "ann"])
    out = _cli("review", "import", "answers.csv")
    assert f"{len(asked)} verdict(s) imported" in out
    assert "0 verdict(s) imported" in _cli("review", "import", "answers.csv")  # idempotent
    audit = [json.loads(x) for x in Path("credgraph-audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sum(a["action"] == "decision" for a in audit) == len(asked)
    report = _cli("retrain", "--matcher", str(data))
    assert "decision: promoted" in report, report
    assert (tmp_path / "models" / "matcher" / "CURRENT").read_text() == "v0001"
    _cli("run", str(data), "--out", "R2", "--as-of", d, "--quiet")
    r1 = json.loads(Path("R1/summary.json").read_text(encoding="utf-8"))
    r2 = json.loads(Path("R2/summary.json").read_text(encoding="utf-8"))
    assert r1["matcher"] == "unsupervised fit on this data" and r2["matcher"] == "promoted v0001"
    assert r2["matcher_version"].startswith("er-sup-") and r1["matcher_version"].startswith("er-fs-")
    # every no_match verdict stays unlinked in the new run
    with open("R2/resolutions.csv", encoding="utf-8") as fh:
        auto = {
            (r["source"], r["record_id"], r["entity_type"], r["entity_id"])
            for r in csv.DictReader(fh)
            if r["decision"] == "auto_link"
        }
    refused = {
        (r["source"], r["record_id"], r["entity_type"], r["entity_id"])
        for r in asked
        if (r["source"], r["record_id"], r["entity_type"], r["entity_id"]) not in truth
    }
    assert refused and not (auto & refused)
    exported = tmp_path / "verdicts.csv"
    assert f"{len(asked)} verdict(s)" in _cli("review", "export", str(exported))


def test_a_bad_verdict_file_is_refused_whole(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CREDGRAPH_REVIEW_DB_URL", f"sqlite:///{tmp_path / 'q.db'}")
    monkeypatch.setenv("CREDGRAPH_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    bad = tmp_path / "answers.csv"
    bad.write_text(
        "source,record_id,entity_type,entity_id,verdict\n"
        "events,E1,firm,91330000000000000X,match\n"
        "events,E2,firm,91330000000000001X,yes\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["review", "import", str(bad)])
    assert result.exit_code == 2
    assert "answers.csv:3: verdict 'yes'" in result.output.replace("\n", "")
    assert "nothing imported" in result.output
    from resolution.review_queue import ReviewQueue

    assert ReviewQueue(f"sqlite:///{tmp_path / 'q.db'}").decisions() == []  # line 2 was not applied either
