"""Property tests: whatever bytes follow a file's header, reading never raises and never hangs;
every line that is not loaded is accounted for in the quarantine."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.dataset import read_dataset

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "contract-example"

# Lines built from pieces that hurt readers: quotes, commas, braces, NULs, BOMs, GBK bytes, bad UTF-8,
# full-width text, formula prefixes, deep nesting, long runs.
PIECES = st.sampled_from(
    [
        b'"', b",", b"{", b"}", b"[", b"]", b":", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xd5\xc5",
        b"\xc3\x28", b"\r", "张伟０５７０".encode(), b"=cmd|' /C calc'!A0", b'"text": ', b"null",
        b"[" * 3000, b"x" * 5000, b'{"event_id": "E9", "text": "', b"91330803MA2D00037J",
    ]
)  # fmt: skip
LINES = st.lists(st.lists(PIECES, max_size=8).map(b"".join), min_size=1, max_size=6)


def _read_with(extra: dict[str, list[bytes]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(EXAMPLE, data)
        for name, lines in extra.items():
            path = data / name
            path.write_bytes(path.read_bytes() + b"\n".join(lines) + b"\n")
        ds = read_dataset(data)  # must not raise
        loaded = {"firms.csv": ds.firms, "events.jsonl": ds.events, "credit_records.csv": ds.credit_records}
        for name in extra:
            quarantined = sum(1 for q in ds.quarantine if q.file == name)
            # every data row read is loaded or quarantined: nothing vanishes, nothing counts twice
            assert len(loaded[name]) + quarantined == ds.rows_read[name], name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(firms=LINES, events=LINES, credit=LINES)
def test_hostile_lines_never_break_the_read(
    firms: list[bytes], events: list[bytes], credit: list[bytes]
) -> None:
    _read_with({"firms.csv": firms, "events.jsonl": events, "credit_records.csv": credit})
