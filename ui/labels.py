"""Words shown to users, read from their homes: the indicator catalogue and the contract.

Nothing is written here that those modules already say; this module only looks things up
(and says what to show when they do not know a code).
"""

from __future__ import annotations

import polars as pl

from contract import CODE_LISTS, TEMPLATES
from ui.format import VIDE
from warehouse import catalogue

ALL = "TOUS"


def colonne(col: str) -> str:
    """French header of a view column; a "<x>_libelle" column shown alone reads as "<x>"."""
    if col.endswith("_libelle") and col.removesuffix("_libelle") in catalogue.COLUMNS:
        return catalogue.label(col.removesuffix("_libelle"))
    return catalogue.label(col)


def unite(col: str) -> str:
    return catalogue.fmt(col)


def indicateur(col: str) -> catalogue.Indicator | None:
    return catalogue.INDICATORS.get(col)


def aide(col: str) -> str:
    """Tooltip of a column or metric: its definition and formula, from the catalogue."""
    entry = catalogue.COLUMNS.get(col)
    if entry is None:
        return ""
    parts = [entry.definition] if entry.definition else []
    if isinstance(entry, catalogue.Indicator):
        parts.append(f"Formule : {entry.formula}.")
        parts.append("Source : " + ", ".join(source(t) for t in entry.sources) + ".")
    return "\n\n".join(parts)


def source(template: str) -> str:
    """A template (a return, a source of data) by its name in the contract."""
    t = TEMPLATES.get(template)
    return t.label if t else template


# Short names where room is scarce (matrix columns, lists of missing returns).
MODELES_COURTS = {"structure": "Fiche structure", "salaries_insertion": "Salariés", "personnel_permanent": "Personnel",
                  "finances": "Finances", "conventions": "Conventions", "communes": "Communes"}


def modeles(templates: list[str] | str) -> str:
    """Template names in words: "Salariés en insertion, Finances" (a list, or comma-separated codes)."""
    if isinstance(templates, str):
        templates = [t for t in templates.split(",") if t]
    return ", ".join(source(t) for t in templates) or VIDE


def vue(name: str) -> str:
    v = catalogue.VIEWS.get(name)
    return v.title if v else name


def bassin(code: str | None) -> str:
    """"Sud"; a basin brought by another department shows its code, capitalised."""
    if code is None:
        return "Non renseigné"
    if code == ALL:
        return "Tous les bassins"
    return CODE_LISTS["BASSIN"].get(code, code.capitalize())


def type_siae(code: str | None) -> str:
    """Short label: the acronym is what officers use ("ACI")."""
    if code is None:
        return "Non renseigné"
    if code == ALL:
        return "Tous types"
    return code


def type_siae_long(code: str | None) -> str:
    """"Atelier et chantier d'insertion (ACI)", where space allows."""
    if code is None or code == ALL:
        return type_siae(code)
    name = CODE_LISTS["TYPE_SIAE"].get(code)
    return f"{name} ({code})" if name else code


def code(liste: str, value: str | None) -> str:
    if value is None:
        return "Non renseigné"
    return CODE_LISTS.get(liste, {}).get(value, value)


def bassins_texte(bassins: tuple[str, ...]) -> str:
    return ", ".join(bassin(x) for x in bassins) if bassins else "tous les bassins"


def types_texte(types: tuple[str, ...]) -> str:
    return ", ".join(type_siae(x) for x in types) if types else "tous types"


def selection(bassins: tuple[str, ...], types: tuple[str, ...]) -> str:
    """The selection in words, for titles: "Sud · ACI, EI"."""
    return f"{bassins_texte(bassins)} · {types_texte(types)}"


UNITES = {
    "nombre": "nombre", "decimal": "nombre décimal", "pourcentage": "pourcentage", "euros": "euros",
    "etp": "équivalents temps plein (ETP)", "booleen": "oui / non", "texte": "texte", "annee": "année",
}


def unite_texte(unit: str) -> str:
    return UNITES.get(unit, unit)


def en_mots(df: pl.DataFrame, col: str, libelle) -> pl.Expr:
    """`col` through `libelle` (bassin, type_siae…), called once per distinct value rather than
    once per row: a table of 5,000 SIAE has four basins."""
    mapping = {v: libelle(v) for v in df[col].unique().to_list() if v is not None}
    return pl.col(col).replace_strict(mapping, default=None, return_dtype=pl.String)
