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
    seuil_dominance: float = 0.85  # share of the largest structure above which an amount is hidden
    protection_relative: float = 0.20  # a hidden cell's range must reach +/- this share of its value...
    protection_personnes: int = 2  # ...and +/- this many persons for a count
    retention_annees: int = 10


def load(path: Path | None = None) -> Settings:
    path = path or Path(os.environ.get("IAE_CONFIG", CONFIG))
    data = tomllib.loads(path.read_text()) if path.exists() else {}
    conf = data.get("confidentialite", {})
    fields = Settings.__dataclass_fields__
    return Settings(**{k: type(fields[k].default)(v) for k, v in conf.items() if k in fields})


@dataclass(frozen=True)
class SeuilsAttention:
    """Thresholds of the points of attention (view points_attention, docs/CONTRACT.md section 4;
    what each means: warehouse.regles). warehouse.build copies them into ref_seuils_attention
    and counts them in its fingerprint: a change rebuilds the marts at the next load or
    `python -m warehouse init`."""

    fonds_propres: float = 0.0
    sous_realisation_etp: float = 0.80
    sur_realisation_etp: float = 1.10
    baisse_ca: float = -0.30
    dependance_publique_min_siae: int = 10


def seuils_attention(path: Path | None = None) -> SeuilsAttention:
    path = path or Path(os.environ.get("IAE_CONFIG", CONFIG))
    data = tomllib.loads(path.read_text()) if path.exists() else {}
    fields = SeuilsAttention.__dataclass_fields__
    return SeuilsAttention(**{k: type(fields[k].default)(v) for k, v in data.get("points_attention", {}).items()
                              if k in fields})


@dataclass(frozen=True)
class ConservationVersions:
    """Which warehouse versions `python -m warehouse prune` keeps (warehouse.conservation): the
    current one, the last `dernieres`, the last of each of the last `mois` months, and every
    version a committee pack was made from or compared with."""

    dernieres: int = 10
    mois: int = 12
    # after every load, so that disk stays bounded without anyone thinking of it
    apres_chargement: bool = True


def conservation_versions(path: Path | None = None) -> ConservationVersions:
    path = path or Path(os.environ.get("IAE_CONFIG", CONFIG))
    data = tomllib.loads(path.read_text()) if path.exists() else {}
    fields = ConservationVersions.__dataclass_fields__
    return ConservationVersions(**{k: bool(v) if isinstance(fields[k].default, bool) else max(0, int(v))
                                   for k, v in data.get("versions", {}).items() if k in fields})
