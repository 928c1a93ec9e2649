"""Plain node/edge tables: the one shape in which a graph leaves a store.

Both stores export the same `GraphTables`, so graph features and the GNN projection are computed
once, identically, whichever store holds the graph.

Node tables (one DataFrame per NodeLabel, column `key` unique):
  Firm: key, name, other_names (|-joined), kind, status, region_code, industry, founded_on,
        registered_capital_wan, address, phone
  Person: key, name, gender, birth_date, address, phone
  Address: key          Phone: key
  CreditRecord: key, kind, subject_name, authority, document_no, decided_on, expires_on, amount_yuan
  Event: key, source, occurred_at, region_code, location, category, text
Edge tables (one DataFrame per RelType), columns src_label, src, dst_label, dst, plus:
  role types: share_pct, start_date, end_date
  SUBJECT_OF: score, decision, model_version (NaN/None for records published with a valid code)
  MENTIONS: score, decision, model_version
Dates are pandas datetime64 (NaT when unknown); missing numbers are NaN.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from graph.model import NodeLabel, RelType


@dataclass
class GraphTables:
    nodes: dict[NodeLabel, pd.DataFrame] = field(default_factory=dict)
    edges: dict[RelType, pd.DataFrame] = field(default_factory=dict)

    def node_count(self) -> int:
        return sum(len(df) for df in self.nodes.values())

    def edge_count(self) -> int:
        return sum(len(df) for df in self.edges.values())
