"""Held-out event writer: independently phrased governance records about a registry's subjects.

Written apart from ingest/synth (other phrasings, other noise) so that resolution accuracy on
these events estimates accuracy on records nobody here wrote. See bench/heldout_resolution.py.
"""

from .writer import HeldoutSummary, write_heldout

__all__ = ["HeldoutSummary", "write_heldout"]
