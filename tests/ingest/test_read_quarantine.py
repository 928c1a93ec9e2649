"""Every quarantine reason: the bad row is reported with file, line, field, value; the load goes on."""

import json
from pathlib import Path

import pytest

from ingest.dataset import read_dataset, write_quarantine_report
from ingest.quarantine import Reason
from ingest.records import QuarantinedRow

FIRM = "91330803MA2D00037J"
PERSON = "330821196911200177"


def append(path: Path, *lines: str) -> int:
    """Append lines to a data file; returns the line number of the first one."""
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    first = text.count("\n") + 1
    path.write_text(text + "".join(line + "\n" for line in lines), encoding="utf-8")
    return first


def firm_row(uscc: str = "91330803MA2D0007XQ", **over: str) -> str:
    row = {
        "uscc": uscc, "name": "衢州新测试有限公司", "other_names": "", "kind": "enterprise",
        "legal_rep_name": "", "legal_rep_id": "", "address": "", "region_code": "330803", "phone": "",
        "industry": "", "status": "active", "founded_on": "2020-01-01", "registered_capital_wan": "10",
    }  # fmt: skip
    row.update(over)
    return ",".join(row.values())


def event_line(**over: object) -> str:
    obj = {
        "event_id": "E99", "source": "complaint", "occurred_at": "2024-05-06T09:30:00",
        "region_code": "330803", "location": "", "category": "", "text": "楼道堆放杂物",
    }  # fmt: skip
    obj.update(over)
    return json.dumps(obj, ensure_ascii=False)


def entries(rows: list[QuarantinedRow], file: str) -> list[tuple[int, str, str, str]]:
    return [(r.line, r.field, r.value, r.reason) for r in rows if r.file == file]


def valid_uscc(serial: str = "0009") -> str:
    """A USCC with a correct check character that the example does not hold."""
    from stdnum.cn import uscc

    code = f"91330803MA2D{serial}0"
    return code + uscc.calc_check_digit(code)


@pytest.mark.parametrize(
    ("over", "field", "reason"),
    [
        ({"uscc": "91330803MA2D00037K"}, "uscc", Reason.BAD_CODE),
        ({"name": ""}, "name", Reason.MISSING_REQUIRED),
        ({"kind": "company"}, "kind", Reason.UNKNOWN_ENUM),
        ({"status": "dormant"}, "status", Reason.UNKNOWN_ENUM),
    ],
)
def test_firm_row_reasons(data_dir: Path, over: dict[str, str], field: str, reason: Reason) -> None:
    row = firm_row(**{"uscc": valid_uscc(), **over})
    line = append(data_dir / "firms.csv", row)
    ds = read_dataset(data_dir)
    assert [(e[0], e[1], e[3]) for e in entries(ds.quarantine, "firms.csv")] == [(line, field, reason.value)]
    assert ds.rows_read["firms.csv"] == line - 1
    assert len(ds.firms) == line - 2  # every other firm loaded


def test_every_bad_row_of_a_file_is_reported(data_dir: Path) -> None:
    first = append(
        data_dir / "firms.csv",
        firm_row("91330803MA2D00037K"),
        firm_row(valid_uscc(), status="dormant"),
        firm_row(valid_uscc(), kind="?"),
    )
    got = entries(read_dataset(data_dir).quarantine, "firms.csv")
    assert [e[0] for e in got] == [first, first + 1, first + 2]


def test_duplicate_key_keeps_the_first(data_dir: Path) -> None:
    line = append(data_dir / "firms.csv", firm_row(FIRM, name="重复登记有限公司"))
    ds = read_dataset(data_dir)
    assert entries(ds.quarantine, "firms.csv") == [(line, "uscc", FIRM, "duplicate_key")]
    assert next(f for f in ds.firms if f.uscc == FIRM).name == "浙江廿里新材料科技有限公司"


def test_duplicate_event_and_record(data_dir: Path) -> None:
    ev = append(data_dir / "events.jsonl", event_line(event_id="E1"))
    cr = append(data_dir / "credit_records.csv", "C1,firm,,某公司,admin_penalty,,,2024-01-01,,,")
    ds = read_dataset(data_dir)
    assert entries(ds.quarantine, "events.jsonl") == [(ev, "event_id", "E1", "duplicate_key")]
    assert entries(ds.quarantine, "credit_records.csv") == [(cr, "record_id", "C1", "duplicate_key")]


@pytest.mark.parametrize(
    ("line", "field", "reason"),
    [
        ("330821196911200178,王某,M,1969-11-20,,", "person_id", Reason.BAD_CODE),
        ("330821196911200177X,王某,M,,,", "person_id", Reason.BAD_CODE),
        ("330821197803120326,,F,,,", "name", Reason.MISSING_REQUIRED),
        ("330821197803120326,李某", "*", Reason.BAD_ROW),
    ],
)
def test_person_row_reasons(data_dir: Path, line: str, field: str, reason: Reason) -> None:
    from stdnum.cn import ric

    assert ric.calc_check_digit("330821197803120326") == "6"  # the fixture's own id is valid
    at = append(data_dir / "persons.csv", line)
    got = entries(read_dataset(data_dir).quarantine, "persons.csv")
    assert [(e[0], e[1], e[3]) for e in got] == [(at, field, reason.value)]


