"""The Cypher statements of credgraph, one per file, shipped as package data.

Files live in schema/, write/ and read/; a file's name is its path without `.cypher`
(`write/merge_nodes`). Each starts with a header of `//` comment lines:

    // What the statement is for (free text, any number of lines).
    // params: rows (list of {key, props})     <- the $names the body uses, details in brackets
    // returns: n                              <- the returned columns
    // template: label=Firm|Person             <- optional: placeholders and their allowed values

A template placeholder `{{label}}` stands for a label or relationship type and `{{label_key}}` for
that label's key property. Values are never substituted into text: they travel as $params. Only
graph.queries renders templates, and only with members of graph.model's closed enums; here
`render` checks each value against the allowed set the file declares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_PARAM = re.compile(r"\$(\w+)")
_BRACKETS = re.compile(r"\([^)]*\)")


@dataclass(frozen=True)
class Header:
    """What a statement's header declares."""

    doc: str
    params: frozenset[str]
    returns: tuple[str, ...]
    template: dict[str, tuple[str, ...]]


def names() -> list[str]:
    """Every statement name, sorted (`read/search`, `schema/node_key`, ...)."""
    root = resources.files(__name__)
    out = []
    for group in ("schema", "write", "read"):
        for entry in root.joinpath(group).iterdir():
            if entry.name.endswith(".cypher"):
                out.append(f"{group}/{entry.name.removesuffix('.cypher')}")
    return sorted(out)


@cache
def load(name: str) -> str:
    """The full text of a statement file (header included); KeyError if there is none."""
    path = resources.files(__name__).joinpath(f"{name}.cypher")
    if not path.is_file():
        raise KeyError(f"no Cypher statement named {name!r}")
    return path.read_text(encoding="utf-8")


def body(name: str) -> str:
    """The statement without its header comment lines."""
    lines = load(name).splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("//")).strip()


def _names_list(text: str) -> list[str]:
    text = _BRACKETS.sub("", text)
    return [part.strip() for part in text.split(",") if part.strip()]


@cache
def header(name: str) -> Header:
    """Parse the header of a statement file."""
    doc: list[str] = []
    fields: dict[str, str] = {}
    for line in load(name).splitlines():
        stripped = line.strip()
        if not stripped.startswith("//"):
            break
        text = stripped[2:].strip()
        key, sep, value = text.partition(":")
        if sep and key in ("params", "returns", "template"):
            fields[key] = value.strip()
        else:
            doc.append(text)
    if "params" not in fields or "returns" not in fields:
        raise ValueError(f"{name}: header must declare 'params:' and 'returns:'")
    template: dict[str, tuple[str, ...]] = {}
    for part in fields.get("template", "").split(";"):
        if part.strip():
            slot, _, allowed = part.partition("=")
            template[slot.strip()] = tuple(v.strip() for v in allowed.split("|") if v.strip())
    return Header(
        doc=" ".join(doc),
        params=frozenset(_names_list(fields["params"])),
        returns=tuple(_names_list(fields["returns"])),
        template=template,
    )


def used_params(name: str) -> frozenset[str]:
    """The $names the body uses (string literals are not searched: our files use none with '$')."""
    return frozenset(_PARAM.findall(body(name)))


def placeholders(name: str) -> frozenset[str]:
    """The template placeholders the body uses (`label`, `label_key`, ...)."""
    return frozenset(_PLACEHOLDER.findall(body(name)))


def render(name: str, slots: dict[str, str], keys: dict[str, str]) -> str:
    """The body with each declared placeholder replaced.

    `slots` maps each template slot to its value, which must be one the header allows; `keys`
    maps each slot to the key property of the label in it (only for slots that are labels).
    """
    declared = header(name).template
    if set(slots) != set(declared):
        raise ValueError(f"{name}: template slots {sorted(declared)} expected, got {sorted(slots)}")
    for slot, value in slots.items():
        if value not in declared[slot]:
            raise ValueError(f"{name}: {value!r} is not allowed in slot {slot!r}")
    values = {**slots, **{f"{slot}_key": key for slot, key in keys.items()}}

    def sub(match: re.Match[str]) -> str:
        try:
            return values[match.group(1)]
        except KeyError:
            raise ValueError(f"{name}: no value for placeholder {match.group(1)!r}") from None

    return _PLACEHOLDER.sub(sub, body(name))
