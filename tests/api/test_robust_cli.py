"""A new user's first commands: --version, plain flags in help, keys, serve's banner, inspect-draw
without --scores, and the key -> serve -> query -> page walk-through of the README."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.security import KeyRing, Role

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "contract-example"


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env=env)


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and re.fullmatch(r"credgraph \d+\.\d+\.\d+\S*\n", result.output)


def test_flags_show_no_type_tag_but_valued_options_do() -> None:
    result = invoke("run", "--help", env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert "<bool>" not in result.output
    assert re.search(r"--strict\s+exit 3", result.output) and re.search(r"--help\s+Show", result.output)
    assert re.search(r"--out\s+<path>", result.output)


def test_the_example_ships_in_the_repository_as_the_contract_has_it() -> None:
    names = {p.name for p in EXAMPLE.iterdir()}
    assert {"firms.csv", "persons.csv", "affiliations.csv", "credit_records.csv", "events.jsonl"} <= names
    shared = ROOT.parent / "shared" / "contract" / "example"
    if shared.is_dir():  # beside the shared contract, the copy must not drift
        for p in shared.iterdir():
            assert (EXAMPLE / p.name).read_bytes() == p.read_bytes(), p.name


def test_keys_create_prints_the_key_once_and_stores_only_its_hash(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    first = invoke("keys", "create", "--name", "alice", "--role", "investigator", "--file", str(path))
    second = invoke("keys", "create", "--name", "svc", "--role", "service", "--file", str(path))
    assert first.exit_code == second.exit_code == 0, first.output
    key = first.stdout.strip().splitlines()[0]
    assert len(key) >= 40 and key not in path.read_text(encoding="utf-8")
    assert (path.stat().st_mode & 0o777) == 0o600
    ring = KeyRing.load(path)
    assert (ring.by_key(key).name, ring.by_key(key).role) == ("alice", Role.INVESTIGATOR)
    assert ring.by_key(second.stdout.strip().splitlines()[0]).role == Role.SERVICE
    listed = invoke("keys", "list", "--file", str(path))
    assert "alice\tinvestigator" in listed.output and key not in listed.output
    assert invoke("keys", "revoke", "alice", "--file", str(path)).exit_code == 0
    assert KeyRing.load(path).by_key(key) is None and len(KeyRing.load(path)) == 1


def test_keys_create_uses_the_configured_key_file(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "api-keys.json"
    env = {"CREDGRAPH_API_KEYS_FILE": str(path)}
    result = invoke("keys", "create", "--name", "bob", "--role", "steward", env=env)
    assert result.exit_code == 0 and len(KeyRing.load(path)) == 1


def test_keys_create_refuses_an_unknown_role_and_a_toml_file(tmp_path: Path) -> None:
    bad_role = invoke("keys", "create", "--name", "x", "--role", "boss", "--file", str(tmp_path / "k.json"))
    assert bad_role.exit_code == 2 and not (tmp_path / "k.json").exists()
    toml = invoke("keys", "create", "--name", "x", "--role", "admin", "--file", str(tmp_path / "k.toml"))
    assert toml.exit_code == 2 and "JSON key files" in toml.output and "Traceback" not in toml.output


def test_serve_banner_warns_loudly_without_keys() -> None:
    from api.commands.serve import banner

    lines = banner("127.0.0.1", 8000, 0)
    assert "http://127.0.0.1:8000/ui/investigate" in "\n".join(lines)
    assert "http://127.0.0.1:8000/ui/review" in "\n".join(lines)
    assert "http://127.0.0.1:8000/docs" in "\n".join(lines)
    assert "http://127.0.0.1:8000/ui/punish" in "\n".join(lines)
    assert any("no API keys are configured" in line for line in lines)
    assert any("credgraph keys create" in line for line in lines)
    assert not any("no API keys" in line for line in banner("0.0.0.0", 9000, 2))


def test_serve_with_list_shaped_keys_says_so_without_a_traceback() -> None:
    result = invoke("serve", env={"CREDGRAPH_API_KEYS": '["k1", "k2"]'})
    assert result.exit_code == 2
    assert "CREDGRAPH_API_KEYS must be a JSON object" in result.output and "Traceback" not in result.output


def test_inspect_draw_defaults_to_the_latest_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    missing = invoke("inspect-draw", "--n", "2", "--seed", "3")
    assert missing.exit_code == 2 and "no risk_scores.csv" in missing.output and "--scores" in missing.output
    header = "subject_type,subject_id,score,own_score,related_score,model_version,top_reasons\n"
    rows = "".join(f"firm,F{i},0.{i}5,0.1,0.1,v1,[]\n" for i in range(1, 8))
    (tmp_path / "out" / "old").mkdir(parents=True)
    (tmp_path / "out" / "old" / "risk_scores.csv").write_text(header + "firm,OLD,0.5,0.1,0.1,v0,[]\n")
    time.sleep(0.05)
    (tmp_path / "out" / "demo").mkdir()
    (tmp_path / "out" / "demo" / "risk_scores.csv").write_text(header + rows)
    result = invoke("inspect-draw", "--n", "2", "--seed", "3")
    assert result.exit_code == 0, result.output
    drawn = json.loads((tmp_path / "inspection_draw.json").read_text(encoding="utf-8"))
    assert "OLD" not in json.dumps(drawn) and "F" in json.dumps(drawn)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_key_serve_query_page_walkthrough(tmp_path: Path) -> None:
    """The README's walk-through, as a user types it: make a key, serve the example, query, open a page."""
    exe = Path(sys.executable).with_name("credgraph")
    credgraph = str(exe) if exe.exists() else shutil.which("credgraph")
    assert credgraph, "credgraph is not installed in this environment"
    env = {**os.environ, "CREDGRAPH_API_KEYS_FILE": str(tmp_path / "keys.json")}
    for name in ("CREDGRAPH_API_KEYS", "CREDGRAPH_GRAPH_URI"):
        env.pop(name, None)
    made = subprocess.run(
        [credgraph, "keys", "create", "--name", "alice", "--role", "investigator"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    key = made.stdout.strip()
    port = _free_port()
    server = subprocess.Popen(
        [credgraph, "serve", "--data", str(EXAMPLE), "--port", str(port)],
        cwd=tmp_path, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        seen: list[str] = []
        deadline = time.monotonic() + 240
        assert server.stderr is not None
        while time.monotonic() < deadline:
            line = server.stderr.readline()
            if not line and server.poll() is not None:
                break
            seen.append(line)
            if line.startswith("ready:"):
                break
        text = "".join(seen)
        assert "ready: listening on" in text, text
        assert f"http://127.0.0.1:{port}/ui/investigate" in text and "1 API key(s) configured" in text
        base = f"http://127.0.0.1:{port}"
        req = urllib.request.Request(f"{base}/entities/91330803MA2D00037J/risk", headers={"X-API-Key": key})
        with urllib.request.urlopen(req, timeout=30) as resp:
            risk = json.load(resp)
        assert risk["subject_id"] == "91330803MA2D00037J" and 0.0 <= risk["score"] <= 1.0
        with urllib.request.urlopen(f"{base}/", timeout=30) as resp:  # / leads to the login page
            assert resp.status == 200 and resp.url.endswith("/ui/login?next=/ui/")
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_cli_hides_torch_s_jit_script_warning_and_only_that() -> None:
    import warnings

    from api.cli import quiet_third_party_warnings

    said = "`torch.jit.script` is deprecated. Please switch to `torch.compile` or `torch.export`."
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quiet_third_party_warnings()
        for text, module in ((said, "torch.jit._script"), ("another", "torch.jit._script"), (said, "ours")):
            warnings.warn_explicit(text, FutureWarning, "x.py", 1, module=module)
    assert [(str(w.message)[:7], w.filename) for w in caught] == [("another", "x.py"), (said[:7], "x.py")]


def test_importing_torch_geometric_after_the_cli_prints_no_warning() -> None:
    code = "import api.cli, torch_geometric"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0 and "Warning" not in run.stderr, run.stderr


def test_run_refuses_a_world_the_embedded_store_cannot_hold(tmp_path: Path, monkeypatch: Any) -> None:
    import graph.memory_budget as budget

    monkeypatch.setattr(budget, "BYTES_PER_ROW", 2**50)  # every row now "needs" a petabyte
    result = invoke("run", str(EXAMPLE), "--out", str(tmp_path / "out"), "--quiet")
    assert result.exit_code == 2, result.output
    assert "embedded graph store would need" in result.output and "bolt://" in result.output
    assert not (tmp_path / "out" / "resolutions.csv").exists()  # refused before resolving
    forced = invoke("run", str(EXAMPLE), "--out", str(tmp_path / "out2"), "--quiet", "--no-memory-check")
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "out2" / "resolutions.csv").exists()