@pytest.mark.parametrize(
    ("line", "field", "reason"),
    [
        (f"person,330821196911200178,{FIRM},shareholder,10,,", "holder_id", Reason.BAD_CODE),
        (f"firm,{PERSON},{FIRM},shareholder,10,,", "holder_id", Reason.BAD_CODE),
        (f"person,{PERSON},91330803MA2D00037K,executive,,,", "firm_uscc", Reason.BAD_CODE),
        (f"person,{PERSON},{FIRM},boss,,,", "role", Reason.UNKNOWN_ENUM),
        (f"company,{PERSON},{FIRM},executive,,,", "holder_type", Reason.UNKNOWN_ENUM),
        (f"person,{PERSON},{FIRM},executive,,2024/02/30,", "start_date", Reason.BAD_DATE),
        (f"person,,{FIRM},executive,,,", "holder_id", Reason.MISSING_REQUIRED),
        (f"person,{PERSON},{FIRM},legal_rep,,,", "holder_id", Reason.DUPLICATE_KEY),
        (f"person,330821197803120326,{FIRM},executive,,,", "holder_id", Reason.UNKNOWN_REFERENCE),
        (f"firm,{FIRM},{valid_uscc()},shareholder,5,,", "firm_uscc", Reason.UNKNOWN_REFERENCE),
        (f"firm,{valid_uscc()},{FIRM},shareholder,5,,", "holder_id", Reason.UNKNOWN_REFERENCE),
    ],
)
def test_affiliation_row_reasons(data_dir: Path, line: str, field: str, reason: Reason) -> None:
    at = append(data_dir / "affiliations.csv", line)
    ds = read_dataset(data_dir)
    got = entries(ds.quarantine, "affiliations.csv")
    assert [(e[0], e[1], e[3]) for e in got] == [(at, field, reason.value)]
    assert len(ds.affiliations) == at - 2


def test_person_holders_unchecked_without_persons_file(data_dir: Path) -> None:
    (data_dir / "persons.csv").unlink()
    append(data_dir / "affiliations.csv", f"person,330821197803120326,{FIRM},executive,,,")
    ds = read_dataset(data_dir)
    assert ds.quarantine == []
    assert "330821197803120326" in {a.holder_id for a in ds.affiliations}


@pytest.mark.parametrize(
    ("line", "field", "reason"),
    [
        ("C9,firm,91330803MA2D00037K,某公司,admin_penalty,,,2024-01-01,,,", "subject_id", Reason.BAD_CODE),
        ("C9,person,330821196911200178,王建国,admin_penalty,,,2024-01-01,,,", "subject_id", Reason.BAD_CODE),
        ("C9,person,张*国,王建国,admin_penalty,,,2024-01-01,,,", "subject_id", Reason.BAD_CODE),
        ("C9,person,,,admin_penalty,,,2024-01-01,,,", "subject_name", Reason.MISSING_REQUIRED),
        ("C9,firm,,某公司,fine,,,2024-01-01,,,", "kind", Reason.UNKNOWN_ENUM),
        ("C9,firm,,某公司,admin_penalty,,,,,,", "decided_on", Reason.MISSING_REQUIRED),
        ("C9,firm,,某公司,admin_penalty,,,2024-01-01,next year,,", "expires_on", Reason.BAD_DATE),
        (",firm,,某公司,admin_penalty,,,2024-01-01,,,", "record_id", Reason.MISSING_REQUIRED),
    ],
)
def test_credit_row_reasons(data_dir: Path, line: str, field: str, reason: Reason) -> None:
    at = append(data_dir / "credit_records.csv", line)
    got = entries(read_dataset(data_dir).quarantine, "credit_records.csv")
    assert [(e[0], e[1], e[3]) for e in got] == [(at, field, reason.value)]


def test_credit_subject_empty_or_masked_is_resolved_later(data_dir: Path) -> None:
    append(
        data_dir / "credit_records.csv",
        "C8,firm,,衢州宏达物流有限公司,abnormal_operation,,,2024-01-01,,,",
        "C9,person,３３０８２１＊＊＊＊＊＊＊＊０１７７,王建国,dishonest_debtor,,,2024-01-01,,,",
    )
    records = {r.record_id: r for r in read_dataset(data_dir).credit_records}
    assert (records["C8"].subject_id, records["C8"].masked_id) == (None, None)
    assert (records["C9"].subject_id, records["C9"].masked_id) == (None, "330821********0177")


