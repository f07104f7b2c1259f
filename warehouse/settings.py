"""Settings an administrator may change, read from config/observatoire.toml (French keys)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from warehouse.db import ROOT

CONFIG = ROOT / "config" / "observatoire.toml"


@dataclass(frozen=True)
class Settings:
    seuil_personnes: int = 5
    seuil_structures: int = 3
    retention_annees: int = 10


def load(path: Path | None = None) -> Settings:
    path = path or Path(os.environ.get("IAE_CONFIG", CONFIG))
    data = tomllib.loads(path.read_text()) if path.exists() else {}
    conf = data.get("confidentialite", {})
    return Settings(**{k: int(v) for k, v in conf.items() if k in Settings.__dataclass_fields__})
