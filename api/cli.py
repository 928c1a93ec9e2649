"""The `credgraph` command line: a thin edge that reads Settings and calls the stages."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False, help="credgraph: credit knowledge graph")

# Each stage registers its own commands; a stage not yet present is simply absent from --help.
_COMMAND_MODULES = ("run", "synth", "resolution", "risk", "serve", "neo4j")

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
