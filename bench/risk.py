"""Risk benchmark through the product pipeline: read -> resolve -> load -> export -> train -> score.

    python -m bench.risk --firms 20000 --seed 9091 --as-of 2024-12-31   # bench/results/risk.md, reasons.md

The world comes from `credgraph synth` with a seed nothing was tuned on. `credgraph run`'s own code
(api.pipeline.run_pipeline) reads, resolves, loads the embedded store, exports its tables, trains for
the cutoff T and scores every subject at T with reasons; nothing here builds tables of its own or
reads ground-truth links into the graph. Ground truth is read only to label the outcome: a subject is
positive when a punitive record whose true subject it is was decided in (T, T + 12 months].
The same run reports every model the product holds (own-records GBM, graph GBM, GNN alone, the
stack) and two baselines that need no model: personalised PageRank from punished seeds and an
exact-match rule (records and affiliations joined on exact codes only), plus the reason checks of
issue 9 (bench/results/reasons.md). `--before OUT` adds the same figures for an earlier run's
risk_scores.csv on the same world and cutoff (before vs after).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
from sklearn.metrics import average_precision_score, roc_auc_score

WORK = Path(__file__).resolve().parent / ".work"
RESULTS = Path(__file__).resolve().parent / "results"
PUNITIVE = ("admin_penalty", "abnormal_operation", "serious_dishonesty", "dishonest_debtor")


class PeakRss:
    """Peak resident memory of this process while the block runs (sampled every 0.2 s)."""

    def __enter__(self) -> PeakRss:
        self.proc, self.peak, self._stop = psutil.Process(), 0, False
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self) -> None:
        while not self._stop:
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.2)

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        self._t.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)


# ---- ground truth (labels only) ---------------------------------------------------------------------
def truth_records(data_dir: Path) -> pd.DataFrame:
    """Every credit record with its true subject: the published code, or the truth file's for masked ones."""
    recs = pd.read_csv(data_dir / "credit_records.csv", dtype=str, keep_default_na=False)
    truth = pd.read_csv(data_dir / "credit_records_truth.csv", dtype=str, keep_default_na=False)
    t = truth.set_index("record_id")
    masked = recs["record_id"].isin(t.index)
    recs.loc[masked, "subject_type"] = recs.loc[masked, "record_id"].map(t["subject_type"])
    recs.loc[masked, "subject_id"] = recs.loc[masked, "record_id"].map(t["subject_id"])
    recs["decided_on"] = pd.to_datetime(recs["decided_on"], errors="coerce")
    return recs[recs["subject_id"] != ""]


def truth_outcome(data_dir: Path, as_of: date, horizon_months: int = 12) -> tuple[set, set]:
    """(subjects punished in (T, T + horizon], subjects with any punitive record on or before T)."""
    recs = truth_records(data_dir)
    t = pd.Timestamp(as_of)
    pun = recs[recs["kind"].isin(PUNITIVE)]
    key = list(zip(pun["subject_type"], pun["subject_id"], strict=True))
    after = (pun["decided_on"] > t) & (pun["decided_on"] <= t + pd.DateOffset(months=horizon_months))
    before = pun["decided_on"] <= t
    return (
        {k for k, a in zip(key, after, strict=True) if a},
        {k for k, b in zip(key, before, strict=True) if b},
    )


def _metrics(y: np.ndarray, s: np.ndarray) -> dict[str, float | int | None]:
    ok = 0 < y.sum() < len(y)
    k = max(1, int(round(len(y) * 0.01)))
    return {
        "roc_auc": float(roc_auc_score(y, s)) if ok else None,
        "pr_auc": float(average_precision_score(y, s)) if ok else None,
        "p_at_1pct": float(y[np.argsort(-s, kind="stable")[:k]].mean()) if len(y) else None,
        "n": int(len(y)),
        "positives": int(y.sum()),
    }


SUBSETS = ("firms", "firms_no_prior_record", "persons", "all")


def subset_masks(types: np.ndarray, ids: np.ndarray, prior: set) -> dict[str, np.ndarray]:
    firm = types == "firm"
    had = np.array([(t, i) in prior for t, i in zip(types, ids, strict=True)])
    return {
        "firms": firm,
        "firms_no_prior_record": firm & ~had,
        "persons": ~firm,
        "all": np.ones(len(firm), bool),
    }


def score_table(scores: dict[str, np.ndarray], types: np.ndarray, ids: np.ndarray, pos: set, prior: set):
    """Rows model x subset with ROC-AUC, PR-AUC, precision at 1 %."""
    y = np.array([(t, i) in pos for t, i in zip(types, ids, strict=True)], dtype=int)
    masks = subset_masks(types, ids, prior)
    rows = [
        {"model": m, "subset": sub, **_metrics(y[mask], s[mask])}
        for m, s in scores.items()
        for sub, mask in masks.items()
        if mask.any()
    ]
    return pd.DataFrame(rows)


