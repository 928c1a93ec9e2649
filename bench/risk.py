"""Risk benchmark: the four models side by side on a generated world, training time, memory, scoring speed.

    python -m bench.risk --firms 200000 --seed 7          # writes bench/results/risk.md and plots

The world comes from ingest.synth (seed not tuned on); links are the generator's ground truth so that
the risk models are measured apart from resolution quality. Test cutoff T = --as-of (default
2024-12-31): train on snapshots T-24m/T-36m, validate on T-12m, test on (T, T+12m]. Scoring speed is
timed on a fresh snapshot at the latest date (features + model + reasons for every subject).
"""

from __future__ import annotations

import argparse
import os
import platform
import threading
import time
from datetime import date
from pathlib import Path

import psutil

from gnn.config import RiskConfig
from gnn.evaluate import evaluate_models
from gnn.pipeline import score_snapshot
from gnn.snapshots import default_as_of, make_snapshot
from graph.features_tables import tables_from_dataset
from ingest.dataset import read_dataset, read_truth
from ingest.records import SubjectType
from ingest.synth import generate
from resolution.links import Decision, Link, LinkSource

WORK = Path(__file__).resolve().parent / ".work"
RESULTS = Path(__file__).resolve().parent / "results"


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


def fast_tables(out: Path):
    """GraphTables straight from the contract files with pandas (no text normalisation: risk needs no
    event text). Links are the ground truth. Used because ingest of 1M event texts dominates otherwise."""
    import json

    import pandas as pd

    from graph.model import NodeLabel, RelType
    from graph.tables import GraphTables

    rd = lambda name: pd.read_csv(out / name, dtype=str, keep_default_na=False).replace("", None)  # noqa: E731
    firms, persons, aff, recs = (
        rd(f) for f in ("firms.csv", "persons.csv", "affiliations.csv", "credit_records.csv")
    )
    firms = firms.rename(columns={"uscc": "key"})
    firms["founded_on"] = pd.to_datetime(firms["founded_on"], errors="coerce")
    firms["registered_capital_wan"] = pd.to_numeric(firms["registered_capital_wan"], errors="coerce")
    persons = persons.rename(columns={"person_id": "key"})
    lab = {"firm": "Firm", "person": "Person"}
    nodes: dict = {NodeLabel.FIRM: firms, NodeLabel.PERSON: persons}
    edges: dict = {}
    aff["src_label"] = aff["holder_type"].map(lab)
    aff = aff.rename(columns={"holder_id": "src", "firm_uscc": "dst"}).assign(dst_label="Firm")
    aff["share_pct"] = pd.to_numeric(aff["share_pct"], errors="coerce")
    for c in ("start_date", "end_date"):
        aff[c] = pd.to_datetime(aff[c], errors="coerce")
    for role, df in aff.groupby("role"):
        edges[RelType(str(role).upper())] = df[
            ["src_label", "src", "dst_label", "dst", "share_pct", "start_date", "end_date"]
        ].reset_index(drop=True)
    for rel, col, dst_label in (
        (RelType.REGISTERED_AT, "address", "Address"),
        (RelType.HAS_PHONE, "phone", "Phone"),
    ):
        parts = []
        for label, df in (("Firm", firms), ("Person", persons)):
            keys = df[col].fillna("").str.replace(r"\s+" if col == "address" else r"\D", "", regex=True)
            parts.append(
                pd.DataFrame({"src_label": label, "src": df["key"], "dst_label": dst_label, "dst": keys})
            )
        e = pd.concat(parts, ignore_index=True)
        edges[rel] = e[e["dst"] != ""].reset_index(drop=True)
        nodes[NodeLabel.ADDRESS if col == "address" else NodeLabel.PHONE] = pd.DataFrame(
            {"key": edges[rel]["dst"].unique()}
        )
    truth_r = rd("credit_records_truth.csv")
    recs["decided_on"] = pd.to_datetime(recs["decided_on"], errors="coerce")
    recs["expires_on"] = pd.to_datetime(recs["expires_on"], errors="coerce")
    recs["amount_yuan"] = pd.to_numeric(recs["amount_yuan"], errors="coerce")
    nodes[NodeLabel.CREDIT_RECORD] = recs.rename(columns={"record_id": "key"})
    direct = recs[~recs["record_id"].isin(truth_r["record_id"]) & recs["subject_id"].notna()]
    so = [
        pd.DataFrame(
            {
                "src_label": direct["subject_type"].map(lab),
                "src": direct["subject_id"],
                "dst_label": "CreditRecord",
                "dst": direct["record_id"],
                "decision": None,
            }
        ),
        pd.DataFrame(
            {
                "src_label": truth_r["subject_type"].map(lab),
                "src": truth_r["subject_id"],
                "dst_label": "CreditRecord",
                "dst": truth_r["record_id"],
                "decision": "auto_link",
            }
        ),
    ]
    edges[RelType.SUBJECT_OF] = pd.concat(so, ignore_index=True).assign(score=None, model_version=None)
    rows = []
    with (out / "events.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            e = json.loads(line)
            rows.append((e["event_id"], e["source"], e["occurred_at"], e.get("category")))
    evs = pd.DataFrame(rows, columns=["key", "source", "occurred_at", "category"])
    evs["occurred_at"] = pd.to_datetime(evs["occurred_at"], errors="coerce")
    nodes[NodeLabel.EVENT] = evs
    te = rd("events_truth.csv")
    edges[RelType.MENTIONS] = pd.DataFrame(
        {
            "src_label": "Event",
            "src": te["event_id"],
            "dst_label": te["entity_type"].map(lab),
            "dst": te["entity_id"],
            "score": 1.0,
            "decision": "auto_link",
            "model_version": "truth",
        }
    )
    return GraphTables(nodes=nodes, edges=edges)


def load_world(n_firms: int, seed: int, ingest: bool = False):
    out = WORK / f"risk_f{n_firms}_s{seed}"
    if not (out / "firms.csv").exists():
        generate(out, n_firms, seed)
    if not ingest:
        return fast_tables(out), out
    ds = read_dataset(out)
    truth = read_truth(out)
    links = [
        Link(LinkSource.EVENTS, rid, SubjectType(kind), code, 1.0, Decision.AUTO_LINK, "truth", "truth")
        for rid, kind, code in truth.events
    ]
    links += [
        Link(
            LinkSource.CREDIT_RECORDS, rid, SubjectType(kind), code, 1.0, Decision.AUTO_LINK, "truth", "truth"
        )
        for rid, kind, code in truth.credit_records
    ]
    return tables_from_dataset(ds, links), out


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


def _plot_distribution(path: Path, scored) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for st in ("firm", "person"):
        s = scored.loc[scored["subject_type"] == st, "score"].to_numpy()
        ax.hist(s, bins=60, range=(0, 1), alpha=0.6, label=f"{st} (n={len(s)})", log=True)
    ax.set_xlabel("risk score")
    ax.set_ylabel("subjects (log)")
    ax.set_title("Risk score distribution at the latest date")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _f(v: object) -> str:
    return "–" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))


