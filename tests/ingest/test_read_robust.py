"""Bad input never aborts the run nor vanishes: a broken line or row is quarantined with its file,
line, field and reason and the load goes on; GB18030 exports are read and reported; an unreadable
optional value is cleared with a warning and its row (and what hangs on it) kept."""

import json
from pathlib import Path

import pytest

from ingest.dataset import read_dataset
from ingest.errors import ContractError
from ingest.records import QuarantinedRow

FIRM = "92330803MA2D00010P"  # the example's first firm, operator 330821197803120318
NEW_FIRM = "91330803MA2D000903"  # a valid code the example does not hold


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def write_lines(path: Path, lines: list[str], encoding: str = "utf-8") -> None:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))


def at(rows: list[QuarantinedRow], file: str) -> list[tuple[int, str, str]]:
    return [(r.line, r.field, r.reason) for r in rows if r.file == file]


def test_a_broken_json_line_is_quarantined_and_the_rest_loads(data_dir: Path) -> None:
    path = data_dir / "events.jsonl"
    lines = lines_of(path)
    lines[2] = lines[2][:-5]
    write_lines(path, lines)
    ds = read_dataset(data_dir)
    assert at(ds.quarantine, "events.jsonl") == [(3, "*", "bad_json")]
    assert len(ds.events) == len(lines) - 1
    assert ds.rows_read["events.jsonl"] == len(lines)


def test_the_broken_json_message_says_at_once() -> None:
    from ingest.sources import _json_problem

    try:
        json.loads('{"text": "unterminated')
    except json.JSONDecodeError as exc:
        message = _json_problem(exc)
    assert "at at" not in message and "at (column" not in message
    assert message == "broken JSON: Unterminated string starting (column 10)"


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('["E9", "complaint"]', "a JSON list where an object is expected"),
        ("[" * 100_000, "nested too deep"),
        ('{"event_id": "E9", "text": "x"', "broken JSON"),
    ],
)
def test_hostile_json_lines_are_quarantined(data_dir: Path, line: str, words: str) -> None:
    path = data_dir / "events.jsonl"
    lines = lines_of(path)
    write_lines(path, [*lines, line])
    ds = read_dataset(data_dir)
    (row,) = [r for r in ds.quarantine if r.file == "events.jsonl"]
    assert (row.line, row.reason) == (len(lines) + 1, "bad_json") and words in row.value
    assert len(ds.events) == len(lines)


def test_a_line_over_one_mebibyte_is_quarantined_unparsed(data_dir: Path) -> None:
    path = data_dir / "events.jsonl"
    lines = lines_of(path)
    huge = json.dumps({"event_id": "E9", "source": "complaint", "text": "很" * 600_000}, ensure_ascii=False)
    write_lines(path, [huge, *lines])
    ds = read_dataset(data_dir)
    (row,) = [r for r in ds.quarantine if r.file == "events.jsonl"]
    assert (row.line, row.reason) == (1, "too_long") and "limit 1,048,576" in row.value
    assert len(ds.events) == len(lines)


def test_a_100000_character_name_is_quarantined_with_its_length(data_dir: Path) -> None:
    path = data_dir / "firms.csv"
    lines = lines_of(path)
    cells = lines[1].split(",")
    cells[1] = "衢" * 100_000
    lines[1] = ",".join(cells)
    write_lines(path, lines)
    ds = read_dataset(data_dir)
    (row,) = [r for r in ds.quarantine if r.file == "firms.csv"]
    assert (row.line, row.field, row.reason) == (2, "name", "too_long")
    assert "100,000 characters; limit 300" in row.value and len(row.value) < 100
    assert FIRM not in {f.uscc for f in ds.firms}


def test_an_over_long_event_text_is_quarantined(data_dir: Path) -> None:
    path = data_dir / "events.jsonl"
    obj = {"event_id": "E9", "source": "complaint", "occurred_at": "2024-05-06", "text": "吵" * 30_000}
    write_lines(path, [*lines_of(path), json.dumps(obj, ensure_ascii=False)])
    assert at(read_dataset(data_dir).quarantine, "events.jsonl") == [(9, "text", "too_long")]