# ---- baselines that need no model --------------------------------------------------------------------
def exact_match_baseline(snap) -> np.ndarray:
    """Own active punitive records published with the subject's exact code (no resolution), then the
    punished parties it is tied to by an exact-code affiliation: 2 x own + 1-hop punished parties."""
    from graph.features_cut import subject_records

    g = snap.features.graph
    recs = subject_records(snap.cut)
    so = snap.cut.edges.get("SUBJECT_OF")
    direct = set(so.loc[so["decision"].isna(), "dst"]) if so is not None and "decision" in so else set()
    recs = recs[
        recs["kind"].isin(PUNITIVE) & recs["active"].fillna(True).astype(bool) & recs["key"].isin(direct)
    ]
    own = np.zeros(g.n)
    for lab, key in zip(recs["subject_label"], recs["subject"], strict=True):
        i = g.index.get((str(lab), str(key)))
        if i is not None:
            own[i] += 1
    return 2.0 * own + g.U @ (own > 0).astype(float)


def model_scores(model, snap) -> dict[str, np.ndarray]:
    """Every model and baseline on one snapshot (higher = riskier)."""
    from gnn.evaluate import model_scores as product_scores

    out = product_scores(model, snap)
    out["exact_match"] = exact_match_baseline(snap)
    return out


# ---- reason checks -------------------------------------------------------------------------------------
def _reasons(text: str) -> list[dict]:
    try:
        r = json.loads(text) if text else []
    except ValueError:
        return [{"type": "unparsed"}]
    return r if isinstance(r, list) else [r]


def with_signal(snap) -> set[tuple[str, str]]:
    """Subjects with something to show at T: an own punitive record (active or expired), an event in the
    model's three-year look-back, or a punished party within two ties or at a shared address / phone."""
    f = snap.features.frame
    cols = [
        "own_any_punitive_ever",
        "ev_total",
        "pun_1hop_n",
        "pun_2hop_n",
        "pun_shared_addr",
        "pun_shared_phone",
    ]
    has = f[cols].to_numpy(dtype=float).sum(axis=1) > 0
    types = np.where(f["subject_label"] == "Firm", "firm", "person")
    return {(t, i) for t, i, h in zip(types, f["subject"], has, strict=True) if h}


def reason_checks(
    risk: pd.DataFrame, tables, as_of: date, base_rate: float, signal: set | None = None
) -> dict:
    """Issue 9's checks on one risk_scores.csv, against the product's own graph as of T.

    Active grounded record: punitive kind, a document number, decided on or before T, not expired
    (expires_on empty or after T), linked to the subject by its published code or an auto_link.
    """
    from graph.features_cut import cut_tables, subject_records

    recs = subject_records(cut_tables(tables, as_of))
    recs = recs[recs["kind"].isin(PUNITIVE)]
    doc = recs["document_no"].fillna("").astype(str).str.strip() != ""
    active = recs["active"].fillna(True).astype(bool)
    lab = {"Firm": "firm", "Person": "person"}
    grounded: dict[tuple, set] = {}
    expired: set = set()
    for st, sid, rid, d, a in zip(
        recs["subject_label"], recs["subject"], recs["key"], doc, active, strict=True
    ):
        if d and a:
            grounded.setdefault((lab[st], sid), set()).add(rid)
        if not a:
            expired.add(rid)
    parsed = {
        (t, i): _reasons(r)
        for t, i, r in zip(risk["subject_type"], risk["subject_id"], risk["top_reasons"], strict=True)
    }
    shown = sum(
        1
        for k, rids in grounded.items()
        if any(r.get("type") == "record" and r.get("record_id") in rids for r in parsed.get(k, [])[:3])
    )
    as_grounds = sum(
        1 for rs in parsed.values() for r in rs if r.get("record_id") in expired and r.get("type") == "record"
    )
    score = risk["score"].astype(float).to_numpy()
    empty = np.array(
        [not parsed[(t, i)] for t, i in zip(risk["subject_type"], risk["subject_id"], strict=True)]
    )
    above = score > base_rate
    top = risk.assign(_s=score).sort_values("_s", ascending=False).head(200)
    lead = Counter()
    lead_dim = Counter()
    for t, i in zip(top["subject_type"], top["subject_id"], strict=True):
        rs = parsed[(t, i)]
        first = rs[0] if rs else {"type": "(none)"}
        name = first.get("type", "?")
        if name == "feature":
            name = f"feature:{first.get('name')}"
        lead[name] += 1
        lead_dim[first.get("dimension", "(none)")] += 1
    kinds_top3 = Counter(
        r.get("type", "?")
        for t, i in zip(top["subject_type"], top["subject_id"], strict=True)
        for r in parsed[(t, i)][:3]
    )
    gnn_named = sum(
        1
        for t, i in zip(top["subject_type"], top["subject_id"], strict=True)
        for r in parsed[(t, i)]
        if r.get("gnn_contribution") or r.get("type") == "gnn_neighbourhood"
    )
    signal = signal or set()
    return {
        "with_signal": len(signal),
        "empty_with_signal": sum(1 for k in signal if not parsed.get(k)),
        "top200_gnn_reasons": gnn_named,
        "subjects_with_active_grounded_record": len(grounded),
        "shown_in_top3": shown,
        "share_shown_in_top3": shown / max(len(grounded), 1),
        "expired_records_presented_as_grounds": as_grounds,
        "base_rate": base_rate,
        "scored": len(risk),
        "share_empty_all": float(empty.mean()),
        "above_base_rate": int(above.sum()),
        "empty_above_base_rate": int((empty & above).sum()),
        "share_empty_above_base_rate": float((empty & above).sum() / max(above.sum(), 1)),
        "top200_lead": dict(lead.most_common()),
        "top200_lead_dimension": dict(lead_dim.most_common()),
        "top200_top3_kinds": dict(kinds_top3.most_common()),
    }


