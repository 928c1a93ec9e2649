"""`credgraph run`, `train` and `score` take one default as-of: the latest record or event date.

A registry exported after the last credit record (a firm founded later) must not move it.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from api.commands.risk import _as_of
from api.pipeline import run_pipeline
from api.settings import Settings
from graph.features_cut import default_as_of
from graph.features_tables import tables_from_dataset
from ingest.dataset import read_dataset

EXAMPLE = Path(__file__).resolve().parents[1] / "ingest" / "example"


def _registry_exported_later(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(EXAMPLE, data)
    path = data / "firms.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[0]["founded_on"] = "2026-06-01"  # a firm registered long after the last record and event
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return data


def test_run_train_and_score_share_the_default_as_of(tmp_path):
    data = _registry_exported_later(tmp_path)
    tables = tables_from_dataset(read_dataset(data, progress=False))
    expected = default_as_of(tables)
    assert expected.year == 2024  # the example's records and events end in 2024
    assert _as_of(tables, None) == expected  # train / score
    settings = Settings(review_db_url=f"sqlite:///{tmp_path / 'review.db'}", model_dir=tmp_path / "models")
    summary = run_pipeline(data, tmp_path / "out", settings, progress=False)
    assert summary.as_of == expected.isoformat()  # run