@pytest.mark.parametrize(
    ("over", "field", "reason"),
    [
        ({"text": ""}, "text", Reason.MISSING_REQUIRED),
        ({"text": None}, "text", Reason.MISSING_REQUIRED),
        ({"event_id": ""}, "event_id", Reason.MISSING_REQUIRED),
        ({"source": "wechat"}, "source", Reason.UNKNOWN_ENUM),
        ({"occurred_at": "yesterday"}, "occurred_at", Reason.BAD_DATE),
        ({"occurred_at": ""}, "occurred_at", Reason.MISSING_REQUIRED),
        ({"location": ["a", "b"]}, "location", Reason.BAD_ROW),
    ],
)
def test_event_row_reasons(data_dir: Path, over: dict[str, object], field: str, reason: Reason) -> None:
    at = append(data_dir / "events.jsonl", event_line(**over))
    ds = read_dataset(data_dir)
    got = entries(ds.quarantine, "events.jsonl")
    assert [(e[0], e[1], e[3]) for e in got] == [(at, field, reason.value)]
    assert len(ds.events) == at - 1


def test_event_numbers_read_as_text(data_dir: Path) -> None:
    append(data_dir / "events.jsonl", event_line(event_id=99, region_code=330803))
    event = next(e for e in read_dataset(data_dir).events if e.event_id == "99")
    assert event.region_code == "330803"


def test_cleared_values_load_the_row_and_are_noted(data_dir: Path) -> None:
    uscc = valid_uscc()
    at = append(
        data_dir / "firms.csv",
        firm_row(uscc, phone="见官网", region_code="3308", legal_rep_id="330821********0177"),
    )
    cr = append(
        data_dir / "credit_records.csv", f"C9,firm,{valid_uscc('0010')},某公司,admin_penalty,,,2024-01-01,,,"
    )
    ds = read_dataset(data_dir)
    assert ds.quarantine == []
    firm = next(f for f in ds.firms if f.uscc == uscc)
    assert (firm.phone, firm.region_code, firm.legal_rep_id) == (None, None, None)
    assert sorted((w.line, w.field, w.reason) for w in ds.warnings) == sorted(
        [
            (at, "phone", "cleared_phone"),
            (at, "region_code", "cleared_region_code"),
            (at, "legal_rep_id", "masked_id"),
            (cr, "subject_id", "unregistered_subject"),
        ]
    )
    assert all(Reason(w.reason).row_kept for w in ds.warnings)


def test_bad_legal_rep_id_is_cleared(data_dir: Path) -> None:
    append(data_dir / "firms.csv", firm_row(valid_uscc(), legal_rep_id="330821196911200178"))
    ds = read_dataset(data_dir)
    assert [w.reason for w in ds.warnings] == ["cleared_id"]


def test_quarantine_report(tmp_path: Path) -> None:
    rows = [
        QuarantinedRow("persons.csv", 3, "person_id", "1,2", "bad_code"),
        QuarantinedRow("firms.csv", 9, "uscc", "X", "bad_code"),
    ]
    out = tmp_path / "out" / "quarantine.csv"
    assert write_quarantine_report(rows, out) == 2
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines == [
        "file,line,field,value,reason",
        "firms.csv,9,uscc,X,bad_code",
        'persons.csv,3,person_id,"1,2",bad_code',
    ]


def test_placeholders_read_as_empty(data_dir: Path) -> None:
    uscc = valid_uscc()
    append(
        data_dir / "firms.csv",
        firm_row(
            uscc,
            other_names="无",
            phone="-",
            founded_on="--",
            registered_capital_wan="N/A",
            kind="",
            status="",
        ),
    )
    append(data_dir / "credit_records.csv", "C9,person,无,王建国,dishonest_debtor,,,2024-01-01,/,暂无,")
    ds = read_dataset(data_dir)
    assert ds.quarantine == [] and ds.warnings == []
    firm = next(f for f in ds.firms if f.uscc == uscc)
    assert (firm.other_names, firm.phone, firm.founded_on, firm.registered_capital_wan) == (
        (),
        None,
        None,
        None,
    )
    assert firm.kind.value == "enterprise" and firm.status.value == "active"  # from the code; default
    c9 = next(r for r in ds.credit_records if r.record_id == "C9")
    assert (c9.subject_id, c9.masked_id, c9.expires_on, c9.amount_yuan) == (None, None, None, None)


def test_placeholder_in_a_required_cell_is_missing(data_dir: Path) -> None:
    at = append(data_dir / "firms.csv", firm_row(valid_uscc(), name="无"))
    assert entries(read_dataset(data_dir).quarantine, "firms.csv") == [(at, "name", "无", "missing_required")]


def test_a_quarantined_row_leaves_no_warnings(data_dir: Path) -> None:
    append(data_dir / "firms.csv", firm_row(valid_uscc(), phone="见官网", status="dormant"))
    ds = read_dataset(data_dir)
    assert [q.reason for q in ds.quarantine] == ["unknown_enum"]
    assert ds.warnings == []
