"""Credit records published with masked or missing codes: how well the product resolves them.

One command:  python -m bench.credit_resolution [--size 20k] [--size 200k] [--label NAME]

For each size: `credgraph synth` (ingest.synth.generate) with a seed fixed before any result was
seen, then a generator-independent variant: a random 10 % of persons (seed fixed too) are removed
from persons.csv after generation and their credit records kept, so their truth becomes "no
registered subject"; affiliation rows naming them go too (a registry without the person has no
roles for them). events.jsonl is cut to its first 20,000 lines at both sizes, so the 200k run
fits this machine: events still take part in the fit, as in `credgraph run`.

Resolution is `resolution.pipeline.resolve_dataset(ds, ResolverConfig())`, the code path of
`credgraph run` without a promoted matcher. Reported for credit records needing resolution, per
subject type and overall: auto_link precision and recall, the share of records whose subject is
not registered that get an auto link, the share of records with a review row, records/s of the
whole resolution stage (events included). Appends a labelled section to
bench/results/credit_resolution.md (so "before" and "after" sit in one file).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import shutil
import subprocess
import time
from collections import defaultdict
from pathlib import Path

from ingest.dataset import read_dataset
from ingest.synth import generate
from resolution.pipeline import resolve_dataset
from resolution.resolver import ResolverConfig

RESULTS = Path(__file__).parent / "results" / "credit_resolution.md"
SIZES = {"20k": (20_000, 7101), "200k": (200_000, 7102)}
DROP_SEED = 7103
DROP_SHARE = 0.10
MAX_EVENTS = 20_000


def make_world(work: Path, n_firms: int, seed: int) -> tuple[Path, dict[str, tuple[str, str]], set[str]]:
    """Synth world with 10 % of persons removed; returns dir, truth (record → type, id) and the
    ids of records whose subject is not registered."""
    raw, out = work / "raw", work / "world"
    if not (raw / "persons.csv").exists():
        generate(raw, n_firms, seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    with open(raw / "persons.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    rng = random.Random(DROP_SEED)
    dropped = {r[0] for r in body if rng.random() < DROP_SHARE}
    _write(out / "persons.csv", header, [r for r in body if r[0] not in dropped])
    with open(raw / "affiliations.csv", encoding="utf-8", newline="") as fh:
        aff = list(csv.reader(fh))
    ih, ii = aff[0].index("holder_type"), aff[0].index("holder_id")
    _write(
        out / "affiliations.csv",
        aff[0],
        [r for r in aff[1:] if not (r[ih] == "person" and r[ii] in dropped)],
    )
    for name in ("firms.csv", "credit_records.csv", "credit_records_truth.csv", "events_truth.csv"):
        shutil.copy(raw / name, out / name)
    with (
        open(raw / "events.jsonl", encoding="utf-8") as src,
        open(out / "events.jsonl", "w", encoding="utf-8") as dst,
    ):
        for i, line in enumerate(src):
            if i >= MAX_EVENTS:
                break
            dst.write(line)
    truth: dict[str, tuple[str, str]] = {}
    with open(raw / "credit_records_truth.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            truth[r["record_id"]] = (r["subject_type"], r["subject_id"])
    unregistered = {rid for rid, (t, sid) in truth.items() if t == "person" and sid in dropped}
    return out, truth, unregistered


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def measure(size: str, work_root: Path) -> dict[str, dict[str, float]]:
    n_firms, seed = SIZES[size]
    t0 = time.perf_counter()
    world, truth, unregistered = make_world(work_root / size, n_firms, seed)
    t_world = time.perf_counter() - t0
    ds = read_dataset(world)
    n_records = len(ds.events) + sum(1 for r in ds.credit_records if r.needs_resolution)
    t1 = time.perf_counter()
    links = resolve_dataset(ds, ResolverConfig())
    t_res = time.perf_counter() - t1
    masked = {r.record_id: r.subject_type.value for r in ds.credit_records if r.needs_resolution}
    auto: dict[str, set[tuple[str, str]]] = defaultdict(set)
    review: set[str] = set()
    for lk in links:
        if lk.source.value != "credit_records":
            continue
        if lk.decision.value == "auto_link":
            auto[lk.record_id].add((lk.entity_type.value, lk.entity_id))
        elif lk.decision.value == "review":
            review.add(lk.record_id)
    out: dict[str, dict[str, float]] = {}
    for group in ("person", "firm", "all"):
        ids = [rid for rid, t in masked.items() if group in ("all", t) and rid in truth]
        n_auto = sum(len(auto[r]) for r in ids)
        n_true = sum(1 for r in ids if truth[r] in auto[r])
        registered = [r for r in ids if r not in unregistered]
        unreg = [r for r in ids if r in unregistered]
        out[group] = {
            "records": len(ids),
            "unregistered": len(unreg),
            "precision": n_true / n_auto if n_auto else 1.0,
            "recall": n_true / len(registered) if registered else 1.0,
            "unregistered_auto_linked": sum(1 for r in unreg if auto[r]) / len(unreg) if unreg else 0.0,
            "review_share": sum(1 for r in ids if r in review) / len(ids) if ids else 0.0,
        }
    # calibration: person credit pairs scored >= 0.5, by score band: mean score vs share correct
    bands = [(0.5, 0.8), (0.8, 0.95), (0.95, 0.99), (0.99, 1.01)]
    for lo, hi in bands:
        scored = [
            (lk.score, truth.get(lk.record_id) == (lk.entity_type.value, lk.entity_id))
            for lk in links
            if lk.source.value == "credit_records"
            and masked.get(lk.record_id) == "person"
            and lo <= lk.score < hi
            and lk.record_id in truth
        ]
        out[f"calibration {lo:.2f}-{min(hi, 1.0):.2f}"] = {
            "pairs": len(scored),
            "mean_score": sum(x for x, _ in scored) / len(scored) if scored else float("nan"),
            "share_true": sum(1 for _, ok in scored if ok) / len(scored) if scored else float("nan"),
        }
    out["run"] = {
        "persons": len(ds.persons),
        "firms": len(ds.firms),
        "records_resolved": n_records,
        "resolution_s": t_res,
        "records_per_s": n_records / t_res,
        "world_s": t_world,
    }
    return out


def report(label: str, size: str, res: dict[str, dict[str, float]]) -> str:
    run = res["run"]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    lines = [
        f"### {label}: {size} firms (synth seed {SIZES[size][1]}, drop seed {DROP_SEED})",
        "",
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {commit}; {int(run['firms']):,} firms, "
        f"{int(run['persons']):,} registered persons after the drop; resolution of "
        f"{int(run['records_resolved']):,} records (events + masked credit records) in "
        f"{run['resolution_s']:.0f} s = {run['records_per_s']:.0f} records/s "
        "(one worker, shared 2-core machine).",
        "",
        "| credit records | records | subject unregistered | precision | recall "
        "| unregistered auto-linked | review share |",
        "|---|---|---|---|---|---|---|",
    ]
    for g in ("person", "firm", "all"):
        r = res[g]
        lines.append(
            f"| {g} | {int(r['records']):,} | {int(r['unregistered']):,} "
            f"| {r['precision']:.4f} | {r['recall']:.4f} "
            f"| {r['unregistered_auto_linked']:.4f} | {r['review_share']:.4f} |"
        )
    lines += [
        "",
        "Calibration of person credit-record pairs (score band: pairs, mean score, "
        "share whose entity is the true subject):",
        "",
        "| band | pairs | mean score | share true |",
        "|---|---|---|---|",
    ]
    for key, r in res.items():
        if key.startswith("calibration"):
            lines.append(
                f"| {key.split()[1]} | {int(r['pairs']):,} | {r['mean_score']:.4f} | {r['share_true']:.4f} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", action="append", choices=sorted(SIZES))
    ap.add_argument("--label", default="current code")
    ap.add_argument("--work", type=Path, default=Path("/tmp/credgraph-credit-bench"))
    args = ap.parse_args()
    if not RESULTS.exists():
        RESULTS.write_text(
            "# Masked credit records: resolution quality at two registry sizes\n\n"
            "Produced by `python -m bench.credit_resolution --size 20k --size 200k --label ...`; "
            "see the module docstring for the world, the 10 % unregistered variant and the metrics. "
            "Targets (issue 10): precision ≥ 0.99, recall ≥ 0.97, unregistered auto-linked ≤ 0.02.\n\n",
            encoding="utf-8",
        )
    for size in args.size or ["20k"]:
        res = measure(size, args.work)
        text = report(args.label, size, res)
        print(text)
        with open(RESULTS, "a", encoding="utf-8") as fh:
            fh.write(text + "\n")


if __name__ == "__main__":
    main()
