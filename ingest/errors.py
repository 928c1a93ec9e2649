"""The one root exception of credgraph and its few specific kinds.

It lives in ingest/ because ingest imports nothing of ours: every other package can import it.
"""


class CredgraphError(Exception):
    """Root of every error credgraph raises on purpose."""


class ContractError(CredgraphError):
    """An input file breaks the data contract as a whole (header, encoding, broken JSON line)."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        self.file = file
        self.line = line
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {message}")


class ConfigError(CredgraphError):
    """Settings or a saved model's settings are missing or inconsistent."""


class GraphStoreError(CredgraphError):
    """A graph store operation failed; carries the query name and parameter keys, never values."""

    def __init__(self, query: str, param_keys: list[str] | tuple[str, ...], message: str) -> None:
        self.query = query
        self.param_keys = tuple(param_keys)
        super().__init__(f"graph store: query {query!r} (params {sorted(self.param_keys)}): {message}")


class NotFoundError(CredgraphError):
    """An entity, model version or review item asked for does not exist."""


class ConflictError(CredgraphError):
    """A request that the current state does not allow (disputing a record published with the
    subject's own code, which no matcher decided)."""


class ModelError(CredgraphError):
    """A model cannot be trained, loaded or promoted."""


class StaleModelError(ModelError):
    """A saved model was fitted on other comparison levels or features than this version computes."""
