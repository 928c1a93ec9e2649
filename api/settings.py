"""The one typed settings object, read only at the edges (CLI, API) and handed down as small configs.

Every field can be set from the environment with the CREDGRAPH_ prefix (CREDGRAPH_GRAPH_URI=...);
Neo4j credentials also come from the contract's NEO4J_USER / NEO4J_PASSWORD. There is no built-in
password: a Neo4j graph without NEO4J_PASSWORD is a ConfigError that says where to find one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.errors import ConfigError

NEO4J_SCHEMES = ("bolt", "neo4j", "bolt+s", "bolt+ssc", "neo4j+s", "neo4j+ssc")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CREDGRAPH_", extra="ignore", populate_by_name=True)

    graph_uri: str = "memory"
    neo4j_user: str = Field(
        default="neo4j", validation_alias=AliasChoices("NEO4J_USER", "CREDGRAPH_NEO4J_USER")
    )
    # read through `neo4j_password`, which refuses a Neo4j graph without one; never logged or shown
    neo4j_secret: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("NEO4J_PASSWORD", "CREDGRAPH_NEO4J_PASSWORD")
    )
    neo4j_database: str = "neo4j"
    # how long a Neo4j transaction is retried through a lost connection or a server restart: batch
    # commands (run, ingest, rescore) ride out a restart of this length; the API gives up sooner and
    # answers 503 instead of holding the request (api_neo4j_retry_s); both connect within the timeout
    neo4j_retry_s: float = 30.0
    api_neo4j_retry_s: float = 2.0
    neo4j_connect_timeout_s: float = 5.0
    load_batch_size: int = 5000
    # refuse a run the embedded store cannot hold (graph.memory_budget); off = try anyway
    memory_check: bool = True
    # where `credgraph run` resolves: "local" (this process, forked workers) or "spark" (a Spark
    # master: local[*], spark://host:7077...; resolution.spark_engine), with extra spark.* settings
    engine: Literal["local", "spark"] = "local"
    # forked processes that score records on the local engine (resolution.parallel); 1 keeps the
    # run's memory at the single process's (more workers share the registry's pages, but every
    # page a worker touches is copied: 5.6 -> 10.7 GB PSS at 200,000 firms with 2)
    resolve_workers: int = Field(default=1, ge=1)
    # how `credgraph run` fills an empty Neo4j database: MERGE over Bolt, or build it with
    # neo4j-admin's offline importer (the server scripts/neo4j.sh runs here; graph.bulk_load)
    first_load: Literal["bolt", "import"] = "bolt"
    spark_master: str = "local[*]"
    spark_conf: dict[str, str] = Field(default_factory=dict)
    review_db_url: str = "sqlite:///credgraph-review.db"
    model_dir: Path = Path("models")
    # the matcher registry; default MODEL_DIR/matcher, fixed when the settings are read, so a run
    # that keeps its risk model in OUT/models still finds the stewards' promoted matcher
    matcher_dir: Path | None = None
    audit_log: Path = Path("credgraph-audit.jsonl")
    api_keys_file: Path | None = None
    # HMAC secret for the API's bearer tokens; unset = a per-process secret (tokens die on restart)
    api_token_secret: str | None = None
    max_depth: int = 3
    max_results: int = 500
    max_body_bytes: int = 1_048_576  # request bodies over this are refused with 413
    # background jobs (in the review database): a worker silent this long is taken for dead
    jobs_lease_s: float = 30.0
    # the pages' session cookie lifetime, and attempts at POST /auth/token and the login form per
    # client address: `auth_burst` at once, then `auth_per_minute` (429 with Retry-After beyond)
    session_ttl_s: int = 8 * 3600
    auth_per_minute: float = 10.0
    auth_burst: int = 10
    seed: int = 0
    # joint punishment (graph.sanctions / graph.sanction_tasks): the task table's database (unset:
    # the review queue's, in tables of its own), the smallest share that makes a firm answer for a
    # listed shareholder, and a TOML file replacing the measure table
    punish_db_url: str | None = None
    punish_min_share_pct: float = 5.0
    punish_measures_file: Path | None = None
    # the regional map: a firm counts as high risk at or above this stored risk score
    map_risk_threshold: float = 0.5
    # credit tiers (gnn.tiers): calibrated risk below each cut point is A, B, C; at or above the last, D
    tier_thresholds: tuple[float, float, float] = (0.02, 0.08, 0.25)

    @property
    def uses_neo4j(self) -> bool:
        """True when the graph is a Neo4j server (bolt://, neo4j:// and their TLS forms)."""
        return self.graph_uri.split("://", 1)[0] in NEO4J_SCHEMES

    @property
    def neo4j_password(self) -> str | None:
        """The Neo4j password in clear, for the driver only; required when the graph is Neo4j."""
        if self.neo4j_secret is not None:
            return self.neo4j_secret.get_secret_value()
        if self.uses_neo4j:
            raise ConfigError(
                f"NEO4J_PASSWORD is not set but the graph is {self.graph_uri}: export the server's "
                "password (for scripts/neo4j.sh: export NEO4J_PASSWORD=$(scripts/neo4j.sh password))"
            )
        return None

    @model_validator(mode="after")
    def _matcher_under_model_dir(self) -> Settings:
        if self.matcher_dir is None:
            self.matcher_dir = self.model_dir / "matcher"
        return self
