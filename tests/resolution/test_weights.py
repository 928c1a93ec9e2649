"""`credgraph resolution model`: fitted weights as a table and a chart, from data or a saved matcher."""

from __future__ import annotations

import math

from typer.testing import CliRunner

from api.cli import app
from resolution.resolver import Resolver, ResolverConfig
from resolution.weights import format_table, resolver_rows, saved_rows, write_chart
from tests.resolution.conftest import EXAMPLE


def test_rows_cover_every_model_and_level_and_weights_are_log2_m_over_u(example_ds):
    r = Resolver.from_dataset(example_ds, ResolverConfig())
    rows = resolver_rows(r)
    assert {x["model"] for x in rows} == {"firm", "person", "credit_person"}
    n_levels = sum(s.n_levels for m in r.models.values() for s in m.specs)
    assert sum(1 for x in rows if x["model"] in ("firm", "person") and x["comparison"] != "prior") == n_levels
    for x in rows:
        if x["comparison"] != "prior" and x["u"] > 0:
            assert math.isclose(x["log2_bf"], math.log2(x["m"] / x["u"]), rel_tol=1e-6, abs_tol=1e-6)
    assert "visible digits conflict" in format_table(rows)


def test_saved_matcher_gives_the_same_rows(example_ds, tmp_path):
    r = Resolver.from_dataset(example_ds, ResolverConfig())
    r.save(tmp_path / "m")
    a = [(x["model"], x["comparison"], x["level"], round(x["log2_bf"], 6)) for x in resolver_rows(r)]
    b = [
        (x["model"], x["comparison"], x["level"], round(x["log2_bf"], 6)) for x in saved_rows(tmp_path / "m")
    ]
    assert a == b


def test_chart_is_written(example_ds, tmp_path):
    out = write_chart(resolver_rows(Resolver.from_dataset(example_ds, ResolverConfig())), tmp_path / "w.png")
    assert out.stat().st_size > 5_000 and out.read_bytes()[:4] == b"\x89PNG"


def test_cli_prints_weights_and_writes_chart(tmp_path):
    res = CliRunner().invoke(
        app, ["resolution", "model", "--data", str(EXAMPLE), "--chart", str(tmp_path / "c.png")]
    )
    assert res.exit_code == 0, res.output
    assert "credit_person" in res.output and "log2 BF" in res.output
    assert (tmp_path / "c.png").exists()
    bad = CliRunner().invoke(app, ["resolution", "model"])
    assert bad.exit_code == 2
