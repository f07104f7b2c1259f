"""The warehouse versions (« Historique des chargements »): the list, each in words, and the
restore of an earlier one (admin only, logged in the audit journal)."""

from __future__ import annotations

import duckdb
import polars as pl
import streamlit as st

from ui import acces, data
from ui.format import date_fr, pluriel
from warehouse import queries_retours
from warehouse.db import WarehouseError, db_path, list_versions
from warehouse.scope import Filters


@st.cache_data(max_entries=256, show_spinner=False)
def _resume_version(path: str, mtime: float, size: int, scope) -> dict:
    try:
        con = duckdb.connect(path, read_only=True)
    except duckdb.Error:
        return {"nb_chargements": None, "dernier_chargement": None}
    try:
        return queries_retours.resume_version(con, Filters(), scope).row(0, named=True)
    except duckdb.Error:
        return {"nb_chargements": None, "dernier_chargement": None}
    finally:
        con.close()


def versions() -> pl.DataFrame:
    """The warehouse versions, newest first: number, date, size, loads recorded, current or not."""
    rows = []
    for v in list_versions(db_path()):
        st_ = v.path.stat()
        resume = _resume_version(str(v.path), st_.st_mtime, st_.st_size, data.scope_courant())
        rows.append({"version": v.number, "creee_le": v.created, "taille_mo": v.size / 1e6,
                     "nb_chargements": resume["nb_chargements"],
                     "dernier_chargement": resume["dernier_chargement"], "en_service": v.current})
    schema = {"version": pl.Int64, "creee_le": pl.Datetime, "taille_mo": pl.Float64, "nb_chargements": pl.Int64,
              "dernier_chargement": pl.Datetime, "en_service": pl.Boolean}
    return pl.DataFrame(rows, schema=schema).sort("version", descending=True)


VERSION_COLONNES = {
    "version": ("Version", "nombre"), "creee_le": ("Créée le", "texte"), "taille_mo": ("Taille (Mo)", "decimal"),
    "nb_chargements": ("Chargements enregistrés", "nombre"), "dernier_chargement": ("Dernier chargement", "texte"),
    "en_service": ("En service", "booleen"),
}


def libelle_version_ligne(versions_df: pl.DataFrame, numero: int) -> str:
    row = versions_df.filter(pl.col("version") == numero).row(0, named=True)
    n = row["nb_chargements"]
    return (f"Version {numero} du {date_fr(row['creee_le'])}"
            + (f" · {pluriel(n, 'chargement enregistré', 'chargements enregistrés')}" if n is not None else ""))


def restaurer(numero: int, cle_message: str, cle_confirmation: str) -> None:
    """Button callback: make version `numero` current again (as a new version) and log it.

    Runs before the page, so the page and the sidebar read the restored version at once.
    """
    from warehouse import audit
    from warehouse.db import restore

    link = db_path()
    if not acces.est_admin():
        st.session_state[cle_message] = (False, "Seul un administrateur peut restaurer une version.")
        return
    try:
        cible = restore(link, numero)
        audit.record(link, "restauration", acces.nom_utilisateur(), version=numero)
    except (WarehouseError, OSError) as exc:
        st.session_state[cle_message] = (False, f"La restauration n'a pas pu se faire ; rien n'a changé. "
                                                f"Détail : {exc}")
    else:
        nouvelle = int(cible.stem.lstrip("v"))
        st.session_state[cle_message] = (
            True, f"Version {numero} remise en service, sous le numéro {nouvelle}. Toutes les pages affichent "
                  "désormais ses chiffres.")
    st.session_state[cle_confirmation] = False