def machine() -> dict[str, str]:
    import lightgbm
    import sklearn
    import torch
    import torch_geometric

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": str(os.cpu_count()),
        "ram_gib": f"{psutil.virtual_memory().total / 2**30:.0f}",
        "cpu": cpu,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_geometric": torch_geometric.__version__,
        "lightgbm": lightgbm.__version__,
        "scikit-learn": sklearn.__version__,
        "load_avg_at_start": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def _f(v: object) -> str:
    return (
        "–"
        if v is None or (isinstance(v, float) and np.isnan(v))
        else (f"{v:.3f}" if isinstance(v, float) else str(v))
    )


def _md_table(df: pd.DataFrame, cols: list[str]) -> list[str]:
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, r in df[cols].iterrows():
        lines.append("| " + " | ".join(_f(v) for v in r) + " |")
    return lines


def run_product(data_dir: Path, out_dir: Path, as_of: date):
    """`credgraph run DATA --out OUT --as-of T` on the embedded store, kept open to export its tables."""
    import shutil

    from api.pipeline import run_pipeline
    from api.settings import Settings
    from graph.store import open_store

    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    settings = Settings(review_db_url=f"sqlite:///{out_dir / 'review.db'}", model_dir=out_dir / "models")
    store = open_store("memory")
    try:
        summary = run_pipeline(data_dir, out_dir, settings, as_of, progress=False, store=store)
        tables = store.export_tables()
    finally:
        store.close()
    return summary, tables


def _risk_csv(path: Path) -> pd.DataFrame:
    with path.open(encoding="utf-8") as fh:
        return pd.DataFrame(list(csv.DictReader(fh)))


def _final_scores(risk: pd.DataFrame, name: str, pos: set, prior: set) -> pd.DataFrame:
    return score_table(
        {name: risk["score"].astype(float).to_numpy()},
        risk["subject_type"].to_numpy(),
        risk["subject_id"].to_numpy(),
        pos,
        prior,
    )


def _checks_lines(title: str, c: dict) -> list[str]:
    return [
        f"### {title}",
        "",
        "| check | figure |",
        "|---|---|",
        f"| subjects with an active grounded punitive record "
        f"| {c['subjects_with_active_grounded_record']:,} |",
        f"| ... showing it among their first three reasons | {c['shown_in_top3']:,} "
        f"({100 * c['share_shown_in_top3']:.1f} %) |",
        f"| expired records presented as grounds | {c['expired_records_presented_as_grounds']} |",
        f"| subjects scored | {c['scored']:,} |",
        f"| with a signal (own record, event in 3 years, punished party within 2 ties or shared contact) "
        f"| {c['with_signal']:,} |",
        f"| ... with no reasons | {c['empty_with_signal']:,} |",
        f"| with no reasons at all | {100 * c['share_empty_all']:.1f} % |",
        f"| scored above the base rate ({c['base_rate']:.4f}) | {c['above_base_rate']:,} |",
        f"| ... with no reasons | {c['empty_above_base_rate']:,} "
        f"({100 * c['share_empty_above_base_rate']:.2f} %) |",
        f"| 200 riskiest: first reason's type | {c['top200_lead']} |",
        f"| 200 riskiest: first reason's dimension | {c['top200_lead_dimension']} |",
        f"| 200 riskiest: types among their first three reasons | {c['top200_top3_kinds']} |",
        f"| 200 riskiest: reasons carrying a GNN share (named party or contact; old: the lump) "
        f"| {c['top200_gnn_reasons']} |",
        "",
    ]


