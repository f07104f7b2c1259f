"""The parts of the « Territoires » page: which columns it shows to whom, and its tables,
where a column reserved to State officers reads « secret » with the reason in its tooltip."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ui import export, grilles, page
from ui.format import VIDE
from warehouse.queries_territoires import RAISON_SECRET, SECRETS

COLONNES_BASSINS = ("bassin", "demandeurs_emploi", "demandeurs_longue_duree", "beneficiaires_rsa", "population_15_64",
                    "nb_siae", "etp_conventionnes", "etp_conventionnes_pour_1000_de", "nb_salaries", "nb_salaries_rsa",
                    "salaries_pour_1000_de", "salaries_rsa_pour_1000_rsa")
COLONNES_COMMUNES = ("nom_commune", "bassin", *COLONNES_BASSINS[1:])
# The trend under the table: the need, the supply, and the supply for the need.
TENDANCES = ("demandeurs_emploi", "etp_conventionnes", "etp_conventionnes_pour_1000_de", "salaries_pour_1000_de")


def reserves(df: pl.DataFrame) -> set[str]:
    """Columns the reader may not see (queries_territoires hid them whole)."""
    return {c for c in SECRETS if f"_secret_{c}" in df.columns}


def visibles(df: pl.DataFrame, colonnes) -> list[str]:
    """`colonnes` less those hidden from this reader: for charts and choices, not tables."""
    hidden = reserves(df)
    return [c for c in colonnes if c not in hidden]


def tableau(t: export.Table, *, key: str, fige: str) -> None:
    """ui.page.tableau, except that a column reserved to State officers reads « secret »
    (its tooltip says why) instead of empty cells; the exports write « s » with the reason,
    like every table under statistical secrecy."""
    hidden = [c for c in t.colonnes if c in reserves(t.df)]
    if not hidden:
        page.tableau(t, key=key, fige=fige)
        return
    shown = export.codes_en_libelles(t.df.select(list(t.colonnes))).with_columns(
        pl.lit("secret").alias(c) for c in hidden)
    config = grilles.config_colonnes({c: (t.titre_colonne(c), t.unite(c)) for c in t.colonnes})
    for c in hidden:
        config[c] = st.column_config.TextColumn(t.titre_colonne(c), help=RAISON_SECRET[:1].upper() + RAISON_SECRET[1:])
    config[fige]["pinned"] = True
    st.dataframe(shown, hide_index=True, column_config=config, placeholder=VIDE, key=f"grille_{key}")
    page.boutons_export(t, key=key)
