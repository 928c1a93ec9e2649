"""Files written whole or not at all: a temporary file beside the target, renamed over it on success.

A run killed mid-write (SIGKILL, power loss) must not leave a truncated resolutions.csv or a
half-written model meta.json that a later run or reader takes for complete: readers see either the
previous file or the new one. os.replace is atomic on one file system (POSIX rename).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def atomic_open(path: Path, encoding: str = "utf-8", newline: str | None = "") -> Iterator[IO[str]]:
    """A text file handle whose content replaces `path` only when the block ends without error."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding=encoding, newline=newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """`path.write_text(text)`, but all or nothing."""
    with atomic_open(path, encoding=encoding, newline=None) as fh:
        fh.write(text)
    return Path(path)
