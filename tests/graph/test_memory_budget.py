"""The embedded store's memory estimate: a run it cannot hold is refused before it starts."""

from __future__ import annotations

from graph.memory_budget import BASE_BYTES, BYTES_PER_ROW, available_from, judge, largest_rows

MEMINFO = "MemTotal:       24000000 kB\nMemFree:         1000000 kB\nMemAvailable:   16000000 kB\n"


def test_available_memory_is_meminfo_capped_by_what_the_cgroup_leaves() -> None:
    assert available_from(MEMINFO) == 16_000_000 * 1024
    assert available_from(MEMINFO, "max\n", "123") == 16_000_000 * 1024  # no limit set
    assert available_from(MEMINFO, str(8 * 2**30), str(2 * 2**30)) == 6 * 2**30
    assert available_from("", str(4 * 2**30), None) == 4 * 2**30


def test_city_size_world_is_refused_on_a_small_machine_and_fits_a_large_one() -> None:
    # the issue-10 city: 200k firms, 332k persons, 620k affiliations, 214k events, 250k credit records
    city = {"firms.csv": 200_000, "persons.csv": 332_000, "affiliations.csv": 620_000,
            "events.jsonl": 214_000, "credit_records.csv": 250_000}
    small = judge(city, 8 * 2**30)
    assert small.refuse and "bolt://" in small.message() and "--no-memory-check" in small.message()
    large = judge(city, 64 * 2**30)
    assert not large.refuse and not large.warn
    assert judge(city, int(large.needed_bytes / 0.8)).warn  # within reach, but close: a warning


def test_largest_world_inverts_the_estimate() -> None:
    rows = largest_rows(24 * 2**30)
    assert judge({"all": rows}, 24 * 2**30).share <= 1.0 < judge({"all": rows + 1000}, 24 * 2**30).share
    assert largest_rows(BASE_BYTES // 2) == 0
    assert BYTES_PER_ROW > 0
