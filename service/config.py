"""Settings of a running service, passed from the command line to every worker process.

Uvicorn's worker processes import the app by name, so settings travel through one environment
variable holding JSON rather than through Python objects.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from .project import DEFAULT_PROJECT_DIR

SETTINGS_VARIABLE = "UNTOC_KG_SETTINGS"


@dataclass(frozen=True)
class Settings:
    """What the service needs to know; every limit has a documented default (docs/security.md)."""

    store_dir: Path
    base_iri: str
    project_dir: Path = DEFAULT_PROJECT_DIR
    query_timeout: float = 30.0
    service_allowlist: tuple[str, ...] = field(default_factory=tuple)
    query_workers: int = 2
    worker_memory_mb: int = 2048
    max_body_bytes: int = 1_048_576
    max_header_bytes: int = 32_768
    max_query_length: int = 65_536
    max_result_bytes: int = 16_777_216
    max_concurrent: int = 32
    client_rate: float = 10.0
    client_burst: float = 40.0
    max_slow_queries: int = 1
    slow_query_seconds: float = 1.0
    endpoint: str | None = None
    in_memory: bool = False
    """Whether each process copies the embedded store into memory: resolved once by ``untoc-kg serve``."""

    def to_env(self) -> str:
        values = asdict(self)
        values["store_dir"] = str(self.store_dir)
        values["project_dir"] = str(self.project_dir)
        return json.dumps(values)

    @classmethod
    def from_env(cls) -> "Settings":
        raw = os.environ.get(SETTINGS_VARIABLE)
        if raw is None:
            raise RuntimeError(f"{SETTINGS_VARIABLE} is not set: start the service with `untoc-kg serve`")
        values = json.loads(raw)
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in values.items() if k in known}
        values["store_dir"] = Path(values["store_dir"])
        values["project_dir"] = Path(values["project_dir"])
        values["service_allowlist"] = tuple(values.get("service_allowlist", ()))
        return cls(**values)
