"""How pages get data: cached read-only connection, cached query results, the user's scope.

`lire(nom, filters)` runs the query `nom` of warehouse.queries or warehouse.queries_retours
(one cached reader for both); `curseur()` is for the few reads that are not a query of
those modules (the pre-filled workbook), on the same connection.

The connection is cached on the real path of the current warehouse version, and so are
query results: after a load swaps the link, the next rerun reads the new version, with no
restart (DuckDB keeps a database per path inside a process, so a new path is a new read).
Each query takes its own cursor: a DuckDB 2 connection shared between threads (one per
browser session) raises "connection is busy".
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Iterator

import duckdb
import polars as pl
import streamlit as st

from ui import acces
from warehouse import changements, publication, queries, queries_attention, queries_plan, queries_retours, \
    queries_territoires
from warehouse.db import Version, WarehouseError, connect_read, current_file, db_path
from warehouse.diffusion import SelectionNonPubliee
from warehouse.scope import Filters, Scope


def version() -> Path | None:
    """The current version file of the warehouse, or None when there is none yet."""
    return current_file(db_path())


def scope_courant() -> Scope:
    """What the current user may see (ui.acces: role and scope from the sign-in)."""
    return acces.scope_courant()


@st.cache_resource(max_entries=4, show_spinner=False)
def _connexion(version_path: str) -> duckdb.DuckDBPyConnection:
    con = connect_read(Path(version_path))
    # A new version: its protected cubes (statistical secrecy) are prepared in the background,
    # every year's for the committee members and structures who sign in. In local mode the one
    # officer is an administrator, who needs them only for tables for circulation: the latest
    # year's (a cube is about 30 s at La Réunion's size, minutes at national scale, on one core).
    publication.preparer_en_fond(Path(version_path), toutes_annees=acces.auth_configuree())
    return con


def _requetes() -> dict:
    """Every query a page may run, by name: the public functions of warehouse.queries,
    warehouse.queries_retours, warehouse.queries_territoires, warehouse.queries_attention and
    warehouse.queries_plan, `(con, filters, scope, **options) -> DataFrame`."""
    out: dict = {}
    for module in (queries, queries_retours, queries_territoires, queries_attention, queries_plan):
        for name, fn in vars(module).items():
            if callable(fn) and not name.startswith("_") and getattr(fn, "__module__", "") == module.__name__ \
                    and not isinstance(fn, type):
                assert name not in out, f"{name} : deux requêtes portent ce nom"
                out[name] = fn
    return out


QUERIES = _requetes()


@st.cache_data(max_entries=768, show_spinner=False)
def _lire(version_path: str, nom: str, filters: Filters, scope: Scope, options: tuple) -> pl.DataFrame:
    cur = _connexion(version_path).cursor()
    try:
        return QUERIES[nom](cur, filters, scope, **dict(options))
    finally:
        cur.close()


class DonneesIndisponibles(Exception):
    """The warehouse is missing or cannot be read; the message is French, for the officer."""


def _illisible(exc: Exception) -> DonneesIndisponibles:
    return DonneesIndisponibles(
        "L'entrepôt de données ne peut pas être lu. Il a peut-être été créé par une version plus "
        "ancienne de l'outil : rechargez les retours (`python -m loaders load …`). "
        f"Détail technique : {str(exc).splitlines()[0]}")


def lire(nom: str, filters: Filters | None = None, **options) -> pl.DataFrame:
    """Run the query `nom` (warehouse.queries or warehouse.queries_retours) for the current
    user's scope, from the cache when possible."""
    v = version()
    if v is None:
        raise DonneesIndisponibles(MESSAGE_SANS_ENTREPOT)
    scope = scope_courant()
    try:
        if scope.secret_statistique and filters is not None and filters.annee and not _publication_prete(str(v), filters):
            with st.spinner("Préparation des tableaux protégés par le secret statistique (une fois par version "
                            "de l'entrepôt, quelques secondes)…"):
                return _lire(str(v), nom, filters, scope, tuple(sorted(options.items())))
        return _lire(str(v), nom, filters or Filters(), scope, tuple(sorted(options.items())))
    except (duckdb.Error, WarehouseError) as exc:
        raise _illisible(exc) from exc
    except SelectionNonPubliee as exc:
        raise DonneesIndisponibles(str(exc)) from exc


def _publication_prete(version_path: str, f: Filters) -> bool:
    cur = _connexion(version_path).cursor()
    try:
        return all(publication.en_cache(cur, y) for y in range(f.annee - 2, f.annee + 1))
    finally:
        cur.close()


@contextmanager
def curseur() -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on the current version, for a read that is not one of QUERIES (it takes the
    scope itself: loaders.template.prefill_rows)."""
    v = version()
    if v is None:
        raise DonneesIndisponibles(MESSAGE_SANS_ENTREPOT)
    cur = _connexion(str(v)).cursor()
    try:
        yield cur
    except (duckdb.Error, WarehouseError) as exc:
        raise _illisible(exc) from exc
    finally:
        cur.close()


MESSAGE_SANS_ENTREPOT = (
    "Aucune donnée n'est encore chargée. Pour essayer l'outil avec les données de démonstration, "
    "lancez `make run` (il charge le jeu d'essai si l'entrepôt est vide) ; pour les retours réels des "
    "SIAE, chargez-les avec `python -m loaders load DOSSIER_DES_RETOURS`, puis rechargez cette page."
)


def libelle_version() -> str:
    """"version 12 du 03/02/2026 à 14:05", for the sidebar and the exports."""
    v = version()
    if v is None:
        return ""
    stamp = datetime.fromtimestamp(v.stat().st_mtime).strftime("%d/%m/%Y à %H:%M")
    number = v.stem.lstrip("v").lstrip("0") or v.stem
    return f"version {number} du {stamp}"


@st.cache_data(max_entries=64, show_spinner=False)
def _changements(version_path: str, avant_path: str | None, filters: Filters, scope: Scope):
    cur = _connexion(version_path).cursor()
    old = _connexion(avant_path).cursor() if avant_path else None
    try:
        return changements.retours(old, cur, filters, scope), changements.indicateurs(old, cur, filters, scope)
    finally:
        cur.close()
        if old is not None:
            old.close()


def changements_depuis(depuis: date, filters: Filters) -> tuple[Version | None, pl.DataFrame, pl.DataFrame]:
    """What changed since `depuis` for the current user (warehouse.changements): the version in
    force that day, the returns that arrived, were replaced or are still missing, and the key
    indicators that moved."""
    v = version()
    if v is None:
        raise DonneesIndisponibles(MESSAGE_SANS_ENTREPOT)
    avant = changements.version_au(db_path(), depuis)
    try:
        return (avant, *_changements(str(v), str(avant.path) if avant else None, filters, scope_courant()))
    except WarehouseError as exc:  # the old version cannot be compared: its own French sentence
        raise DonneesIndisponibles(str(exc)) from exc
    except duckdb.Error as exc:
        raise _illisible(exc) from exc
