"""The networkx store's search index: every subject's key, name and other names in one string.

A search used to visit every node of the graph (events and addresses too: 2.6 million at city size)
and test six string conditions on each subject. Here the subjects' searchable text is laid end to
end, so `str.find` (C speed) finds the entries that contain the query; only those are ranked, with
the same `search_rank` both stores use. The index only finds candidates, the rank is read off the
node, so answers are those of a scan whatever the index holds; a query holding one of the
separators could match across fields and is scanned instead. The store drops the index on every
write that can change a subject's searchable text and builds it again on the next search.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graph.paths import NodeRef

FIELD_SEP, ENTRY_SEP = "\x00", "\x01"


def searchable(key: str, props: dict[str, Any]) -> str:
    """One subject's entry: key, name and other names, separated."""
    return FIELD_SEP.join([key, props.get("name") or "", *(props.get("other_names") or [])])


@dataclass(frozen=True)
class SearchIndex:
    refs: list[NodeRef]  # the subject of each entry
    starts: list[int]  # where each entry begins in `text`
    text: str

    @classmethod
    def build(cls, subjects: Iterator[tuple[NodeRef, dict[str, Any]]]) -> SearchIndex:
        refs, starts, parts, at = [], [], [], 0
        for ref, props in subjects:
            entry = searchable(ref[1], props) + ENTRY_SEP
            refs.append(ref)
            starts.append(at)
            parts.append(entry)
            at += len(entry)
        return cls(refs, starts, "".join(parts))

    @staticmethod
    def usable(query: str) -> bool:
        return FIELD_SEP not in query and ENTRY_SEP not in query

    def candidates(self, query: str) -> Iterator[NodeRef]:
        """Each subject whose entry contains `query` once (the query holds no separator)."""
        text, starts = self.text, self.starts
        pos = text.find(query)
        while pos >= 0:
            i = bisect_right(starts, pos) - 1
            yield self.refs[i]
            nxt = starts[i + 1] if i + 1 < len(starts) else len(text)
            pos = text.find(query, nxt)