def write_report(out: Path, rep, scored, timings: dict, mach: dict, args: dict) -> None:
    """bench/results/risk.md plus plots; targets checked from the figures of this run."""
    out.mkdir(parents=True, exist_ok=True)
    rep.plot_precision_at_k(out / "risk_precision_at_k.png")
    rep.plot_precision_at_k(out / "risk_precision_at_k_no_own.png", subset="no_own_record")
    _plot_distribution(out / "risk_distribution.png", scored)
    baselines = ("own_gbm", "graph_gbm", "ppr")
    lines = (
        [
            f"# Risk benchmark ({args['firms']:,} firms, seed {args['seed']}, test cutoff {args['as_of']})",
            "",
            f"Command: `python -m bench.risk --firms {args['firms']} --seed {args['seed']}`.",
            "Links: the generator's ground truth (risk measured apart from resolution).",
            "Other agents shared the 2 CPU cores during",
            f"the run (load average at start {mach['load_avg_at_start']}): timings are pessimistic.",
            "",
            "| machine | |",
            "|---|---|",
        ]
        + [f"| {k} | {v} |" for k, v in mach.items()]
        + ["", "## Models", ""]
    )
    lines += [rep.to_markdown(), ""]
    lines += [
        "## Ours vs best baseline (same run)",
        "",
        "| subset | metric | best baseline | ours: gnn | ours: gnn_stack | stack − baseline |",
        "|---|---|---|---|---|---|",
    ]
    verdict = {}
    for sub in ("all", "no_own_record", "firms"):
        for metric in ("roc_auc", "pr_auc", "p_at_1pct"):
            vals = {m: rep.get(m, sub, metric) for m in baselines}
            best_m = max((m for m in vals if vals[m] is not None), key=lambda m: vals[m], default=None)
            best = vals.get(best_m) if best_m else None
            g, st = rep.get("gnn", sub, metric), rep.get("gnn_stack", sub, metric)
            diff = None if best is None or st is None else st - best
            verdict[(sub, metric)] = (best, g, st)
            lines.append(f"| {sub} | {metric} | {_f(best)} ({best_m}) | {_f(g)} | {_f(st)} | {_f(diff)} |")
    b_no, g_no, s_no = verdict[("no_own_record", "roc_auc")]
    b_all, _, s_all = verdict[("all", "roc_auc")]
    t_ok = timings["train_s"] < 900
    s_ok = timings["score_total_s"] < 120
    lines += [
        "",
        "## Targets",
        "",
        "| target | figure | met |",
        "|---|---|---|",
        f"| stack beats best baseline by ≥ 0.03 ROC-AUC, no own record | {_f(s_no - b_no if s_no else None)} "
        f"| {'yes' if s_no and s_no - b_no >= 0.03 else 'NO'} |",
        f"| GNN alone vs best baseline, no own record | {_f(g_no - b_no if g_no else None)} | "
        f"{'yes' if g_no and g_no - b_no >= 0.03 else 'NO'} |",
        f"| stack not worse overall | {_f(s_all - b_all if s_all else None)} | "
        f"{'yes' if s_all and s_all >= b_all else 'NO'} |",
        f"| training < 15 min | {timings['train_s']:.0f} s | {'yes' if t_ok else 'NO'} |",
        f"| scoring every subject < 2 min | {timings['score_total_s']:.0f} s for "
        f"{timings['subjects_scored']:,} subjects | {'yes' if s_ok else 'NO'} |",
        "",
        "## Timings and memory",
        "",
        "| what | value |",
        "|---|---|",
    ]
    lines += [f"| {k} | {_f(v) if isinstance(v, float) else v} |" for k, v in timings.items()]
    info = rep.info
    lines += [
        "",
        f"Evaluation model: {info.get('model_kind')}, snapshots {info.get('snapshots')}, blend "
        f"(b0, b1·gbm, b2·gnn) = {[round(b, 3) for b in info.get('blend', [])]}.",
        "",
        "GNN epochs (loss, validation ROC-AUC, seconds):",
        "",
    ]
    for h in info.get("gnn_history") or []:
        lines.append(
            f"- epoch {h['epoch']}: loss {h['loss']:.4f}, val AUC {h['val_auc']:.4f}, {h['seconds']} s"
        )
    lines += [
        "",
        "Plots: `risk_precision_at_k.png`, `risk_precision_at_k_no_own.png`, `risk_distribution.png`.",
        "",
    ]
    (out / "risk.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out / 'risk.md'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--firms", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--as-of", default="2024-12-31")
    ap.add_argument("--no-gnn", action="store_true")
    ap.add_argument(
        "--ingest", action="store_true", help="load through ingest.read_dataset (slow at 1M events)"
    )
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = RiskConfig(use_gnn=not args.no_gnn, seed=0)
    t0 = time.perf_counter()
    tables, path = load_world(args.firms, args.seed, args.ingest)
    t_load = time.perf_counter() - t0
    as_of = date.fromisoformat(args.as_of)
    print(f"world {path}: {tables.node_count()} nodes, {tables.edge_count()} edges, loaded in {t_load:.0f}s")
    with PeakRss() as mem_eval:
        t1 = time.perf_counter()
        rep = evaluate_models(tables, as_of, config)
        t_eval = time.perf_counter() - t1
    print(rep.to_markdown())
    # scoring speed: the evaluated model scores every subject at the latest date (features + model + reasons);
    # training time is the evaluation's fit (same work as `credgraph train` at any cutoff)
    latest = default_as_of(tables)
    model = rep.model
    t_train = rep.info["train_seconds"]
    with PeakRss() as mem_score:
        t3 = time.perf_counter()
        snap = make_snapshot(tables, latest, model.categories)
        t_feat = time.perf_counter() - t3
        scored = score_snapshot(model, snap, config.max_reasons, config.explain_fraction)
        t_score = time.perf_counter() - t3
    timings = {
        "load_world_s": t_load,
        "evaluate_s": t_eval,
        "train_s": t_train,
        "score_features_s": t_feat,
        "score_total_s": t_score,
        "subjects_scored": len(scored),
        "throughput_per_s": len(scored) / t_score,
        "peak_rss_eval_gib": mem_eval.peak / 2**30,
        "peak_rss_score_gib": mem_score.peak / 2**30,
    }
    for k, v in timings.items():
        print(f"{k}: {v:.2f}" if isinstance(v, float) else f"{k}: {v}")
    write_report(args.out, rep, scored, timings, machine(), {**vars(args), "as_of": args.as_of})


if __name__ == "__main__":
    main()
