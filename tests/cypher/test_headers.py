"""Every Cypher file declares what it uses: its header's params are exactly its $names, its
template slots hold only members of the closed graph enums, and it is one statement."""

from __future__ import annotations

import itertools
import re

import pytest

import cypher
from graph.model import NODE_KEY, NodeLabel, RelType
from graph.queries import edge_statement, node_statement, query

NAMES = cypher.names()
LABELS = {str(x) for x in NodeLabel}
RELS = {str(x) for x in RelType}
# `(n:Firm`, `[r:LEGAL_REP|OPERATOR]`, `WHEN m:Firm`: a colon glued to a capitalised name
_LABEL_USE = re.compile(r"\w*:([A-Z][A-Za-z_|]*)")


def renderings(name: str) -> list[str]:
    """The file rendered for every combination of the values its template allows."""
    slots = cypher.header(name).template
    if not slots:
        return [query(name)]
    out = []
    for combo in itertools.product(*slots.values()):
        values = {s: NodeLabel(v) if v in LABELS else RelType(v) for s, v in zip(slots, combo, strict=True)}
        out.append(query(name, **values))
    return out


def test_the_three_groups_are_there() -> None:
    assert {n.split("/")[0] for n in NAMES} == {"schema", "write", "read"}
    assert len(NAMES) >= 15


@pytest.mark.parametrize("name", NAMES)
def test_header_params_are_the_names_used(name: str) -> None:
    h = cypher.header(name)
    assert h.doc, "a header says what the statement is for"
    assert h.params == cypher.used_params(name)


@pytest.mark.parametrize("name", NAMES)
def test_template_slots_come_from_the_closed_enums(name: str) -> None:
    slots = cypher.header(name).template
    for values in slots.values():
        assert values and set(values) <= LABELS | RELS
        assert set(values) <= LABELS or set(values) <= RELS  # a slot holds labels or types, not both
    label_slots = {s for s, v in slots.items() if set(v) <= LABELS}
    allowed = set(slots) | {f"{s}_key" for s in label_slots}
    assert cypher.placeholders(name) <= allowed
    assert set(slots) <= cypher.placeholders(name), "every declared slot is used"


@pytest.mark.parametrize("name", NAMES)
def test_only_enum_labels_and_types_appear(name: str) -> None:
    for text in renderings(name):
        assert "{{" not in text
        for used in _LABEL_USE.findall(text):
            assert set(used.split("|")) <= LABELS | RELS, used
        assert ";" not in text, "one statement per file"


@pytest.mark.parametrize("name", [n for n in NAMES if n.startswith("write/") and n != "write/delete_all"])
def test_writes_are_batched(name: str) -> None:
    assert cypher.body(name).startswith("UNWIND $rows AS row")


def test_every_label_has_a_key_constraint() -> None:
    texts = renderings("schema/node_key")
    for label, key in NODE_KEY.items():
        assert any(f"(n:{label})" in t and f"n.{key} IS UNIQUE" in t for t in texts)


def test_every_writer_is_reachable() -> None:
    for label in NodeLabel:
        assert node_statement(label)[0].startswith("write/merge_")
    for rel in RelType:
        assert edge_statement(NodeLabel.PERSON, rel, NodeLabel.FIRM)[0].startswith("write/merge_")


def test_rendering_refuses_what_the_header_does_not_allow() -> None:
    with pytest.raises(ValueError):
        cypher.render("write/merge_nodes", {"label": "Firm"}, {"label": "uscc"})  # only Address|Phone
    with pytest.raises(ValueError):
        cypher.render("write/merge_nodes", {}, {})
    with pytest.raises(TypeError):
        query("read/node", label="Firm) DETACH DELETE (x")  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        cypher.load("read/nothing_here")


@pytest.mark.parametrize("name", [n for n in NAMES if n.startswith(("write/", "schema/"))])
def test_write_statements_are_idempotent(name: str) -> None:
    """graph.neo4j_store runs a write again when its commit went unanswered (server killed): that is
    only safe because no write creates unconditionally or adds to a value."""
    for text in renderings(name):
        body = re.sub(r"//[^\n]*", "", text).upper()
        schema_only = re.compile(r"CREATE\s+(CONSTRAINT|(TEXT\s+|RANGE\s+)?INDEX)\b.*?IF NOT EXISTS", re.S)
        for m in re.finditer(r"\bCREATE\b", body):  # only schema objects, and only if absent
            assert schema_only.match(body[m.start() :]), name
        assert not re.search(r"=\s*\w+\.\w+\s*\+", body), name  # no n.x = n.x + 1 counters