def test_a_csv_cell_over_the_csv_module_limit_is_quarantined(data_dir: Path) -> None:
    path = data_dir / "credit_records.csv"
    lines = lines_of(path)
    write_lines(path, [*lines, "C9,firm,,某公司,admin_penalty,,,2024-01-01,,," + "x" * 200_000, lines[1]])
    ds = read_dataset(data_dir)
    # the over-long row, then the repeated first row (a duplicate): both reported, the file read on
    assert at(ds.quarantine, "credit_records.csv") == [
        (len(lines) + 1, "*", "too_long"),
        (len(lines) + 2, "record_id", "duplicate_key"),
    ]


def test_bad_row_says_how_many_cells_were_expected_and_got(data_dir: Path) -> None:
    path = data_dir / "persons.csv"
    write_lines(path, [*lines_of(path), "330821197803120326,李某"])
    (row,) = [r for r in read_dataset(data_dir).quarantine if r.file == "persons.csv"]
    assert row.reason == "bad_row" and row.value == "expected 6 cells (the header's), got 2"


def test_an_unterminated_quote_quarantines_its_row_and_keeps_the_others(data_dir: Path) -> None:
    path = data_dir / "credit_records.csv"
    lines = lines_of(path)
    write_lines(path, [*lines, 'C9,firm,,"某公司,admin_penalty,,,2024-01-01,,,'])
    ds = read_dataset(data_dir)
    (row,) = [r for r in ds.quarantine if r.file == "credit_records.csv"]
    assert (row.line, row.reason) == (len(lines) + 1, "bad_row") and "unreadable CSV" in row.value
    assert len(ds.credit_records) == len(lines) - 1


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_a_gbk_or_gb18030_export_is_read_and_reported(
    data_dir: Path, example_dir: Path, encoding: str
) -> None:
    for name in ("firms.csv", "events.jsonl"):
        path = data_dir / name
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    got, want = read_dataset(data_dir), read_dataset(example_dir)
    assert got.quarantine == want.quarantine
    firms = [[(f.uscc, f.name, f.address) for f in ds.firms] for ds in (got, want)]
    assert firms[0] == firms[1]
    assert [e.raw_text for e in got.events] == [e.raw_text for e in want.events]
    notes = {(w.file, w.reason) for w in got.warnings} - {(w.file, w.reason) for w in want.warnings}
    assert notes == {("firms.csv", "encoding"), ("events.jsonl", "encoding")}
    note = next(w for w in got.warnings if w.reason == "encoding")
    assert "GB18030" in note.value and "iconv -f GB18030 -t UTF-8" in note.value


def test_one_gbk_line_in_a_utf8_file_is_quarantined_with_a_hint(data_dir: Path) -> None:
    path = data_dir / "firms.csv"
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3].decode("utf-8").encode("gbk")
    path.write_bytes(b"\n".join(lines))
    ds = read_dataset(data_dir)
    (row,) = [r for r in ds.quarantine if r.file == "firms.csv"]
    assert (row.line, row.reason) == (4, "bad_encoding")
    assert "not UTF-8" in row.value and "GB18030" in row.value and "mixes encodings" in row.value
    assert len(ds.firms) == len([x for x in lines if x.strip()]) - 2


def test_one_bad_line_before_any_other_non_ascii_does_not_switch_a_utf8_file(
    data_dir: Path, example_dir: Path
) -> None:
    """A stray GBK line that comes first must not make the whole (UTF-8) file read as GB18030."""
    path = data_dir / "events.jsonl"
    stray = '{"event_id": "E0", "source": "complaint", "occurred_at": "2024-01-01", "text": "门口堆物"}'
    path.write_bytes(stray.encode("gbk") + b"\n" + path.read_bytes())
    ds = read_dataset(data_dir)
    assert at(ds.quarantine, "events.jsonl") == [(1, "*", "bad_encoding")]
    assert not [w for w in ds.warnings if w.reason == "encoding"]
    assert [e.raw_text for e in ds.events] == [e.raw_text for e in read_dataset(example_dir).events]


