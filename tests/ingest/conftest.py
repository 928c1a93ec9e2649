"""Fixtures for ingest tests: the contract example, and a copy of it that a test may spoil.

tests/ingest/example/ is a verbatim copy of the shared contract example, so a fresh clone (CI)
has it; the shared folder is only used when that copy is missing.
"""

import shutil
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent / "example"
if not EXAMPLE.is_dir():
    EXAMPLE = Path("/work/shared/contract/example")


@pytest.fixture
def example_dir() -> Path:
    return EXAMPLE


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A writable copy of the contract example."""
    target = tmp_path / "data"
    shutil.copytree(EXAMPLE, target)
    for f in target.iterdir():
        f.chmod(0o644)
    return target
