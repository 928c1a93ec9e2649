"""`credgraph tiers` assigns and records credit tiers; `inspect-draw` weights its draw by them."""

import csv
import json


def test_cli_tiers_and_tier_weighted_draw(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from api.cli import app

    header = "subject_type,subject_id,score,own_score,related_score,model_version,top_reasons\n"
    rows = "".join(f"firm,F{i},{s},0.1,0.1,v1,[]\n" for i, s in enumerate((0.01, 0.05, 0.1, 0.3, 0.5)))
    scores = tmp_path / "risk_scores.csv"
    scores.write_text(header + rows, encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(
        app, ["tiers", "--scores", str(scores), "--history", str(tmp_path / "t"), "--as-of", "2025-01-01"]
    )
    assert res.exit_code == 0, res.output
    tiers = {
        r["subject_id"]: r["tier"]
        for r in csv.DictReader((tmp_path / "t" / "tiers.csv").open(encoding="utf-8"))
    }
    assert tiers == {"F0": "A", "F1": "B", "F2": "C", "F3": "D", "F4": "D"}
    out = tmp_path / "draw.json"
    res = runner.invoke(
        app, ["inspect-draw", "--n", "2", "--seed", "1", "--scores", str(scores), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert {t["name"] for t in json.loads(out.read_text(encoding="utf-8"))["tiers"]} == set("ABCD")


def test_cli_tiers_merges_a_rescore_and_records_into_the_api_history(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from api.cli import app
    from gnn.tier_log import TierLog

    db = f"sqlite:///{tmp_path / 'p.db'}"
    monkeypatch.setenv("CREDGRAPH_PUNISH_DB_URL", db)
    header = "subject_type,subject_id,score,own_score,related_score,model_version,top_reasons\n"
    full = tmp_path / "full.csv"
    full.write_text(header + "firm,F1,0.01,0,0,v1,[]\nfirm,F2,0.05,0,0,v1,[]\n", encoding="utf-8")
    part = tmp_path / "part.csv"
    part.write_text(header + "firm,F2,0.30,0,0,v1,[]\n", encoding="utf-8")
    runner = CliRunner()
    folder = str(tmp_path / "t")
    for scores, extra in ((full, []), (full, []), (part, ["--source", "rescore", "--run", "E1"])):
        args = ["tiers", "--scores", str(scores), "--history", folder, "--as-of", "2025-01-01", "--db"]
        res = runner.invoke(app, [*args, *extra])
        assert res.exit_code == 0, res.output
    current = csv.DictReader((tmp_path / "t" / "tiers.csv").open(encoding="utf-8"))
    tiers = {r["subject_id"]: r["tier"] for r in current}
    assert tiers == {"F1": "A", "F2": "D"}  # the rescore merged: F1 kept
    logged = TierLog(db).changes()
    assert [(c["subject_id"], c["to"], c["source"]) for c in logged] == [
        ("F1", "A", "run"), ("F2", "B", "run"), ("F2", "D", "rescore")]  # the repeated run added nothing
    bad = runner.invoke(app, ["tiers", "--scores", str(part), "--history", folder, "--source", "guess"])
    assert bad.exit_code != 0
