"""`credgraph keys create|list|revoke`: API keys in the key file the API reads (hashes only)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from api.security import Role, create_key, read_key_file, revoke_keys
from ingest.errors import CredgraphError

DEFAULT_KEY_FILE = Path("credgraph-keys.json")
console = Console(stderr=True, soft_wrap=True)

FileOption = Annotated[
    Path | None,
    typer.Option(
        "--file", help=f"key file; default: $CREDGRAPH_API_KEYS_FILE, else ./{DEFAULT_KEY_FILE}"
    ),
]


def key_file(file: Path | None) -> Path:
    """The key file a command works on: --file, else the API's CREDGRAPH_API_KEYS_FILE, else the default."""
    if file is not None:
        return file
    env = os.environ.get("CREDGRAPH_API_KEYS_FILE")
    return Path(env) if env else DEFAULT_KEY_FILE


def register(app: typer.Typer) -> None:
    keys = typer.Typer(no_args_is_help=True, help="API keys: create, list, revoke (only hashes are stored)")
    app.add_typer(keys, name="keys")

    @keys.command("create")
    def create(
        name: Annotated[str, typer.Option("--name", help="who uses the key (shown in the audit log)")],
        role: Annotated[Role, typer.Option("--role", help="what the key may do")],
        file: FileOption = None,
    ) -> None:
        """Make a key, print it once (stdout) and store only its sha256 in the key file."""
        path = key_file(file)
        try:
            key = create_key(path, name, role)
        except CredgraphError as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        typer.echo(key)
        console.print(f"key for {name} ({role.value}) stored as its sha256 in {path}; it is shown only now")
        if os.environ.get("CREDGRAPH_API_KEYS_FILE") != str(path):
            console.print(f"serve with: CREDGRAPH_API_KEYS_FILE={path.resolve()} credgraph serve ...")

    @keys.command("list")
    def list_keys(file: FileOption = None) -> None:
        """Names and roles in the key file (keys themselves are never stored)."""
        path = key_file(file)
        try:
            raw = read_key_file(path)
        except CredgraphError as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        if not raw:
            console.print(f"no keys in {path}")
        for key_hash, spec in sorted(raw.items(), key=lambda kv: (kv[1]["name"], kv[0])):
            typer.echo(f"{spec['name']}\t{spec['role']}\tsha256:{key_hash[:12]}…")

    @keys.command("revoke")
    def revoke(
        name: Annotated[str, typer.Argument(help="the name whose keys stop working")],
        file: FileOption = None,
    ) -> None:
        """Remove every key of NAME from the key file (a running server reads it at start)."""
        path = key_file(file)
        try:
            n = revoke_keys(path, name)
        except CredgraphError as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        console.print(f"{n} key(s) of {name} revoked in {path}" if n else f"no key named {name} in {path}")
        if not n:
            raise typer.Exit(1)
