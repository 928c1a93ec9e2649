"""Sealed resolution bench (issue 10, item 6): credgraph's resolution stage on three banks over the
same registry — the synth's own events and credit records, the development bank (bench/heldout) and
the sealed bank (bench/sealed) — side by side, with a precision-recall-review-share curve.

One command:  python -m bench.sealed_resolution [--size 20k] [--size 200k]

Sizes and seeds are fixed in bench/sealed/writer.py (SIZES). Resolution is
`resolution.pipeline.resolve_dataset(ds, ResolverConfig())`, which is what `credgraph run` does
(api/pipeline.py: `active_resolver(ds, ResolverConfig(), ...)` then `resolve_with`) when no matcher
is promoted. Writes bench/results/sealed_resolution.{md,json,png}. Only aggregate figures are
printed or saved: no individual case of the sealed bank, so nobody can tune on it.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import math
import os
import platform
import subprocess
import time
from importlib.metadata import version
from pathlib import Path

import psutil

from bench.heldout import write_heldout
from bench.sealed import SIZES, SealedSize, write_sealed
from bench.sealed.score import LinkRow, by_group, curve, read_truth, score
from ingest.dataset import read_dataset
from ingest.readers import read_credit_records, read_events
from ingest.records import Dataset
from ingest.synth import generate
from resolution.pipeline import resolve_dataset
from resolution.resolver import ResolverConfig

RESULTS = Path(__file__).parent / "results"
BANKS = ("own", "dev", "sealed")
BANK_NAMES = {
    "own": "own templates (synth)",
    "dev": "development bank (bench/heldout)",
    "sealed": "sealed bank",
}
TARGETS = {
    "events": {
        "precision": "≥ 0.98",
        "recall": "≥ 0.85",
        "recall_review": "≥ 0.92",
        "review_share": "≤ 0.08",
        "no_subject_false_link": "≤ 0.02",
    },
    "credit": {"precision": "≥ 0.99", "recall": "≥ 0.97"},
}
LABELS = {
    "precision": "auto_link precision",
    "recall": "auto_link recall",
    "recall_review": "auto_link+review recall",
    "review_share": "review share",
    "no_subject_false_link": "no-subject records falsely auto-linked",
}


def _tags(path: Path, col: str) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {r[next(iter(r))]: r[col] for r in csv.DictReader(fh)}


def _resolve(ds: Dataset, events: list, credit: list) -> tuple[list[LinkRow], list[LinkRow], float]:
    sub = Dataset(
        firms=ds.firms, persons=ds.persons, affiliations=ds.affiliations, events=events, credit_records=credit
    )
    t = time.perf_counter()
    links = resolve_dataset(sub, ResolverConfig())
    secs = time.perf_counter() - t
    ev: list[LinkRow] = []
    cr: list[LinkRow] = []
    for lk in links:
        row = (lk.record_id, lk.entity_type.value, lk.entity_id, float(lk.score), lk.decision.value)
        (ev if lk.source.value == "events" else cr).append(row)
    return ev, cr, secs


def measure(key: str, size: SealedSize, work: Path) -> dict:
    """Synthesise the registry, write the three banks, resolve each, return aggregate figures."""
    world, dev, sealed = (work / f"{n}_{key}" for n in ("world", "dev", "sealed"))
    t = time.perf_counter()
    generate(world, size.firms, size.synth_seed, n_events=size.events)
    ds = read_dataset(world)
    secs: dict[str, float] = {"synth_and_read": time.perf_counter() - t}
    write_heldout(ds, dev, size.events, seed=size.bank_seed)
    write_sealed(world, sealed, size.events, size.credit_records, seed=size.bank_seed)
    banks = {
        "own": (ds.events, ds.credit_records, world),
        "dev": (read_events(dev / "events.jsonl").records, [], dev),
        "sealed": (
            read_events(sealed / "events.jsonl").records,
            read_credit_records(sealed / "credit_records.csv").records,
            sealed,
        ),
    }
    out: dict = {"firms": len(ds.firms), "persons": len(ds.persons), "banks": {}}
    for name, (events, credit, d) in banks.items():
        ev, cr, secs[f"resolve_{name}"] = _resolve(ds, events, credit)
        masked = [c.record_id for c in credit if c.needs_resolution]
        plausible = read_truth(d / "events_plausible.csv")
        e_truth = read_truth(d / "events_truth.csv")
        c_truth = read_truth(d / "credit_records_truth.csv", "record_id")
        e_ids = [e.event_id for e in events]
        n = len(e_ids) + len(masked)
        bank: dict[str, object] = {
            "events": score(ev, e_ids, e_truth, plausible).as_dict(),
            "credit": score(cr, masked, c_truth).as_dict() if masked else None,
            "records_per_s": n / secs[f"resolve_{name}"],
            "seconds": secs[f"resolve_{name}"],
            "curve_events": curve(ev, e_ids, e_truth, plausible),
            "curve_credit": curve(cr, masked, c_truth) if masked else None,
        }
        if name == "sealed":
            forms = _tags(d / "events_tags.csv", "form")
            styles = _tags(d / "events_tags.csv", "style")
            cases = {k: v for k, v in _tags(d / "credit_tags.csv", "case").items() if k in set(masked)}
            bank["by_form"] = {k: f.as_dict() for k, f in by_group(ev, forms, e_truth).items()}
            bank["by_style"] = {k: f.as_dict() for k, f in by_group(ev, styles, e_truth).items()}
            bank["by_case"] = {k: f.as_dict() for k, f in by_group(cr, cases, c_truth).items()}
        out["banks"][name] = bank
    out["seconds"] = secs
    out["size"] = size.__dict__
    return out


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True).stdout.strip()


def _machine(code: str) -> dict[str, str]:
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "machine": f"{os.cpu_count()} CPUs ({cpu}), {psutil.virtual_memory().total / 2**30:.0f} GiB RAM, "
        f"load average {os.getloadavg()[0]:.1f} at start (shared with other work: timings indicative)",
        "date": f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "versions": f"Python {platform.python_version()}; credgraph {version('credgraph')}; "
        + ", ".join(
            f"{p} {version(p)}" for p in ("jieba", "rapidfuzz", "pyahocorasick", "opencc", "pypinyin")
        ),
        "commit": code,
    }


def _code_under_test() -> str:
    """The commit of the code this process imported, taken when it starts: an edit saved to disk
    while a long run goes on is not part of the run and must not be reported as if it were."""
    diff = _git("diff", "HEAD", "--", "resolution", "ingest")
    digest = hashlib.sha1(diff.encode()).hexdigest()[:10]
    dirty = f" + uncommitted changes in resolution/ingest (diff sha1 {digest})"
    return _git("rev-parse", "--short", "HEAD") + (dirty if diff else " (resolution/ and ingest/ clean)")


def _f(x: float | None) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"


def _table(res: dict, part: str) -> list[str]:
    lines = ["| metric | " + " | ".join(BANK_NAMES[b] for b in BANKS) + " | target |", "|---" * 5 + "|"]
    keys = ["precision", "recall", "recall_review", "review_share", "no_subject_false_link"]
    for k in keys:
        cells = [_f((res["banks"][b][part] or {}).get(k)) for b in BANKS]
        lines.append(f"| {LABELS[k]} | " + " | ".join(cells) + f" | {TARGETS[part].get(k, '')} |")
    counts = [res["banks"][b][part] for b in BANKS]
    lines.append(
        "| records / truth pairs / no-subject | "
        + " | ".join(f"{c['records']} / {c['truth_pairs']} / {c['no_subject']}" if c else "–" for c in counts)
        + " | |"
    )
    return lines + [""]


def _group_table(title: str, groups: dict[str, dict]) -> list[str]:
    lines = [
        f"#### Sealed bank, {title} (aggregates)",
        "",
        "| group | records | truth pairs | precision | recall | auto+review recall | review share | "
        "no-subject falsely linked |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for g, f in groups.items():
        lines.append(
            f"| {g} | {f['records']} | {f['truth_pairs']} | {_f(f['precision'])} | {_f(f['recall'])} | "
            f"{_f(f['recall_review'])} | {_f(f['review_share'])} | {_f(f['no_subject_false_link'])} |"
        )
    return lines + [""]


def report(all_res: dict, command: str) -> str:
    lines = [
        "# Sealed resolution bench (issue 10, item 6)",
        "",
        f"Commands (each size run once, in this order): `{command}`",
        "",
        "Three event banks over the same registry, resolved by credgraph's resolution stage "
        "(`resolve_dataset(ds, ResolverConfig())`, as `credgraph run` resolves when no matcher is "
        "promoted; EM fitted on each bank): the synth's own events and credit records, the development "
        "bank (bench/heldout, whose failures were used to write rules) and the sealed bank (bench/sealed, "
        "committed with its seeds before credgraph was run on it). Only aggregates are reported.",
        "",
        "Definitions: precision over auto links (auto links on the development bank's plausible-only "
        "pairs left out); recall over truth pairs; review share = records with a link in review; "
        "no-subject falsely linked = records whose truth is nobody that got an auto link. Credit records: "
        "only those published with a masked or missing code (the ones resolution must link).",
        "",
        "Curve (PNG): for each auto_link threshold t, precision and recall if every candidate scoring at "
        "least t were linked, and review share = records whose best candidate scores in [0.5, t); the "
        "operating point in the tables is the resolver's own decisions: its review share counts every "
        "record with any candidate in review (also beside an auto link), and those decisions need not be "
        "a pure threshold on the score, so table and curve differ at t = 0.8.",
        "",
    ]
    for key, res in all_res.items():
        m, sz = res["meta"], res["size"]
        lines += [
            f"## {sz['firms']:,} firms",
            "",
            f"{m['machine']}. {m['date']}. {m['versions']}. Code: {m['commit']}.",
            "",
            f"Registry: `credgraph synth --firms {sz['firms']} --seed {sz['synth_seed']}` "
            f"({res['firms']} firms, {res['persons']} persons). Banks: {sz['events']} events each "
            f"(own templates: synth with n_events={sz['events']}; development bank seed {sz['bank_seed']}; "
            f"sealed bank seed {sz['bank_seed']}, {sz['credit_records']} credit records).",
            "",
            "### Events",
            "",
            *_table(res, "events"),
            "### Credit records published with a masked or missing code",
            "",
            *_table(res, "credit"),
            "### Speed (resolution stage incl. EM fit, one process)",
            "",
            "| bank | records | seconds | records/s |",
            "|---|---|---|---|",
        ]
        for b in BANKS:
            bk = res["banks"][b]
            n = bk["events"]["records"] + (bk["credit"]["records"] if bk["credit"] else 0)
            lines.append(f"| {BANK_NAMES[b]} | {n} | {bk['seconds']:.1f} | {bk['records_per_s']:.0f} |")
        s = res["banks"]["sealed"]
        lines += [
            "",
            f"Curve: `sealed_resolution_{key}.png`.",
            "",
            *_group_table("events by way of naming the subject", s["by_form"]),
            *_group_table("events by writer's style", s["by_style"]),
            *_group_table("credit records by case", s["by_case"]),
        ]
    return "\n".join(lines) + "\n"


def plot(res: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(13, 5))
    colors = {"own": "tab:gray", "dev": "tab:blue", "sealed": "tab:red"}
    for ax, part in zip(axes, ("curve_events", "curve_credit"), strict=True):
        for b in BANKS:
            c = res["banks"][b][part]
            if not c:
                continue
            t = [p["threshold"] for p in c]
            ax.plot(t, [p["precision"] for p in c], color=colors[b], label=f"{b} precision")
            ax.plot(t, [p["recall"] for p in c], color=colors[b], ls="--", label=f"{b} recall")
            ax.plot(t, [p["review_share"] for p in c], color=colors[b], ls=":", label=f"{b} review share")
        ax.axvline(ResolverConfig().auto_threshold, color="k", lw=0.5)
        ax.set_xlabel("auto_link threshold (review band from 0.5)")
        ax.set_title(
            ("Events" if part == "curve_events" else "Masked credit records")
            + f", {res['size']['firms']:,} firms"
        )
        ax.set_ylim(0, 1.01)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", action="append", choices=sorted(SIZES), help="default: 20k")
    ap.add_argument("--work", type=Path, default=Path("/tmp/credgraph_sealed"))
    ap.add_argument("--report-only", action="store_true", help="rewrite the .md from the saved .json")
    a = ap.parse_args()
    sizes = [] if a.report_only else a.size or ["20k"]
    store = RESULTS / "sealed_resolution.json"
    all_res = json.loads(store.read_text()) if store.exists() else {}
    code = _code_under_test()
    for key in sizes:
        meta = _machine(code)
        res = measure(key, SIZES[key], a.work)
        res["meta"] = meta
        all_res[key] = res
        RESULTS.mkdir(parents=True, exist_ok=True)
        plot(res, RESULTS / f"sealed_resolution_{key}.png")
        for b in BANKS:
            e, c = res["banks"][b]["events"], res["banks"][b]["credit"]
            print(
                f"{key} {b:>6} events: P {_f(e['precision'])} R {_f(e['recall'])} "
                f"R+rev {_f(e['recall_review'])} review {_f(e['review_share'])} "
                f"no-subject false {_f(e['no_subject_false_link'])}"
                + (
                    f" | credit: P {_f(c['precision'])} R {_f(c['recall'])} "
                    f"unregistered false {_f(c['no_subject_false_link'])}"
                    if c
                    else ""
                )
                + f" | {res['banks'][b]['records_per_s']:.0f} rec/s"
            )
    ordered = {k: all_res[k] for k in sorted(all_res, key=lambda k: SIZES[k].firms)}
    store.write_text(json.dumps(ordered, indent=1, ensure_ascii=False), encoding="utf-8")
    cmd = "; ".join(f"python -m bench.sealed_resolution --size {k}" for k in ordered)
    (RESULTS / "sealed_resolution.md").write_text(report(ordered, cmd), encoding="utf-8")
    print(f"wrote {RESULTS / 'sealed_resolution.md'}")


if __name__ == "__main__":
    main()
