"""File-level reading: encodings, CSV headers, JSON Lines.

Only a file that cannot be read as a whole stops the load with `ContractError` naming the file and
line: no header, a header without the contract's columns, an empty file, a UTF-16/32 export. A line
or row that cannot be read (bytes in no known encoding, broken JSON, a JSON value that is not an
object, a quote never closed, a line over the size limit, the wrong number of cells) comes out as a
`Broken` item in its place; the readers quarantine it and read on.

Encodings: UTF-8 (a BOM is dropped) is the contract's. Many government systems export GB18030/GBK:
a file whose first non-ASCII line is not UTF-8 but reads as GB18030 is read as GB18030, and a
`Broken(kept=True)` note says so (the run's warnings report the encoding).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ingest.errors import ContractError
from ingest.quarantine import Reason

_PROGRESS_EVERY = 20_000
MAX_LINE_BYTES = 1 << 20  # a JSON line (one event) or a CSV cell above 1 MiB is not a record
_CONVERT_HINT = "convert it with `iconv -f {enc} -t UTF-8 FILE > FILE.utf8`"
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32LE"),
    (b"\x00\x00\xfe\xff", "UTF-32BE"),
    (b"\xff\xfe", "UTF-16LE"),
    (b"\xfe\xff", "UTF-16BE"),
)


@dataclass(frozen=True, slots=True)
class Broken:
    """A line or row that cannot be read as a record; with `kept`, only a note about the file."""

    field: str
    value: str
    reason: Reason
    kept: bool = False


class _Decoder:
    """Decodes a file line by line as UTF-8 or GB18030, chosen from a sample of its non-ASCII lines.

    The first MiB decides (the encoding most of its non-ASCII lines are in), so one stray bad line
    cannot switch a UTF-8 file; a file with no non-ASCII there decides at its first such line. A
    line not in the chosen encoding is replaced by an empty line and noted in `notes` with its line
    number, so the caller reports it where it stood.
    """

    SAMPLE_BYTES = 1 << 20

    def __init__(self) -> None:
        self.encoding: str | None = None  # None until a non-ASCII line is seen
        self.notes: list[tuple[int, Broken]] = []
        self._announced = False

    def lines(self, fh: BinaryIO, name: str, progress: Any = None) -> Iterator[str]:
        self.encoding = _sniff(fh.read(self.SAMPLE_BYTES))
        fh.seek(0)
        done = 0
        for lineno, raw in enumerate(fh, 1):
            if lineno == 1:
                raw = self._first(raw, name)
            if len(raw) > MAX_LINE_BYTES:
                size = f"a line of {len(raw):,} bytes (limit {MAX_LINE_BYTES:,})"
                self.notes.append((lineno, Broken("*", size, Reason.TOO_LONG)))
                text = "\n"
            else:
                text = raw.decode("ascii") if raw.isascii() else self._decode(lineno, raw)
            if progress is not None:
                done += len(raw)
                if lineno % _PROGRESS_EVERY == 0:
                    progress.update(done)
                    done = 0
            yield text
        if progress is not None and done:
            progress.update(done)

    def _first(self, raw: bytes, name: str) -> bytes:
        if raw.startswith(b"\xef\xbb\xbf"):
            self.encoding = "utf-8"
            return raw[3:]
        for bom, enc in _WIDE_BOMS:
            if raw.startswith(bom):
                hint = _CONVERT_HINT.format(enc=enc)
                raise ContractError(name, 1, f"the file is {enc}, not UTF-8: {hint}")
        return raw

    def _broken(self, lineno: int, message: str) -> str:
        self.notes.append((lineno, Broken("*", message, Reason.BAD_ENCODING)))
        return "\n"

    def _decode(self, lineno: int, raw: bytes) -> str:
        if self.encoding is None:
            self.encoding = "gb18030" if _utf8(raw) is None and _gb18030(raw) is not None else "utf-8"
        if self.encoding == "utf-8":
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                where = f"not UTF-8: byte 0x{raw[exc.start]:02x} at column {exc.start + 1}"
                if _gb18030(raw) is not None:
                    where += "; it reads as GB18030, so the file mixes encodings"
                return self._broken(lineno, where)
        if not self._announced:
            self._announced = True
            hint = _CONVERT_HINT.format(enc="GB18030")
            note = f"GB18030 (read as such; UTF-8 is the contract's encoding: {hint})"
            self.notes.append((lineno, Broken("*", note, Reason.ENCODING, kept=True)))
        if _utf8(raw) is not None:
            return self._broken(lineno, "UTF-8 in a file read as GB18030: the file mixes encodings")
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            bad = f"byte 0x{raw[exc.start]:02x} at column {exc.start + 1}"
            return self._broken(lineno, f"not GB18030 like the rest of the file: {bad}")


def _sniff(sample: bytes) -> str | None:
    """The encoding most non-ASCII lines of `sample` are in (UTF-8 on a tie), None if all ASCII."""
    if sample.isascii():
        return None
    lines = sample.split(b"\n")
    if len(sample) >= _Decoder.SAMPLE_BYTES:
        lines.pop()  # cut mid-line
    utf8 = gb = 0
    for line in lines:
        if line.isascii():
            continue
        if _utf8(line) is not None:
            utf8 += 1
        elif _gb18030(line) is not None:
            gb += 1
    if utf8 == gb == 0:
        return None
    return "gb18030" if gb > utf8 else "utf-8"


def _utf8(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _gb18030(raw: bytes) -> str | None:
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return None


def _progress_bar(path: Path, enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=path.stat().st_size, unit="B", unit_scale=True, desc=path.name, leave=False)


def iter_csv(
    path: Path, columns: Sequence[str], progress: bool = False
) -> Iterator[tuple[int, list[str] | Broken]]:
    """Yield (line, cells in the order of `columns`) for each non-blank data row, or a `Broken`.

    The header must hold every contract column (any order, case and surrounding spaces ignored);
    extra columns are allowed and ignored, so a source system may export more than we read.
    A row whose cell count differs from the header's comes out as `Broken` (its values would land
    in the wrong columns), as does a row with an undecodable line or an unreadable quote. `line`
    is the physical line where the row starts (header = 1), also when a quoted cell spans lines.
    """
    name = path.name
    bar = _progress_bar(path, progress)
    dec = _Decoder()
    try:
        with path.open("rb") as fh:
            reader = csv.reader(dec.lines(fh, name, bar), strict=True)
            try:
                header = next(reader)
            except StopIteration:
                raise ContractError(name, 1, "empty file: no header row") from None
            except csv.Error as exc:
                raise ContractError(name, 1, f"unreadable CSV header: {exc}") from None
            if any(not note.kept for _, note in dec.notes):
                raise ContractError(name, 1, f"unreadable CSV header: {dec.notes[0][1].value}")
            order = _check_header(name, header, columns)
            width = len(header)
            last = reader.line_num
            while True:
                broken: Broken | None = None
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    reason = Reason.TOO_LONG if "field larger" in str(exc) else Reason.BAD_ROW
                    cells, broken = [], Broken("*", f"unreadable CSV: {exc}", reason)
                start, last = last + 1, reader.line_num
                for at, note in dec.notes:
                    if note.kept:
                        yield at, note
                    elif broken is None:
                        broken = note
                dec.notes.clear()
                if broken is not None:
                    yield start, broken
                elif len(cells) != width:
                    if not cells or (len(cells) == 1 and not cells[0].strip()):
                        continue  # blank line
                    got = f"expected {width} cells (the header's), got {len(cells)}"
                    yield start, Broken("*", got, Reason.BAD_ROW)
                else:
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


def _json_problem(exc: json.JSONDecodeError) -> str:
    # JSONDecodeError.msg may end in "at" ("Unterminated string starting at"): say the column once
    return f"broken JSON: {exc.msg.removesuffix(' at')} (column {exc.colno})"


def iter_jsonl(path: Path, progress: bool = False) -> Iterator[tuple[int, dict[str, Any] | Broken]]:
    """Yield (line, object) for each non-blank line (first line = 1), or (line, `Broken`).

    A line that is not JSON, nests too deep, or is JSON but not an object comes out as `Broken`.
    """
    name = path.name
    bar = _progress_bar(path, progress)
    loads = json.loads
    dec = _Decoder()
    try:
        with path.open("rb") as fh:
            for lineno, text in enumerate(dec.lines(fh, name, bar), 1):
                if dec.notes:
                    yield from dec.notes
                    broken = any(not note.kept for _, note in dec.notes)
                    dec.notes.clear()
                    if broken:
                        continue
                if not text.strip():
                    continue
                try:
                    obj = loads(text)
                except json.JSONDecodeError as exc:
                    yield lineno, Broken("*", _json_problem(exc), Reason.BAD_JSON)
                    continue
                except RecursionError:
                    yield lineno, Broken("*", "broken JSON: nested too deep", Reason.BAD_JSON)
                    continue
                if not isinstance(obj, dict):
                    msg = f"a JSON {type(obj).__name__} where an object is expected"
                    yield lineno, Broken("*", msg, Reason.BAD_JSON)
                    continue
                yield lineno, obj
    finally:
        if bar is not None:
            bar.close()
