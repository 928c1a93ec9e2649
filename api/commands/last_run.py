"""Where the latest `credgraph run` left its outputs, for commands that read them (inspect-draw)."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import ConfigError

SCORES = "risk_scores.csv"
# `credgraph run` writes to --out (default ./out); `make demo` to out/demo
_PLACES = (SCORES, f"out/{SCORES}", f"out/*/{SCORES}")


def latest_scores(root: Path = Path(".")) -> Path:
    """The newest risk_scores.csv among ./, out/ and out/*/; a ConfigError says what is missing."""
    found = [p for pattern in _PLACES for p in root.glob(pattern) if p.is_file()]
    if not found:
        raise ConfigError(
            f"no {SCORES} to draw from (looked for {', '.join(_PLACES)} under {root.resolve()}): "
            f"run `credgraph run DATA_DIR --out OUT` first, or pass --scores OUT/{SCORES}"
        )
    return max(found, key=lambda p: p.stat().st_mtime)
