"""A loader's report as the user reads it: problems about a whole file as sentences, problems
about cells as a table (Fichier, Feuille, Ligne, Colonne, Valeur, Règle), and its CSV."""

from __future__ import annotations

import polars as pl
import streamlit as st

from contract import REPORT_COLUMNS
from loaders.report import ERROR, WARNING, Problem, group, to_csv
from ui.export import MIME
from ui.format import pluriel
from ui.grilles import TABLE_MAX


def md(text: str) -> str:
    """A user's text (a file name) shown literally in Markdown: no emphasis, link, LaTeX or emoji code."""
    return "".join("\\" + c if c in "\\`*_{}[]()<>#+-.!|$:~" else c for c in str(text))


RAPPORT_COLONNES = list(REPORT_COLUMNS)  # fichier, feuille, ligne, colonne, valeur, regle


def rapport(problems: list[Problem]) -> pl.DataFrame:
    """Report lines as a frame: Fichier, Feuille, Ligne, Colonne, Valeur, Règle (Ligne is text:
    grouped lines read `2 à 41`)."""
    return pl.DataFrame(
        [{"fichier": p.fichier, "feuille": p.feuille, "ligne": None if p.ligne is None else str(p.ligne),
          "colonne": p.colonne, "valeur": p.valeur,
          "regle": p.regle if p.niveau == ERROR else f"avertissement : {p.regle}"} for p in problems],
        schema={"fichier": pl.String, "feuille": pl.String, "ligne": pl.String, "colonne": pl.String,
                "valeur": pl.String, "regle": pl.String})


def problemes_depuis(df: pl.DataFrame) -> list[Problem]:
    """load_problems rows back into Problems, for loaders.report.to_csv."""
    out = []
    for r in df.iter_rows(named=True):
        regle = r["regle"] or ""
        warn = regle.startswith("avertissement")
        out.append(Problem(r["fichier"], r["feuille"], r["ligne"], r["colonne"], r["valeur"],
                           regle.removeprefix("avertissement : ") if warn else regle, WARNING if warn else ERROR))
    return out


def general(p: Problem) -> bool:
    """A problem about the whole file (unreadable, no template recognised), not about a cell."""
    return p.feuille is None and p.ligne is None and p.colonne is None


def rapport_lisible(problems: list[Problem], sans_fichier: bool = False) -> pl.DataFrame:
    """Report lines with French headers, as text (empty cells stay empty)."""
    df = rapport(problems).with_columns(pl.col("ligne").cast(pl.String)).fill_null("")
    if sans_fichier:
        df = df.drop("fichier")
    return df.rename({c: t for c, t in REPORT_COLUMNS.items() if c in df.columns})


def grille_rapport(problems: list[Problem], *, key: str, nom: str, hauteur: int | str = "auto",
                   sans_fichier: bool = False) -> None:
    """A report as the user reads it, and its CSV (the command line's --rapport).

    Problems about the whole file are sentences; problems about cells a table (Fichier, Feuille,
    Ligne, Colonne, Valeur, Règle) whose long rules wrap, or a scrolling grid for long reports.
    `sans_fichier` leaves the file name out when the page already names the file (the CSV has it).
    Repeated problems are one line (loaders.report.group): `Ligne` reads `2 à 41`.
    """
    problems = group(problems)
    for p in problems:
        if general(p):
            texte = p.regle[:1].upper() + p.regle[1:]
            prefixe = "" if sans_fichier else f"{md(p.fichier)} : "
            st.markdown(f"{'⚠️' if p.niveau == WARNING else '⛔'} {prefixe}{md(texte)}")
    cellules = [p for p in problems if not general(p)]
    if cellules:
        df = rapport_lisible(cellules, sans_fichier)
        if len(cellules) <= TABLE_MAX:
            st.table(df, hide_index=True)
        else:
            config = {c: st.column_config.TextColumn(c) for c in df.columns}
            config["Règle"] = st.column_config.TextColumn("Règle", width="large")
            st.caption(f"{pluriel(len(cellules), 'ligne')} de rapport : faites défiler le tableau, ou ouvrez le "
                       "rapport CSV dans Excel.")
            st.dataframe(df, hide_index=True, column_config=config, height=hauteur, key=f"rapport_{key}")
    st.download_button("⬇️ Rapport (CSV)", data=lambda: to_csv(problems), file_name=nom, mime=MIME["csv"],
                       key=f"rapport_csv_{key}", on_click="ignore",
                       help="Le rapport au format CSV (séparateur « ; »), à joindre à la relance de la structure.")
