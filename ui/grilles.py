"""Tables on screen for the returns pages: a grid with the columns that fit, its French column
settings, its height, and the whole table exported by the buttons of ui.page."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ui import export, page
from ui.format import VIDE, arrondir, fmt_valeur


TABLE_MAX = 30  # up to this many report lines, a table that wraps long rules; beyond, a scrolling grid


def config_colonnes(colonnes: dict[str, tuple[str, str]], largeurs: dict[str, str | int] | None = None) -> dict:
    """st.dataframe column settings from {column: (French title, unit)}; numbers in the browser's
    French format, like ui.page's tables."""
    out = {}
    largeurs = largeurs or {}
    for col, (titre, unite) in colonnes.items():
        w = {"width": largeurs[col]} if col in largeurs else {}
        if unite == "nombre":
            out[col] = st.column_config.NumberColumn(titre, format="localized", step=1, **w)
        elif unite in ("decimal", "etp"):
            out[col] = st.column_config.NumberColumn(titre, format="localized", step=0.1, **w)
        elif unite == "pourcentage":
            out[col] = st.column_config.NumberColumn(titre, format="percent", step=0.001, **w)
        elif unite == "annee":
            out[col] = st.column_config.NumberColumn(titre, format="%d", **w)
        elif unite == "booleen":
            out[col] = st.column_config.CheckboxColumn(titre, **w)
        else:
            out[col] = st.column_config.TextColumn(titre, **w)
    return out


def grille(t: export.Table, *, key: str, montrer: list[str] | None = None, hauteur: int | str = "auto",
           largeurs: dict[str, str | int] | None = None, fige: str | None = None, vide: str = "",
           texte_long: bool = False) -> None:
    """A table on screen with the columns that fit at 1366 px (`montrer`), exported whole
    (the export buttons of ui.page, same files as every other table).

    `texte_long`: columns of sentences; up to TABLE_MAX rows they show in a table that wraps
    them (a grid would cut them), beyond in a grid.
    """
    if t.df.is_empty():
        st.info(vide or "Aucune ligne pour cette sélection.")
        return
    cols = montrer or list(t.colonnes)
    shown = arrondir(export.codes_en_libelles(t.df.select(cols)), {c: t.unite(c) for c in cols})
    if texte_long and shown.height <= TABLE_MAX:
        texte = shown.select(
            pl.Series(c, [fmt_valeur(v, t.unite(c)) for v in shown[c].to_list()], dtype=pl.String)
            if t.unite(c) not in ("texte", "date") else pl.col(c).cast(pl.String) for c in cols
        ).fill_null(VIDE)
        st.table(texte.rename({c: t.titre_colonne(c) for c in cols}), hide_index=True)
    else:
        config = config_colonnes({c: (t.titre_colonne(c), t.unite(c)) for c in cols}, largeurs)
        if fige:
            config[fige]["pinned"] = True
        st.dataframe(shown, hide_index=True, column_config=config, height=hauteur, placeholder=VIDE,
                     key=f"grille_{key}")
    page.boutons_export(t, key=key)


def hauteur(n: int, maximum: int = 400) -> int:
    """Height of a grid of n rows, up to `maximum` pixels (then it scrolls)."""
    return min(maximum, 38 + 35 * max(n, 1))


def titres(colonnes: dict[str, tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((c, t) for c, (t, _) in colonnes.items())


def unites(colonnes: dict[str, tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((c, u) for c, (_, u) in colonnes.items())
