"""Active learning: which pairs a steward should judge next so that the matcher learns most.

The pool is every pending pair a run put in the queue: the review band, the near-misses below it
(where most missed links are) and auto links that are not yet sure. Each pair's value is its
uncertainty, measured in log-odds against both places where a verdict changes what the matcher
does (0.5, where match and no match trade places, and the auto-link threshold). Pairs are then
picked greedily with diminishing returns per comparison pattern (the levels its evidence shows,
per entity type), so a batch covers many patterns instead of 250 copies of the most uncertain
one, and at most `per_record` candidates of one record are taken in a batch.
"""

from __future__ import annotations

import heapq
import math
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

_PART = re.compile(r"^(?P<name>[A-Za-z_]\w*):\s+(?P<level>.*?)\s*[+-]\d+(?:\.\d+)?$")

NEXT_COLUMNS = [
    "item_id",
    "source",
    "record_id",
    "entity_type",
    "entity_id",
    "score",
    "mention",
    "candidate_name",
    "evidence",
]


class PoolItem(Protocol):
    """What ranking reads of a queue item (resolution.review_queue.ReviewItem has it)."""

    @property
    def item_id(self) -> int: ...
    @property
    def source(self) -> str: ...
    @property
    def record_id(self) -> str: ...
    @property
    def entity_type(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def evidence(self) -> str: ...


T = TypeVar("T", bound=PoolItem)


@dataclass(frozen=True, slots=True)
class ActiveConfig:
    auto_threshold: float = 0.8
    width: float = 1.5  # log-odds: how far from a threshold a pair still counts as uncertain
    diversity: float = 1.0  # exponent of the per-pattern discount 1 / (1 + picked) ** diversity
    per_record: int = 2


def pattern(entity_type: str, evidence: str) -> tuple[str, ...]:
    """The comparison pattern of a pair: entity type and the (comparison, level) pairs its
    evidence waterfall shows, weights dropped ('prior' left out)."""
    parts = []
    for part in evidence.split(";")[1:]:
        m = _PART.match(part.split("→")[0].strip())
        if m and m.group("name") != "prior":
            parts.append(f"{m.group('name')}={m.group('level').rstrip(' =')}")
    return (entity_type, *sorted(parts))


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def uncertainty(score: float, cfg: ActiveConfig) -> float:
    """In (0, 1]: 1 at 0.5 or at the auto threshold, falling with the log-odds distance to them."""
    z = _logit(score)
    d = min(abs(z), abs(z - _logit(cfg.auto_threshold)))
    return math.exp(-0.5 * (d / cfg.width) ** 2)


def choose(items: Sequence[T], n: int, cfg: ActiveConfig | None = None) -> list[T]:
    """The n pairs to ask about, most informative first (uncertainty with diversity)."""
    cfg = cfg or ActiveConfig()
    heap = [(-uncertainty(it.score, cfg), it.item_id, k) for k, it in enumerate(items)]
    heapq.heapify(heap)
    picked_pattern: Counter[tuple[str, ...]] = Counter()
    picked_record: Counter[tuple[str, str]] = Counter()
    patterns = [pattern(it.entity_type, it.evidence) for it in items]
    out: list[T] = []
    while heap and len(out) < n:
        neg, item_id, k = heapq.heappop(heap)
        it = items[k]
        if picked_record[(it.source, it.record_id)] >= cfg.per_record:
            continue
        value = uncertainty(it.score, cfg) / (1 + picked_pattern[patterns[k]]) ** cfg.diversity
        if value < -neg - 1e-12:  # stale: its pattern was picked since; put it back at its value
            heapq.heappush(heap, (-value, item_id, k))
            continue
        out.append(it)
        picked_pattern[patterns[k]] += 1
        picked_record[(it.source, it.record_id)] += 1
    return out


def choose_random(items: Sequence[T], n: int, seed: int = 0) -> list[T]:
    """n pairs drawn uniformly from the same pool (the baseline active choice must beat)."""
    return random.Random(seed).sample(list(items), min(n, len(items)))
