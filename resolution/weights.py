"""The fitted match weights of a resolver, as a table and as a chart (Splink's match-weights chart).

One row per model, comparison and level: m, u and the log2 Bayes factor log2(m/u) a pair at that
level adds to the score; the prior (log2 odds) is a row of its own. Levels whose u is replaced by
a term frequency per value (an exact name, the visible digits of a masked ID) are flagged: the
weight shown uses the level's average u, a rare value weighs more, a common one less.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from ingest.errors import ModelError
from resolution.credit_model import weights_rows
from resolution.fs_model import FellegiSunterModel

Row = dict[str, Any]


def fs_rows(model_name: str, model: FellegiSunterModel) -> list[Row]:
    """Rows of one Fellegi–Sunter model: the prior, then every comparison's levels."""
    out: list[Row] = [
        {
            "model": model_name,
            "comparison": "prior",
            "level": f"P(match) {model.prior:.4g}",
            "m": math.nan,
            "u": math.nan,
            "log2_bf": model.prior_log2_odds,
            "tf": False,
        }
    ]
    for k, s in enumerate(model.specs):
        for lv, label in enumerate(s.levels):
            m, u = float(model.m[k][lv]), float(model.u[k][lv])
            out.append(
                {
                    "model": model_name,
                    "comparison": s.name,
                    "level": label,
                    "m": m,
                    "u": u,
                    "log2_bf": float(np.log2(m / u)),
                    "tf": bool(s.tf_adjust and lv == s.n_levels - 1),
                }
            )
    return out


def credit_prior_row(unregistered: float) -> Row:
    return {
        "model": "credit_person",
        "comparison": "prior",
        "level": f"P(subject registered) {1 - unregistered:.4g}",
        "m": math.nan,
        "u": math.nan,
        "log2_bf": math.log2((1 - unregistered) / unregistered),
        "tf": False,
    }


def resolver_rows(resolver: Any) -> list[Row]:
    """Every model of a `Resolver`: events' firm and person models, the credit records' model."""
    rows = fs_rows("firm", resolver.models["firm"]) + fs_rows("person", resolver.models["person"])
    if resolver.credit is not None:
        rows += [credit_prior_row(resolver.credit.unregistered), *resolver.credit.weights_table()]
    return rows


def saved_rows(directory: str | Path) -> list[Row]:
    """The same rows from a saved resolver directory (`Resolver.save`), without any data."""
    d = Path(directory)
    if not (d / "fs_firm.json").exists():
        raise ModelError(f"no saved resolver in {d}")
    rows = fs_rows("firm", FellegiSunterModel.load(d / "fs_firm.json"))
    rows += fs_rows("person", FellegiSunterModel.load(d / "fs_person.json"))
    if (d / "credit_person.json").exists():
        data = json.loads((d / "credit_person.json").read_text(encoding="utf-8"))
        rows += [credit_prior_row(float(data["unregistered"])), *weights_rows(data)]
    return rows


def format_table(rows: list[Row]) -> str:
    """Plain text: model, comparison, level, m, u, log2 Bayes factor (tf levels marked *)."""
    lines = [f"{'model':<14}{'comparison':<13}{'level':<48}{'m':>9}{'u':>10}{'log2 BF':>9}"]
    for r in rows:
        m = "" if math.isnan(r["m"]) else f"{r['m']:.4f}"
        u = "" if math.isnan(r["u"]) else f"{r['u']:.2e}"
        tf = " *" if r["tf"] else ""
        lines.append(
            f"{r['model']:<14}{r['comparison']:<13}{r['level'][:46]:<48}{m:>9}{u:>10}{r['log2_bf']:>+9.2f}{tf}"
        )
    lines.append("* u per value (term frequency): the weight shown uses the level's average u")
    return "\n".join(lines)


def write_chart(rows: list[Row], path: str | Path) -> Path:
    """A match-weights chart: one panel per model, a bar per comparison level (log2 Bayes factor)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    for font_path in font_manager.findSystemFonts():  # level labels are Chinese: use a CJK font if any
        if any(k in font_path.lower() for k in ("wqy", "cjk", "hei")):
            font_manager.fontManager.addfont(font_path)
    cjk = [
        f.name
        for f in font_manager.fontManager.ttflist
        if any(k in f.name for k in ("CJK", "Hei", "WenQuanYi"))
    ]
    if cjk:
        plt.rcParams["font.sans-serif"] = [cjk[0], "DejaVu Sans"]
    models = list(dict.fromkeys(r["model"] for r in rows))
    heights = [sum(1 for r in rows if r["model"] == m) for m in models]
    fig, axes = plt.subplots(
        len(models),
        1,
        figsize=(9, 0.28 * sum(heights) + 1.5 * len(models)),
        gridspec_kw={"height_ratios": heights},
        squeeze=False,
    )
    for ax, name in zip(axes[:, 0], models, strict=True):
        sub = [r for r in rows if r["model"] == name]
        vals = [max(min(r["log2_bf"], 30.0), -30.0) for r in sub]
        labels = [f"{r['comparison']}: {r['level']}{' *' if r['tf'] else ''}" for r in sub]
        colours = [
            "#888888" if r["comparison"] == "prior" else ("#2a7ab0" if v >= 0 else "#c0392b")
            for r, v in zip(sub, vals, strict=True)
        ]
        y = np.arange(len(sub))[::-1]
        ax.barh(y, vals, color=colours)
        ax.set_yticks(y, labels, fontsize=7)
        ax.axvline(0, color="black", linewidth=0.6)
        ax.set_title(f"{name}: match weights (log2 Bayes factor)", fontsize=9)
    axes[-1, 0].set_xlabel("log2 Bayes factor (m / u); * = u per value (term frequency)")
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
