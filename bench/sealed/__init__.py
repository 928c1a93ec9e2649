"""A sealed evaluation bank for resolution (issue 10, item 6), written before anyone looked at how
credgraph does on it.

`write_sealed(registry_dir, out_dir, size)` copies a registry (firms, persons, affiliations) and
writes new events and credit records about it, with their truth, in the contract format. Seeds and
sizes are fixed here; changing them, or the writer, unseals the bank (git history shows when).
"""

from __future__ import annotations

from bench.sealed.writer import SIZES, SealedSize, SealedSummary, write_sealed

__all__ = ["SIZES", "SealedSize", "SealedSummary", "write_sealed"]
