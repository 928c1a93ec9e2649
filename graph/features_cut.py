"""The time cut: the graph as it could have been known on a cutoff date T, and the labels after it.

Every risk feature and model input is built from `cut_tables(tables, T)` only, so nothing dated
after T can leak in: firms founded after T (and their edges), affiliations outside their validity
window at T, credit records decided after T, events that occurred after T, and links that were not
auto-linked are all removed. Firm status is the status at export time, i.e. known only later: it is
blanked in every cut (set to NaN) unless `keep_status=True` is asked for explicitly.
Records that expired on or before T stay in the graph but are marked `active=False`: after credit
repair they no longer count as the subject's own risk.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from graph.model import AFFILIATION_RELS, NodeLabel, RelType
from graph.tables import GraphTables

PUNITIVE = ("admin_penalty", "abnormal_operation", "serious_dishonesty", "dishonest_debtor")
SUBJECT_LABELS = (NodeLabel.FIRM, NodeLabel.PERSON)


def _ts(as_of: date | pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(as_of).normalize()


def _accepted(edges: pd.DataFrame) -> pd.Series:
    """A resolved link counts only when auto-linked; rows published with a valid code have no decision."""
    if "decision" not in edges.columns:
        return pd.Series(True, index=edges.index)
    dec = edges["decision"]
    return dec.isna() | (dec.astype("string") == "auto_link")


def _keep_edges(df: pd.DataFrame, alive: dict[str, pd.Index]) -> pd.DataFrame:
    """Keep edges whose subject endpoints exist in the cut (other endpoint labels are not subjects).

    Each label's keys are one Index whose hash table is built once and reused for every edge table
    (at city size, converting a set of a million event keys for each table was most of the cut)."""
    mask = np.ones(len(df), dtype=bool)
    for side in ("src", "dst"):
        lab = df[f"{side}_label"].astype(str)
        present = pd.unique(lab)
        for label in present:
            keys = alive.get(label)
            if keys is None:
                continue
            found = _member(df[side], keys)
            mask &= found if len(present) == 1 else (lab != label).to_numpy() | found
    return df[mask]


def _member(values: pd.Series, keys: pd.Index) -> np.ndarray:
    if keys.is_unique:
        return keys.get_indexer(values) >= 0
    return values.isin(keys).to_numpy()


def cut_tables(tables: GraphTables, as_of: date | pd.Timestamp, keep_status: bool = False) -> GraphTables:
    """The graph as known on `as_of` (inclusive). Pure: the input tables are not modified."""
    t = _ts(as_of)
    nodes = dict(tables.nodes)  # filtered tables below are new frames; the rest are shared read-only
    firms = nodes.get(NodeLabel.FIRM, pd.DataFrame(columns=["key", "founded_on", "status"]))
    founded = pd.to_datetime(firms["founded_on"], errors="coerce")
    firms = firms[founded.isna() | (founded <= t)].copy()
    if not keep_status and "status" in firms.columns:
        firms["status"] = pd.NA
    nodes[NodeLabel.FIRM] = firms
    recs = nodes.get(NodeLabel.CREDIT_RECORD)
    if recs is not None:
        decided = pd.to_datetime(recs["decided_on"], errors="coerce")
        recs = recs[decided.notna() & (decided <= t)].copy()
        expires = pd.to_datetime(recs["expires_on"], errors="coerce")
        recs["active"] = expires.isna() | (expires > t)
        nodes[NodeLabel.CREDIT_RECORD] = recs
    evs = nodes.get(NodeLabel.EVENT)
    if evs is not None:
        occurred = pd.to_datetime(evs["occurred_at"], errors="coerce")
        # the free text is not needed by any risk feature: leave it out of the cut (memory at 1M events)
        keep = [c for c in evs.columns if c not in ("text", "location")]
        nodes[NodeLabel.EVENT] = evs.loc[occurred.notna() & (occurred <= t), keep]

    alive: dict[str, pd.Index] = {
        str(lab): pd.Index(nodes[lab]["key"])
        for lab in (*SUBJECT_LABELS, NodeLabel.CREDIT_RECORD, NodeLabel.EVENT)
        if lab in nodes
    }
    edges: dict[RelType, pd.DataFrame] = {}
    for rel, df in tables.edges.items():
        # the cheap filters first: a city's MENTIONS hold every candidate link (review and rejected
        # ones too), and only the auto links need their ends looked up
        if rel in AFFILIATION_RELS:
            start = pd.to_datetime(df["start_date"], errors="coerce")
            end = pd.to_datetime(df["end_date"], errors="coerce")
            df = df[(start.isna() | (start <= t)) & (end.isna() | (end > t))]
        elif rel in (RelType.SUBJECT_OF, RelType.MENTIONS):
            df = df[_accepted(df)]
        edges[rel] = _keep_edges(df, alive).copy()
    return GraphTables(nodes=nodes, edges=edges)


def subject_records(tables: GraphTables) -> pd.DataFrame:
    """Credit records joined to their accepted subject: subject_label, subject, record columns."""
    so = tables.edges.get(RelType.SUBJECT_OF)
    recs = tables.nodes.get(NodeLabel.CREDIT_RECORD)
    if so is None or recs is None or so.empty or recs.empty:
        return pd.DataFrame(
            columns=[
                "subject_label",
                "subject",
                "key",
                "kind",
                "document_no",
                "decided_on",
                "expires_on",
                "amount_yuan",
                "active",
            ]
        )
    so = so[_accepted(so)]
    out = so[["src_label", "src", "dst"]].rename(
        columns={"src_label": "subject_label", "src": "subject", "dst": "key"}
    )
    out = out.merge(recs, on="key", how="inner")
    out["subject_label"] = out["subject_label"].astype(str)
    out["decided_on"] = pd.to_datetime(out["decided_on"], errors="coerce")
    if "active" not in out.columns:
        out["active"] = True
    return out


def labels_after(tables: GraphTables, as_of: date | pd.Timestamp, horizon_months: int = 12) -> pd.DataFrame:
    """Target per subject known at `as_of`: 1 if it receives a punitive record in (T, T+horizon].

    Reads the full (uncut) tables, because the label is by definition in the future of T; the
    subjects are those that exist at T. Columns: subject_label, subject, label.
    """
    t = _ts(as_of)
    end = t + pd.DateOffset(months=horizon_months)
    recs = subject_records(tables)
    future = recs[recs["kind"].isin(PUNITIVE) & (recs["decided_on"] > t) & (recs["decided_on"] <= end)]
    hit = set(zip(future["subject_label"], future["subject"], strict=True))
    cut = cut_tables(tables, t)
    rows = []
    for lab in SUBJECT_LABELS:
        keys = cut.nodes.get(lab, pd.DataFrame(columns=["key"]))["key"]
        rows.append(pd.DataFrame({"subject_label": str(lab), "subject": keys.to_numpy()}))
    out = pd.concat(rows, ignore_index=True)
    out["label"] = [
        int((lab, key) in hit) for lab, key in zip(out["subject_label"], out["subject"], strict=True)
    ]
    return out


def default_as_of(tables: GraphTables) -> date:
    """The default as-of date of run, train and score: the latest credit-record decision or event date.

    Registry dates (firm founding, affiliation starts) are not evidence of when the data was current:
    a registry exported a year after the last credit record must not move the cutoff past the data
    (and with it which records count as expired). Today when the data has no dated record or event.
    """
    _, last = data_time_range(tables)
    return last.date() if last is not None else date.today()


def data_time_range(tables: GraphTables) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """Earliest and latest credit-record / event date: where snapshots and the default as-of can lie."""
    dates = []
    recs = tables.nodes.get(NodeLabel.CREDIT_RECORD)
    if recs is not None and len(recs):
        dates.append(pd.to_datetime(recs["decided_on"], errors="coerce"))
    evs = tables.nodes.get(NodeLabel.EVENT)
    if evs is not None and len(evs):
        dates.append(pd.to_datetime(evs["occurred_at"], errors="coerce"))
    if not dates:
        return None, None
    allv = pd.concat(dates).dropna()
    if allv.empty:
        return None, None
    return allv.min().normalize(), allv.max().normalize()
