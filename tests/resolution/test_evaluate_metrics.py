"""Evaluation metrics on a hand-made truth and prediction table."""

from __future__ import annotations

from resolution.evaluate import evaluate, write_report


def _row(rid, etype, eid, decision, source="events"):
    return {
        "source": source,
        "record_id": rid,
        "entity_type": etype,
        "entity_id": eid,
        "score": "0.9",
        "decision": decision,
        "evidence": "e",
    }


TRUTH = {
    ("events", "E1", "firm", "F1"),
    ("events", "E1", "person", "P1"),
    ("events", "E2", "firm", "F2"),
    ("credit_records", "C1", "person", "P9"),
}


def test_metrics_by_hand(tmp_path):
    rows = [
        _row("E1", "firm", "F1", "auto_link"),  # true
        _row("E1", "person", "P2", "auto_link"),  # false: homonym of P1
        _row("E1", "person", "P1", "review"),  # true, in review
        _row("E2", "firm", "F3", "rejected"),  # F2 never a candidate
        _row("E3", "firm", "F4", "review"),  # false review
        _row("C1", "person", "P9", "auto_link", "credit_records"),  # true
    ]
    ev = evaluate(rows, TRUTH, n_records=4, names={"P1": "张伟", "P2": "张伟"})
    o = ev.overall
    assert (o.truth, o.auto, o.auto_true, o.review, o.review_true) == (4, 3, 2, 2, 1)
    assert abs(o.precision - 2 / 3) < 1e-9 and abs(o.recall - 0.5) < 1e-9
    assert abs(o.recall_with_review - 0.75) < 1e-9
    assert abs(o.pair_completeness - 0.75) < 1e-9
    assert abs(ev.review_share - 0.5) < 1e-9
    assert ev.by_group["events/firm"].pair_completeness == 0.5
    assert [e["linked"] for e in ev.homonym_errors] == ["person:P2"]
    write_report(ev, tmp_path)
    assert "Homonym errors (1 listed)" in (tmp_path / "evaluation.md").read_text(encoding="utf-8")


def test_evaluate_command_writes_reports(tmp_path, example_ds, example_dir):
    from typer.testing import CliRunner

    from api.cli import app
    from api.pipeline import write_resolutions
    from resolution.pipeline import resolve_dataset

    write_resolutions(resolve_dataset(example_ds, None, None), tmp_path / "resolutions.csv")
    res = CliRunner().invoke(app, ["evaluate", str(example_dir), str(tmp_path)])
    assert res.exit_code == 0, res.output
    data = (tmp_path / "evaluation.json").read_text(encoding="utf-8")
    assert '"precision": 1.0' in data and (tmp_path / "evaluation.md").exists()
