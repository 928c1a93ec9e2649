"""Split one contract data directory by date into a base folder and increment folders.

The differential test and bench/increment.py feed `credgraph ingest` the same world a full run
reads, cut at dates: rows dated before the first cut form the base; each later period becomes one
increment folder holding only its new or changed rows. The cut follows the records' own dates:

- firms by founding date; a firm cancelled or revoked is registered `active` in its founding
  period and deregistered (its final row) in the last increment; every `rename_every`-th firm of
  the base is first registered under its first other name, at an older shared phone line and without
  address, and renamed (its final row) in the first increment;
- persons in the period of the first firm they are tied to (legal rep or affiliation), else base;
- affiliations in the latest period of their firm, holder and start date; one with an end date in
  a later period arrives open and is ended (its final row) in that period;
- credit records by decision date (not before their published subject), events by occurrence.

Every file is copied as raw rows (CSV lines, JSON lines), so the union of the final rows is the
original directory: base + increments must give what one run over it gives.
"""

from __future__ import annotations

import bisect
import csv
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

FILES = ("firms.csv", "persons.csv", "affiliations.csv", "credit_records.csv", "events.jsonl")
CLOSED = ("cancelled", "revoked")
OLD_PHONE = "0570-3021999"  # the line renamed firms shared before (gone after the rename)


@dataclass
class Split:
    base: Path
    increments: list[Path]
    changes: dict[str, int] = field(default_factory=dict)


def _period(day: str | None, cuts: Sequence[date]) -> int:
    if not day:
        return 0
    try:
        d = date.fromisoformat(day[:10])
    except ValueError:
        return 0
    return bisect.bisect_right(list(cuts), d)


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def split_by_date(
    src: Path, out: Path, cuts: Sequence[date], rename_every: int = 9, deregister: bool = True
) -> Split:
    """Write out/base and out/inc01.. (one a period after each cut) from the directory `src`."""
    n = len(cuts) + 1
    rows: dict[str, list[list[dict[str, str]]]] = {f: [[] for _ in range(n)] for f in FILES[:4]}
    headers: dict[str, list[str]] = {}
    changes: dict[str, int] = defaultdict(int)
    head, firms = _read_csv(src / "firms.csv")
    headers["firms.csv"] = head
    firm_at: dict[str, int] = {}
    base_firms = 0
    for f in firms:
        p = _period(f["founded_on"], cuts)
        firm_at[f["uscc"]] = p
        first = dict(f)
        if deregister and f["status"] in CLOSED and p < n - 1:
            first["status"] = "active"
            rows["firms.csv"][n - 1].append(f)
            changes["deregistered"] += 1
        if p == 0 and n > 1 and f["other_names"]:
            base_firms += 1
            if base_firms % rename_every == 0:
                aliases = f["other_names"].split("|")
                first["name"], first["other_names"] = aliases[0], "|".join(aliases[1:])
                # and at an older shared line and no address: the rename also moves its contacts
                first["phone"], first["address"] = OLD_PHONE, ""
                if rows["firms.csv"][n - 1] and rows["firms.csv"][n - 1][-1] is f:
                    pass  # the last increment's final row also carries the new name
                else:
                    rows["firms.csv"][1].append(f)
                changes["renamed"] += 1
        rows["firms.csv"][p].append(first)
    head, affs = _read_csv(src / "affiliations.csv")
    headers["affiliations.csv"] = head
    head, persons = _read_csv(src / "persons.csv")
    headers["persons.csv"] = head
    person_at: dict[str, int] = {}
    for f in firms:
        if f["legal_rep_id"]:
            person_at[f["legal_rep_id"]] = min(person_at.get(f["legal_rep_id"], n), firm_at[f["uscc"]])
    for a in affs:
        if a["holder_type"] == "person" and a["firm_uscc"] in firm_at:
            p = max(firm_at[a["firm_uscc"]], _period(a["start_date"], cuts))
            person_at[a["holder_id"]] = min(person_at.get(a["holder_id"], n), p)
    for row in persons:
        rows["persons.csv"][min(person_at.get(row["person_id"], 0), n - 1)].append(row)
    for a in affs:
        holder = (firm_at if a["holder_type"] == "firm" else person_at).get(a["holder_id"], 0)
        p = max(firm_at.get(a["firm_uscc"], 0), min(holder, n - 1), _period(a["start_date"], cuts))
        end = _period(a["end_date"], cuts)
        if a["end_date"] and end > p:
            rows["affiliations.csv"][p].append({**a, "end_date": ""})
            rows["affiliations.csv"][end].append(a)
            changes["ended_affiliations"] += 1
        else:
            rows["affiliations.csv"][p].append(a)
    head, credit = _read_csv(src / "credit_records.csv")
    headers["credit_records.csv"] = head
    for r in credit:
        subj = r["subject_id"] and (firm_at if r["subject_type"] == "firm" else person_at).get(
            r["subject_id"]
        )
        rows["credit_records.csv"][max(_period(r["decided_on"], cuts), min(subj or 0, n - 1))].append(r)
    events: list[list[str]] = [[] for _ in range(n)]
    for line in (src / "events.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            events[_period(json.loads(line).get("occurred_at"), cuts)].append(line)
    dirs = [out / "base"] + [out / f"inc{i:02d}" for i in range(1, n)]
    for i, d in enumerate(dirs):
        d.mkdir(parents=True, exist_ok=True)
        for name, parts in rows.items():
            with (d / name).open("w", encoding="utf-8", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=headers[name])
                w.writeheader()
                w.writerows(parts[i])
        (d / "events.jsonl").write_text("".join(x + "\n" for x in events[i]), encoding="utf-8")
    return Split(base=dirs[0], increments=dirs[1:], changes=dict(changes))


def monthly_cuts(first: date, months: int) -> list[date]:
    """`months` cut dates a month apart from `first` (the first day of each month)."""
    out = []
    y, m = first.year, first.month
    for _ in range(months):
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
