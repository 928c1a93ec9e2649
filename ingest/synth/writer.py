"""Writes the world as a contract data directory (CSV with header, JSON Lines), in large chunks.

Only persons that hold a role or a record are written: the registry knows people through firms.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .world import World, day_str

FIRM_HEADER = ["uscc", "name", "other_names", "kind", "legal_rep_name", "legal_rep_id", "address",
               "region_code",
               "phone", "industry", "status", "founded_on", "registered_capital_wan"]
PERSON_HEADER = ["person_id", "name", "gender", "birth_date", "address", "phone"]
AFFIL_HEADER = ["holder_type", "holder_id", "firm_uscc", "role", "share_pct", "start_date", "end_date"]
CREDIT_HEADER = ["record_id", "subject_type", "subject_id", "subject_name", "kind", "authority",
                 "document_no",
                 "decided_on", "expires_on", "amount_yuan", "summary"]


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _d(day: int) -> str:
    return day_str(day) if day >= 0 else ""


def write_csv(path: Path, header: list[str], rows: Iterable[list[str]]) -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(header)
        batch: list[list[str]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 50_000:
                wr.writerows(batch)
                n += len(batch)
                batch.clear()
        wr.writerows(batch)
        n += len(batch)
    return n


def used_persons(w: World) -> list[int]:
    """Persons that hold a role or a record, in index order (the ones persons.csv lists)."""
    used = {w.a_holder[i] for i in range(len(w.a_holder)) if w.a_holder_type[i] == "person"}
    used.update(w.f_legal)
    used.update(idx for st, idx, _k, _d in w.punishments if st == "person")
    return sorted(used)


def write_registry(w: World, out: Path, legal_rep_id_missing: list[bool]) -> dict[str, int]:
    """firms.csv, persons.csv, affiliations.csv; returns row counts."""
    from .lexicon import INDUSTRIES

    used = used_persons(w)
    firms = (
        [w.f_uscc[f], w.f_name[f], "|".join(dict.fromkeys(o for o in w.f_other[f] if o != w.f_name[f])),
         w.f_kind[f],
         w.p_name[w.f_legal[f]], "" if legal_rep_id_missing[f] else w.p_id[w.f_legal[f]], w.f_address[f],
         w.districts[w.f_district[f]].code, w.f_phone[f],
         INDUSTRIES[w.f_industry[f]].name if w.f_kind[f] != "social_org"
         else "社会组织", w.f_status[f], day_str(w.f_founded[f]), _num(w.f_capital[f])]
        for f in range(len(w.f_uscc))
    )
    persons = ([w.p_id[p], w.p_name[p], w.p_gender[p], day_str(w.p_birth[p]), w.p_address[p], w.p_phone[p]]
               for p in used)
    affs = (
        [w.a_holder_type[i],
         w.p_id[w.a_holder[i]] if w.a_holder_type[i] == "person" else w.f_uscc[w.a_holder[i]],
         w.f_uscc[w.a_firm[i]], w.a_role[i], _num(w.a_share[i]), _d(w.a_start[i]), _d(w.a_end[i])]
        for i in range(len(w.a_role))
    )
    return {
        "firms": write_csv(out / "firms.csv", FIRM_HEADER, firms),
        "persons": write_csv(out / "persons.csv", PERSON_HEADER, persons),
        "affiliations": write_csv(out / "affiliations.csv", AFFIL_HEADER, affs),
    }


@dataclass(frozen=True, slots=True)
class EventChunk:
    """A chunk of events already serialised: JSON lines and truth CSV rows (ids hold no commas)."""

    events: str
    truth: str
    n_events: int
    n_truth: int


def serialise(chunk: list[tuple[dict, list[tuple[str, str]]]]) -> EventChunk:
    dumps = json.dumps
    events = "".join([dumps(e, ensure_ascii=False) + "\n" for e, _ in chunk])
    rows = [f"{e['event_id']},{t},{i}\n" for e, truth in chunk for t, i in dict.fromkeys(truth)]
    return EventChunk(events, "".join(rows), len(chunk), len(rows))


class EventSink:
    """events.jsonl and events_truth.csv, appended chunk by chunk."""

    def __init__(self, out: Path) -> None:
        self.ev = (out / "events.jsonl").open("w", encoding="utf-8", newline="\n")
        self.tr = (out / "events_truth.csv").open("w", encoding="utf-8", newline="")
        self.tr.write("event_id,entity_type,entity_id\n")
        self.events = 0
        self.truth = 0

    def write(self, chunk: EventChunk) -> None:
        """Append one serialised chunk (serialising happens where the chunk was made)."""
        self.ev.write(chunk.events)
        self.tr.write(chunk.truth)
        self.events += chunk.n_events
        self.truth += chunk.n_truth

    def close(self) -> None:
        self.ev.close()
        self.tr.close()


def write_hidden(w: World, out: Path) -> int:
    """hidden_risk.csv (debugging and benchmark breakdowns only, not part of the contract): each
    firm's structure tag and latent risk multiplier, each person's latent risk."""
    from .risk import people_risk

    firm_risk = people_risk(w)
    rows = [["firm", w.f_uscc[f], w.f_tag[f],
             f"{w.f_hazard[f] * firm_risk[f]:.4f}"] for f in range(len(w.f_uscc))]
    rows += [["person", w.p_id[p], "", f"{w.p_theta[p]:.4f}"] for p in used_persons(w)]
    return write_csv(out / "hidden_risk.csv", ["subject_type", "subject_id", "structure", "latent_risk"],
                     rows)
