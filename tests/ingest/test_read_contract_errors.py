"""A file that cannot be read as a whole stops the load with a ContractError naming file and line.

Lines and rows that cannot be read are quarantined instead: see test_read_robust.py.
"""

from pathlib import Path

import pytest

from ingest.dataset import read_dataset
from ingest.errors import ContractError


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def expect_error(data_dir: Path, file: str, line: int | None, words: str) -> None:
    with pytest.raises(ContractError) as info:
        read_dataset(data_dir)
    err = info.value
    assert (err.file, err.line) == (file, line)
    assert words in str(err)
    assert file in str(err)


def test_header_lacks_a_column(data_dir: Path) -> None:
    rewrite(data_dir / "persons.csv", "person_id,name,", "person,name,")
    expect_error(data_dir, "persons.csv", 1, "person_id")


def test_header_repeats_a_column(data_dir: Path) -> None:
    rewrite(data_dir / "affiliations.csv", "share_pct,start_date", "share_pct,role")
    expect_error(data_dir, "affiliations.csv", 1, "twice")


def test_header_order_case_and_extra_columns_are_fine(data_dir: Path) -> None:
    path = data_dir / "persons.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    # move person_id to the end, upper-case a name, add a column the contract does not know
    out = []
    for line in lines:
        cells = line.split(",")
        out.append(",".join([*cells[1:], cells[0], "x"]))
    out[0] = out[0].replace("name", " NAME ").replace(",x", ",source_system")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    ds = read_dataset(data_dir)
    assert ds.quarantine == [] and len(ds.persons) == len(lines) - 1


def test_empty_file(data_dir: Path) -> None:
    (data_dir / "credit_records.csv").write_text("", encoding="utf-8")
    expect_error(data_dir, "credit_records.csv", 1, "no header")


def test_utf8_bom_is_accepted(data_dir: Path) -> None:
    path = data_dir / "firms.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    ds = read_dataset(data_dir)
    assert ds.quarantine == [] and ds.firms


def test_firms_file_is_required(data_dir: Path) -> None:
    (data_dir / "firms.csv").unlink()
    expect_error(data_dir, "firms.csv", None, "required")


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ContractError):
        read_dataset(tmp_path / "absent")


def test_optional_files_may_be_absent(data_dir: Path) -> None:
    for name in ("persons.csv", "affiliations.csv", "credit_records.csv", "events.jsonl"):
        (data_dir / name).unlink()
    ds = read_dataset(data_dir)
    assert ds.firms and not (ds.persons or ds.affiliations or ds.credit_records or ds.events)
    assert set(ds.rows_read) == {"firms.csv"}


def test_blank_lines_are_skipped_and_lines_still_counted(data_dir: Path) -> None:
    path = data_dir / "events.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], "", *lines[1:]]) + "\n", encoding="utf-8")
    ds = read_dataset(data_dir)
    assert ds.rows_read["events.jsonl"] == len(lines)
    assert next(e for e in ds.events if e.event_id == "E8").prov.row == len(lines) + 1


def test_multiline_quoted_cell_keeps_the_starting_line(data_dir: Path) -> None:
    path = data_dir / "credit_records.csv"
    text = path.read_text(encoding="utf-8")
    extra = [
        'C9,firm,,某公司,admin_penalty,,,2024-01-01,,,"第一行',
        '第二行"',
        "C10,firm,,某公司,red_list,,,2024-01-01,,,",
    ]
    path.write_text(text + "\n".join(extra) + "\n", encoding="utf-8")
    records = {r.record_id: r for r in read_dataset(data_dir).credit_records}
    assert records["C9"].prov.row == 7 and records["C10"].prov.row == 9
    assert records["C9"].summary == "第一行 第二行"


def test_crlf_line_endings_read_the_same(data_dir: Path, example_dir: Path) -> None:
    for f in data_dir.iterdir():
        f.write_bytes(f.read_bytes().replace(b"\n", b"\r\n"))
    crlf, lf = read_dataset(data_dir), read_dataset(example_dir)
    assert crlf.quarantine == []
    assert [(f.uscc, f.name, f.status) for f in crlf.firms] == [(f.uscc, f.name, f.status) for f in lf.firms]
    assert [e.text for e in crlf.events] == [e.text for e in lf.events]
    assert [r.summary for r in crlf.credit_records] == [r.summary for r in lf.credit_records]
