"""Import page: a file that would replace a person-level return by fewer than half its rows.

The decision is the loader's (loaders.replace, the same rule as `python -m loaders load
--confirmer`); here the page shows, for each such return, the old and new row counts and the
headline figures of that structure and year before -> after, and asks for an explicit
confirmation. An unconfirmed file is held back by the loader: nothing stored from it.
"""

from __future__ import annotations

import duckdb
import polars as pl
import streamlit as st

from contract import TEMPLATES
from loaders.replace import FIGURES, Replacement, replacements
from ui import data
from ui.format import pluriel
from ui.importation import Verification
from ui.rapports import md


def _cle(v: Verification) -> tuple[str, str]:
    return v.name, v.sha


@st.cache_data(max_entries=64, show_spinner=False)
def _a_confirmer(version_path: str, nom: str, sha: str, _v: Verification) -> list[tuple[Replacement, str | None]]:
    """The replacements of one checked file that need confirmation, with the SIAE's name
    (cached on the warehouse version, read by data.curseur, and the file's content)."""
    out = []
    with data.curseur() as cur:
        for r in replacements(cur, _v.result.incoming, with_figures=True):
            if r.needs_confirmation:
                try:
                    nom_siae = cur.sql("select any_value(raison_sociale) from stg_conventions where siret = $s "
                                       "and annee = $a", params={"s": r.siret, "a": r.annee}).fetchall()[0][0]
                except duckdb.Error:
                    nom_siae = None
                out.append((r, nom_siae))
    return out


def a_confirmer(v: Verification) -> list[tuple[Replacement, str | None]]:
    """What this accepted file would replace by fewer than half its rows ([] when nothing)."""
    version = data.version()
    if version is None or not v.accepte or not v.result.incoming:
        return []
    return _a_confirmer(str(version), v.name, v.sha, v)


def figures(r: Replacement) -> pl.DataFrame:
    """Indicator, today, after the load, change: the headline figures of the structure and year."""
    noms = FIGURES[r.template]
    return pl.DataFrame(
        [{"Indicateur": libelle, "Aujourd'hui": r.before.get(k), "Après chargement": r.after.get(k),
          "Écart": None if r.before.get(k) is None or r.after.get(k) is None else r.after[k] - r.before[k]}
         for k, libelle in noms.items()],
        schema={"Indicateur": pl.String, "Aujourd'hui": pl.Int64, "Après chargement": pl.Int64, "Écart": pl.Int64})


def afficher(v: Verification, remplacements: list[tuple[Replacement, str | None]], *, key: str) -> bool:
    """The warning under a file that needs confirmation, and its checkbox; True when confirmed."""
    with st.container(border=True):
        for r, nom_siae in remplacements:
            qui = f"{md(nom_siae)} (SIRET {r.siret})" if nom_siae else f"SIRET {r.siret}"
            st.warning(
                f"**Ce fichier remplacerait un retour de {pluriel(r.old_rows, 'ligne')} par "
                f"{pluriel(r.new_rows, 'ligne')}** : {TEMPLATES[r.template].label} {r.annee} de {qui}. "
                "C'est moins de la moitié : un classeur pré-rempli incomplet, ou une mauvaise feuille ? "
                "L'ancien retour reste récupérable (Historique des chargements).", icon="⚠️")
            st.table(figures(r), hide_index=True)
        return st.checkbox(
            f"Je confirme : remplacer {'ce retour' if len(remplacements) == 1 else 'ces retours'} par le contenu "
            f"de « {v.name} »", key=f"confirmer_remplacement_{key}",
            help="Sans cette confirmation, le fichier est retenu : rien n'en est enregistré.")