def test_a_utf8_line_in_a_gb18030_file_is_quarantined_as_mixed(data_dir: Path) -> None:
    path = data_dir / "firms.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    body = [line.encode("gb18030") for line in lines]
    body[2] = lines[2].encode("utf-8")
    path.write_bytes(b"\n".join(body) + b"\n")
    ds = read_dataset(data_dir)
    (row,) = [r for r in ds.quarantine if r.file == "firms.csv"]
    assert (row.line, row.reason) == (3, "bad_encoding") and "mixes encodings" in row.value
    assert len(ds.firms) == len(lines) - 2
    assert [(w.line, w.reason) for w in ds.warnings if w.file == "firms.csv"] == [(2, "encoding")]


def test_a_utf16_file_is_refused_with_the_encoding_and_how_to_convert(data_dir: Path) -> None:
    path = data_dir / "persons.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    with pytest.raises(ContractError) as info:
        read_dataset(data_dir)
    assert (info.value.file, info.value.line) == ("persons.csv", 1)
    assert "UTF-16LE" in str(info.value) and "iconv -f UTF-16LE -t UTF-8" in str(info.value)


def test_a_bad_optional_date_clears_the_value_and_keeps_the_firm_and_its_ties(
    data_dir: Path, example_dir: Path
) -> None:
    path = data_dir / "firms.csv"
    lines = lines_of(path)
    assert lines[1].startswith(FIRM) and ",2015-04-01," in lines[1]
    lines[1] = lines[1].replace(",2015-04-01,", ",2015-02-30,")
    write_lines(path, lines)
    ds, clean = read_dataset(data_dir), read_dataset(example_dir)
    assert ds.quarantine == clean.quarantine == []
    firm = next(f for f in ds.firms if f.uscc == FIRM)
    assert firm.founded_on is None and firm.name
    assert [w for w in ds.warnings if w.file == "firms.csv"] == [
        QuarantinedRow("firms.csv", 2, "founded_on", "2015-02-30", "cleared_date")
    ]
    ties = [a for a in ds.affiliations if a.firm_uscc == FIRM]
    assert ties and len(ties) == len([a for a in clean.affiliations if a.firm_uscc == FIRM])


@pytest.mark.parametrize(
    ("file", "line", "field", "value"),
    [
        ("firms.csv", f"{NEW_FIRM},测试有限公司,,,,,,,,,active,,很多万", "registered_capital_wan", "很多万"),
        ("persons.csv", "330821197803120326,李某,F,1978-13-12,,", "birth_date", "1978-13-12"),
        ("affiliations.csv", f"person,330821197803120318,{FIRM},shareholder,150,,", "share_pct", "150"),
        ("credit_records.csv", "C9,firm,,某公司,admin_penalty,,,2024-01-01,,5千,", "amount_yuan", "5千"),
    ],
)
def test_bad_optional_values_are_cleared_with_a_warning(
    data_dir: Path, file: str, line: str, field: str, value: str
) -> None:
    path = data_dir / file
    lines = lines_of(path)
    write_lines(path, [*lines, line])
    ds = read_dataset(data_dir)
    assert [r for r in ds.quarantine if r.file == file] == []
    got = [(w.line, w.field, w.value, w.reason) for w in ds.warnings if w.file == file]
    reason = "cleared_date" if field == "birth_date" else "cleared_number"
    assert (len(lines) + 1, field, value.replace("万", ""), reason) in got


@pytest.mark.parametrize(
    ("line", "field", "reason"),
    [
        # an empty end_date or expires_on means "still open": clearing a bad one would assert that
        (f"person,330821197803120318,{FIRM},executive,,2020-01-01,2024/02/30", "end_date", "bad_date"),
        ("C9,firm,,某公司,admin_penalty,,,2024-01-01,next year,,", "expires_on", "bad_date"),
    ],
)
def test_dates_whose_emptiness_means_open_still_quarantine(
    data_dir: Path, line: str, field: str, reason: str
) -> None:
    file = "affiliations.csv" if line.startswith("person") else "credit_records.csv"
    path = data_dir / file
    write_lines(path, [*lines_of(path), line])
    got = [(r.field, r.reason) for r in read_dataset(data_dir).quarantine if r.file == file]
    assert got == [(field, reason)]