def write_reports(out: Path, ctx: dict) -> None:
    """bench/results/risk.md (models) and bench/results/reasons.md (reason checks, before vs after)."""
    out.mkdir(parents=True, exist_ok=True)
    a, mach, t = ctx["args"], ctx["machine"], ctx["timings"]
    head = [
        f"World: `credgraph synth --firms {a['firms']} --seed {a['seed']}` (a seed nothing was tuned on); "
        f"test cutoff T = {a['as_of']}, outcome = punitive records decided in (T, T + 12 months], "
        "subjects from the ground truth.",
        f"Pipeline: `credgraph run DATA --out OUT --as-of {a['as_of']}` (api.pipeline.run_pipeline: read, "
        "resolve, load the embedded store, export, train, score); links are the resolver's, not the truth.",
        f"Command: `python -m bench.risk --firms {a['firms']} --seed {a['seed']} --as-of {a['as_of']}"
        + (f" --before {a['before']}" if a.get("before") else "")
        + "`.",
        f"Machine: {mach['nproc']} cores, {mach['ram_gib']} GiB, "
        f"load average at start {mach['load_avg_at_start']}, "
        f"{mach['date']}; torch {mach['torch']}, PyG {mach['torch_geometric']}, LightGBM {mach['lightgbm']}.",
        "",
    ]
    cols = ["model", "subset", "roc_auc", "pr_auc", "p_at_1pct", "n", "positives"]
    models = ctx["models"]
    lines = [f"# Risk benchmark ({a['firms']:,} firms, seed {a['seed']}, T = {a['as_of']})", "", *head]
    lines += ["## Every model and baseline, same run", "", *_md_table(models, cols), ""]
    lines += [
        "`own_gbm`: boosted model on the subject's own records and events; `graph_gbm`: boosted model on",
        "own + graph features; `gnn`: the heterogeneous GNN alone; `gnn_stack`: the served score (graph GBM",
        "blended with the GNN); `ppr`: personalised PageRank from punished seeds; `exact_match`: own active",
        "punitive records published with the subject's exact code (x2) plus punished parties tied by",
        "exact-code affiliations (no resolution, no model).",
        "",
        "## Targets (issue 9)",
        "",
        "| target | figure (gnn_stack) | met |",
        "|---|---|---|",
    ]
    for sub, goal in (("firms", 0.84), ("firms_no_prior_record", 0.74), ("persons", 0.68)):
        row = models[(models["model"] == "gnn_stack") & (models["subset"] == sub)]
        v = None if row.empty else row.iloc[0]["roc_auc"]
        lines.append(
            f"| {sub} ROC-AUC ≥ {goal} | {_f(v)} | {'yes' if v is not None and v >= goal else 'NO'} |"
        )
    row = models[(models["subset"] == "persons")].set_index("model")["roc_auc"]
    lines.append(
        f"| persons: stack ≥ exact-match baseline | {_f(row.get('gnn_stack'))} vs "
        f"{_f(row.get('exact_match'))} | "
        f"{'yes' if row.get('gnn_stack', 0) >= row.get('exact_match', 1) else 'NO'} |"
    )
    lines.append(
        f"| scoring every subject < 2 min (after training) | {t['score_total_s']:.1f} s "
        f"for {t['subjects']:,} | "
        f"{'yes' if t['score_total_s'] < 120 else 'NO'} |"
    )
    lines += ["", "## Timings", "", "| what | value |", "|---|---|"]
    lines += [f"| {k} | {_f(v)} |" for k, v in t.items()]
    lines += ["", f"Model: {ctx['model_info']}", ""]
    (out / "risk.md").write_text("\n".join(lines) + "\n", encoding="utf-8")

    r = [
        f"# Reasons a supervisor can check ({a['firms']:,} firms, seed {a['seed']}, T = {a['as_of']})",
        "",
        *head,
    ]
    r += ["## Final score, before vs after", "", *_md_table(ctx["final"], cols), ""]
    r += ["## Reason checks", ""]
    if ctx.get("before_checks"):
        r += _checks_lines(f"Before ({a.get('before')})", ctx["before_checks"])
    r += _checks_lines("After (this commit)", ctx["after_checks"])
    r += [
        "Active grounded record: punitive kind with a document number, decided on or before T, not expired",
        "(expires_on empty or after T), linked to the subject by its published code or an auto_link.",
        "Base rate: the share of subjects punished within 12 months in the model's training snapshots.",
        "",
        "GNN attribution: exact occlusion (each node of the subject's 2-hop computation graph removed in",
        f"turn, all copies in one batched forward); {t.get('gnn_explained', 0):.0f} of "
        f"{t.get('gnn_candidates', 0):.0f} candidate subjects done in {t.get('gnn_occlusion_s', 0):.1f} s.",
        "",
    ]
    (out / "reasons.md").write_text("\n".join(r) + "\n", encoding="utf-8")
    print(f"wrote {out / 'risk.md'} and {out / 'reasons.md'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--firms", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=9091)
    ap.add_argument("--as-of", default="2024-12-31")
    ap.add_argument(
        "--data", type=Path, default=None, help="an existing world (default: synth into bench/.work)"
    )
    ap.add_argument(
        "--before", type=Path, default=None, help="an earlier run's OUT dir on the same world and T"
    )
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument(
        "--reuse-run", action="store_true", help="reuse the last run's outputs and tables (re-score only)"
    )
    args = ap.parse_args()
    import logging

    from gnn.pipeline import base_rate, score_snapshot
    from gnn.registry import ModelRegistry
    from gnn.riskmodel import RiskModel
    from gnn.snapshots import make_snapshot

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    mach = machine()
    as_of = date.fromisoformat(args.as_of)
    data = args.data or WORK / f"risk_f{args.firms}_s{args.seed}"
    if not (data / "firms.csv").exists():
        from ingest.synth import generate

        generate(data, args.firms, args.seed)
    run_out = WORK / f"run_f{args.firms}_s{args.seed}"
    saved = run_out / "tables.pkl"
    with PeakRss() as mem:
        t0 = time.perf_counter()
        if args.reuse_run and saved.exists():
            summary_seconds, tables = pd.read_pickle(saved)
        else:
            summary, tables = run_product(data, run_out, as_of)
            summary_seconds = summary.seconds
            pd.to_pickle((summary_seconds, tables), saved)
        t_run = time.perf_counter() - t0
    reg = ModelRegistry(run_out / "models")
    model = RiskModel.load(reg.path(reg.latest() or ""))
    # scoring speed after training: the saved model scores every subject at T again, reasons included
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    snap = make_snapshot(tables, as_of, model.categories)
    timings["features_s"] = time.perf_counter() - t0
    scored = score_snapshot(
        model, snap, model.config.max_reasons, model.config.explain_fraction, timings=timings
    )
    timings["score_total_s"] = time.perf_counter() - t0
    timings["subjects"] = len(scored)
    timings = {
        "run_total_s": t_run,
        **{f"run_{k}_s": v for k, v in summary_seconds.items()},
        "train_s": float(model.meta.get("train_seconds", float("nan"))),
        **timings,
        "peak_rss_run_gib": mem.peak / 2**30,
    }
    pos, prior = truth_outcome(data, as_of)
    frame = snap.features.frame
    types = np.where(frame["subject_label"] == "Firm", "firm", "person")
    models = score_table(model_scores(model, snap), types, frame["subject"].to_numpy(), pos, prior)
    # the run's own risk_scores.csv; with --reuse-run, this code's re-score of the same model and snapshot
    after = _risk_csv(run_out / "risk_scores.csv") if not args.reuse_run else scored.astype({"score": str})
    rate = base_rate(model, after["score"].astype(float).to_numpy())
    final = [_final_scores(after, "after", pos, prior)]
    signal = with_signal(snap)
    ctx: dict = {
        "args": {**vars(args), "as_of": args.as_of},
        "machine": mach,
        "timings": timings,
        "models": models,
    }
    if args.before:
        before = _risk_csv(args.before / "risk_scores.csv")
        final.insert(0, _final_scores(before, "before", pos, prior))
        ctx["before_checks"] = reason_checks(before, tables, as_of, rate, signal)
    ctx["final"] = pd.concat(final, ignore_index=True)
    ctx["after_checks"] = reason_checks(after, tables, as_of, rate, signal)
    info = {
        k: model.meta.get(k) for k in ("cutoff", "train_snapshots", "val_snapshot", "base_rate", "metrics")
    }
    ctx["model_info"] = f"{model.kind}, blend {[round(b, 3) for b in model.blend]}, {info}"
    print(models.to_string())
    print(json.dumps(ctx["after_checks"], ensure_ascii=False, indent=1))
    write_reports(args.out, ctx)


if __name__ == "__main__":
    main()
