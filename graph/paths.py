"""Breadth-first search over affiliation roles, shared by both stores.

A store only answers "which affiliation hops leave these nodes" (`Expand`); the search, the choice
among equally short paths and the ordering live here, so the networkx store and the Neo4j store
give identical answers by construction. Ties are broken by comparing paths step by step on
(src, rel, dst, share): the smallest path wins; results are sorted by (depth, label, key).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from graph.model import Associate, NodeLabel, Step

NodeRef = tuple[NodeLabel, str]


@dataclass(frozen=True, slots=True)
class Hop:
    """One affiliation relationship seen from a node: the step as stored and the node across it."""

    step: Step
    other: NodeRef
    other_name: str | None


# Given a batch of nodes, the hops leaving each (either direction); self-loops left out.
Expand = Callable[[Sequence[NodeRef]], Mapping[NodeRef, Sequence[Hop]]]
StepKey = tuple[str, str, str, float]


def step_key(step: Step) -> StepKey:
    """Total order on steps, used for deterministic tie-breaking."""
    return (step.src, step.rel.value, step.dst, -1.0 if step.share_pct is None else float(step.share_pct))


def path_key(path: Sequence[Step]) -> tuple[StepKey, ...]:
    return tuple(step_key(s) for s in path)


def find_associates(start: NodeRef, depth: int, expand: Expand, limit: int) -> list[Associate]:
    """Nodes within `depth` hops of `start` (start excluded), each with its smallest shortest path,
    sorted by (depth, label, key) and cut at `limit`. Stops expanding once `limit` is reached at a
    completed depth, since deeper nodes would sort after it."""
    best: dict[NodeRef, tuple[Step, ...]] = {start: ()}
    names: dict[NodeRef, str | None] = {}
    found: list[tuple[int, NodeRef]] = []
    frontier = [start]
    for d in range(1, depth + 1):
        if not frontier or len(found) >= limit:
            break
        hops = expand(frontier)
        level: dict[NodeRef, tuple[Step, ...]] = {}
        level_keys: dict[NodeRef, tuple[StepKey, ...]] = {}
        for node in frontier:
            for hop in hops.get(node, ()):
                other = hop.other
                if other in best:
                    continue
                cand = (*best[node], hop.step)
                key = path_key(cand)
                if other not in level or key < level_keys[other]:
                    level[other], level_keys[other] = cand, key
                    names[other] = hop.other_name
        best.update(level)
        frontier = sorted(level)
        found.extend((d, n) for n in frontier)
    return [
        Associate(label=n[0], key=n[1], name=names.get(n), depth=d, path=best[n]) for d, n in found[:limit]
    ]


def find_shortest_paths(
    source: NodeRef, target: NodeRef, expand: Expand, max_depth: int, limit: int
) -> list[tuple[Step, ...]]:
    """All shortest paths from source to target (at most `max_depth` steps), in path order, the
    first `limit` of them. `[()]` when source is target, `[]` when none within max_depth."""
    if source == target:
        return [()]
    dist: dict[NodeRef, int] = {source: 0}
    preds: dict[NodeRef, list[tuple[NodeRef, Step]]] = {}
    frontier = [source]
    reached = False
    for d in range(1, max_depth + 1):
        hops = expand(frontier)
        nxt: set[NodeRef] = set()
        for node in frontier:
            for hop in hops.get(node, ()):
                other = hop.other
                if dist.get(other, d) < d:
                    continue
                if other not in dist:
                    dist[other] = d
                    nxt.add(other)
                preds.setdefault(other, []).append((node, hop.step))
        if target in nxt:
            reached = True
            break
        frontier = sorted(nxt)
        if not frontier:
            break
    if not reached:
        return []
    # Keep only the part of the search that leads to the target, as a DAG of (step, child).
    children: dict[NodeRef, set[tuple[Step, NodeRef]]] = {}
    seen, stack = {target}, [target]
    while stack:
        node = stack.pop()
        for parent, step in preds.get(node, ()):
            children.setdefault(parent, set()).add((step, node))
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    out: list[tuple[Step, ...]] = []

    def walk(node: NodeRef, path: tuple[Step, ...]) -> None:
        if len(out) >= limit:
            return
        if node == target:
            out.append(path)
            return
        for step, child in sorted(children.get(node, ()), key=lambda sc: (step_key(sc[0]), sc[1])):
            walk(child, (*path, step))

    walk(source, ())
    return out
