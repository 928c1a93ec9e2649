"""File-level reading: UTF-8 lines, CSV headers, JSON Lines. Breaks here stop the load.

A file that cannot be read as a whole (not UTF-8, a header without the contract's columns, a JSON
line that does not parse or is not an object) raises `ContractError` naming the file and line:
reading on would load rows whose meaning is unknown. Row-level problems are the readers' business.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from ingest.errors import ContractError

_BOM = "\ufeff"
_PROGRESS_EVERY = 20_000


def _utf8_lines(fh: BinaryIO, name: str, progress: Any = None) -> Iterator[str]:
    """Decode line by line so that the first bad byte is reported with its line number."""
    done = 0
    for lineno, raw in enumerate(fh, 1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ContractError(
                name, lineno, f"not UTF-8: byte 0x{raw[exc.start]:02x} at column {exc.start + 1}"
            ) from None
        if lineno == 1 and text.startswith(_BOM):
            text = text[1:]
        if progress is not None:
            done += len(raw)
            if lineno % _PROGRESS_EVERY == 0:
                progress.update(done)
                done = 0
        yield text
    if progress is not None and done:
        progress.update(done)


def _progress_bar(path: Path, enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=path.stat().st_size, unit="B", unit_scale=True, desc=path.name, leave=False)


def iter_csv(
    path: Path, columns: Sequence[str], progress: bool = False
) -> Iterator[tuple[int, list[str] | None]]:
    """Yield (line, cells in the order of `columns`) for each non-blank data row.

    The header must hold every contract column (any order, case and surrounding spaces ignored);
    extra columns are allowed and ignored, so a source system may export more than we read.
    A row whose cell count differs from the header's gives None instead of cells (its values
    would land in the wrong columns); the reader quarantines it. `line` is the physical line where
    the row starts (header = 1), also when a quoted cell spans lines.
    """
    name = path.name
    bar = _progress_bar(path, progress)
    try:
        with path.open("rb") as fh:
            reader = csv.reader(_utf8_lines(fh, name, bar), strict=True)
            try:
                header = next(reader)
            except StopIteration:
                raise ContractError(name, 1, "empty file: no header row") from None
            except csv.Error as exc:
                raise ContractError(name, 1, f"unreadable CSV header: {exc}") from None
            order = _check_header(name, header, columns)
            width = len(header)
            last = reader.line_num
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    raise ContractError(name, last + 1, f"unreadable CSV: {exc}") from None
                start, last = last + 1, reader.line_num
                if len(cells) != width:
                    if not cells or (len(cells) == 1 and not cells[0].strip()):
                        continue  # blank line
                    yield start, None
                    continue
                yield start, [cells[i] for i in order]
    finally:
        if bar is not None:
            bar.close()


def _check_header(name: str, header: list[str], columns: Sequence[str]) -> list[int]:
    names = [h.strip().lower() for h in header]
    seen: dict[str, int] = {}
    for pos, col in enumerate(names):
        if col in seen and col in columns:
            raise ContractError(name, 1, f"column {col!r} appears twice in the header")
        seen.setdefault(col, pos)
    missing = [c for c in columns if c not in seen]
    if missing:
        raise ContractError(
            name, 1, f"header lacks column(s) {', '.join(missing)}; expected {', '.join(columns)}"
        )
    return [seen[c] for c in columns]


def iter_jsonl(path: Path, progress: bool = False) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line, object) for each non-blank line (first line = 1).

    A line that is not JSON, or JSON that is not an object, stops the load with its line number.
    """
    name = path.name
    bar = _progress_bar(path, progress)
    loads = json.loads
    try:
        with path.open("rb") as fh:
            for lineno, text in enumerate(_utf8_lines(fh, name, bar), 1):
                if not text.strip():
                    continue
                try:
                    obj = loads(text)
                except json.JSONDecodeError as exc:
                    msg = f"broken JSON: {exc.msg} at column {exc.colno}"
                    raise ContractError(name, lineno, msg) from None
                if not isinstance(obj, dict):
                    msg = f"a JSON {type(obj).__name__} where an object is expected"
                    raise ContractError(name, lineno, msg)
                yield lineno, obj
    finally:
        if bar is not None:
            bar.close()
