"""Who may see what: users and their roles, read from config/utilisateurs.toml.

Four roles (the table "Qui voit quoi" of the README says the same to officers):
- admin: everything, including imports, restores and the audit log;
- agent: all data, imports and exports;
- cta: a basin committee member: aggregates of every basin under statistical secrecy,
  rows about one SIAE only in its basins, no person-level rows;
- structure: a SIAE: its own rows, its peers only as aggregates under statistical secrecy.

`scope(user)` turns a role into the warehouse.scope.Scope every query applies: it is the
one place where a role becomes a data restriction.
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from warehouse.db import ROOT
from warehouse.scope import Scope

CONFIG = ROOT / "config" / "utilisateurs.toml"

ROLES = {
    "admin": "Administrateur",
    "agent": "Agent de l'État (DDETS)",
    "cta": "Membre d'un comité technique d'animation (CTA)",
    "structure": "Structure (SIAE)",
}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SIRET = re.compile(r"^\d{14}$")


class ConfigurationInvalide(Exception):
    """config/utilisateurs.toml cannot be used; the message is French and names the entry."""


@dataclass(frozen=True)
class Utilisateur:
    email: str
    role: str
    nom: str = ""
    bassins: tuple[str, ...] = ()
    sirets: tuple[str, ...] = ()

    @property
    def libelle_role(self) -> str:
        return ROLES[self.role]

    @property
    def peut_importer(self) -> bool:
        return self.role in ("admin", "agent")


LOCAL_ADMIN = Utilisateur(email="administrateur.local", role="admin", nom="Administrateur local")


def config_path() -> Path:
    return Path(os.environ.get("IAE_UTILISATEURS", CONFIG))


def charger(path: Path | None = None) -> dict[str, Utilisateur]:
    """Users by lower-case e-mail. A missing file means no user at all (only local mode works).

    Read again only when the file changes: the app asks on every query."""
    path = path or config_path()
    if not path.exists():
        return {}
    return _lire(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _lire(name: str, mtime: int) -> dict[str, Utilisateur]:
    path = Path(name)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigurationInvalide(f"{path.name} n'est pas un fichier TOML lisible : {exc}") from exc
    users: dict[str, Utilisateur] = {}
    for i, entry in enumerate(data.get("utilisateur", []), start=1):
        user = _utilisateur(entry, f"{path.name}, utilisateur n° {i}")
        if user.email in users:
            raise ConfigurationInvalide(f"{path.name} : l'adresse {user.email} est déclarée deux fois.")
        users[user.email] = user
    return users


def _utilisateur(entry: dict, where: str) -> Utilisateur:
    email = str(entry.get("email", "")).strip().lower()
    if not _EMAIL.match(email):
        raise ConfigurationInvalide(f"{where} : adresse électronique absente ou invalide ({email!r}).")
    role = str(entry.get("role", "")).strip().lower()
    if role not in ROLES:
        raise ConfigurationInvalide(
            f"{where} ({email}) : rôle {role!r} inconnu ; rôles possibles : {', '.join(ROLES)}.")
    bassins = tuple(str(b).strip().upper() for b in entry.get("bassins", []))
    sirets = tuple(str(s).replace(" ", "") for s in entry.get("sirets", []))
    if role == "cta" and not bassins:
        raise ConfigurationInvalide(f"{where} ({email}) : un membre de CTA doit avoir au moins un bassin.")
    if role == "structure" and not sirets:
        raise ConfigurationInvalide(f"{where} ({email}) : une structure doit avoir au moins un SIRET.")
    bad = [s for s in sirets if not _SIRET.match(s)]
    if bad:
        raise ConfigurationInvalide(f"{where} ({email}) : SIRET invalide (14 chiffres attendus) : {bad[0]!r}.")
    return Utilisateur(email=email, role=role, nom=str(entry.get("nom", "")).strip(),
                       bassins=bassins if role == "cta" else (), sirets=sirets if role == "structure" else ())


def trouver(email: str | None, users: dict[str, Utilisateur]) -> Utilisateur | None:
    return users.get((email or "").strip().lower())


def scope(user: Utilisateur, *, diffusion: bool = False) -> Scope:
    """What `user` may see. `diffusion`: an admin or agent preparing tables for circulation
    gets statistical secrecy too (cta and structure always have it)."""
    if user.role in ("admin", "agent"):
        return Scope(secret_statistique=diffusion)
    if user.role == "cta":
        return Scope(bassins=user.bassins, secret_statistique=True, personnes=False)
    if user.role == "structure":
        return Scope(sirets=user.sirets, secret_statistique=True, personnes=False)
    return Scope(bassins=(), sirets=(), secret_statistique=True, personnes=False)  # unknown: nothing
