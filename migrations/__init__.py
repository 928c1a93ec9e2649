"""The schema of credgraph's SQL database, kept by Alembic: review items and steward decisions
(resolution/), punishment tasks and tier feedback (graph/), background jobs and their lock (api/).

One linear history for the one database they share by default (CREDGRAPH_REVIEW_DB_URL), so a
schema change is a new revision file here and an existing database is brought forward on open,
decisions kept, instead of `create_all` leaving old tables as they were. Every store calls
`upgrade(engine)` when it opens; it is cheap when the database is already at head, and
concurrent openers (several API workers) are serialised: an advisory lock on PostgreSQL, a file
lock on SQLite. Revision files hold their DDL written out, not imported models, so they keep
describing the schema of their day whatever the models become.
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

HERE = Path(__file__).resolve().parent
_PG_LOCK_ID = 0x6372_6564  # "cred": one advisory lock id for schema upgrades
_thread_lock = threading.Lock()


def config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic config for this folder, on an open connection (the stores) or a URL (the CLI)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def head() -> str:
    """The newest revision id shipped with this version of credgraph."""
    rev = ScriptDirectory.from_config(config()).get_current_head()
    assert rev is not None, "migrations/versions holds no revision"
    return rev


def current(connection: Connection) -> str | None:
    """The revision a database is at (None: never migrated, perhaps made by create_all)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, target: str = "head") -> None:
    """Bring the database to `target` (head by default); nothing to do when it is there already."""
    if target == "head":
        with engine.connect() as conn:
            if current(conn) == head():
                return
    with _exclusive(engine), engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_ID})
        if target == "head" and current(conn) == head():
            return  # another opener upgraded it while this one waited
        command.upgrade(config(conn), target)


@contextmanager
def _exclusive(engine: Engine) -> Iterator[None]:
    """One upgrader at a time: threads of this process, and processes sharing a SQLite file
    (flock on the database file itself, which SQLite's own byte-range locks do not touch)."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    with _thread_lock:
        if not path or path == ":memory:" or path.startswith("file:"):
            yield
            return
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open(path, "ab") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
