"""The one typed settings object, read only at the edges (CLI, API) and handed down as small configs.

Every field can be set from the environment with the CREDGRAPH_ prefix (CREDGRAPH_GRAPH_URI=...);
Neo4j credentials also come from the contract's NEO4J_USER / NEO4J_PASSWORD.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CREDGRAPH_", extra="ignore")

    graph_uri: str = "memory"
    neo4j_user: str = Field(
        default="neo4j", validation_alias=AliasChoices("NEO4J_USER", "CREDGRAPH_NEO4J_USER")
    )
    neo4j_password: str = Field(
        default="credgraph-dev", validation_alias=AliasChoices("NEO4J_PASSWORD", "CREDGRAPH_NEO4J_PASSWORD")
    )
    neo4j_database: str = "neo4j"
    load_batch_size: int = 5000
    review_db_url: str = "sqlite:///credgraph-review.db"
    model_dir: Path = Path("models")
    audit_log: Path = Path("credgraph-audit.jsonl")
    api_keys_file: Path | None = None
    # HMAC secret for the API's bearer tokens; unset = a per-process secret (tokens die on restart)
    api_token_secret: str | None = None
    max_depth: int = 3
    max_results: int = 500
    seed: int = 0
