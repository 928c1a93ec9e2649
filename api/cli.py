"""The `credgraph` command line: a thin edge that reads Settings and calls the stages."""

from __future__ import annotations

import importlib
import warnings
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any

import typer
from typer.core import TyperOption


def quiet_third_party_warnings() -> None:
    """Hide warnings that are other packages' business and tell a user nothing, each one exactly.

    torch_geometric scripts a few helpers with torch.jit.script when it is imported, which torch
    now calls deprecated (a FutureWarning, several times a run)."""
    warnings.filterwarnings(
        "ignore",
        message=r"`torch\.jit\.script` is deprecated",
        category=FutureWarning,
        module=r"torch\.jit\._script",
    )


quiet_third_party_warnings()

app = typer.Typer(no_args_is_help=True, add_completion=False, help="credgraph: credit knowledge graph")

# Each stage registers its own commands; a stage not yet present is simply absent from --help.
_COMMAND_MODULES = (
    "run", "synth", "resolution", "risk", "serve", "neo4j", "keys", "punish", "matcher", "ingest",
)

_type_tag = TyperOption.display_type_rich


def _no_tag_on_flags(self: TyperOption, ctx: Any) -> str | None:
    # typer tags every option with its type; on a flag (--strict, --help) "<bool>" reads as if the
    # flag took a value, so flags show none
    return None if self.is_flag else _type_tag(self, ctx)


TyperOption.display_type_rich = _no_tag_on_flags  # type: ignore[method-assign]


def package_version() -> str:
    try:
        return version("credgraph")
    except PackageNotFoundError:  # run from a tree that was never installed
        return "unknown"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"credgraph {package_version()}")
        raise typer.Exit()


@app.callback()
def main(
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="print the version and exit"),
    ] = False,
) -> None:
    """credgraph: credit knowledge graph."""


for _name in _COMMAND_MODULES:
    try:
        _mod = importlib.import_module(f"api.commands.{_name}")
    except ModuleNotFoundError as exc:  # only tolerate the module itself being absent
        if exc.name != f"api.commands.{_name}":
            raise
        continue
    _mod.register(app)


if __name__ == "__main__":
    app()
