"""The action plan (`objectifs`, docs/CONTRACT.md section 2): what its loading adds to any return's.

- `indicateur` names a column of indicateurs_territoire, by its name or by its French label as
  the app shows it (warehouse.catalogue): both are stored as the column name, so the view
  suivi_objectifs finds the value. Any other text is a hand-measured indicator, kept as written.
- A `realise_saisi` given for a computed indicator is ignored, with a warning: the
  Observatoire's own figure is the realised value.
- A file replaces the whole plan of every year it holds (`store_plan`); an identical plan
  changes nothing.
"""

from __future__ import annotations

import re

import duckdb
import polars as pl

from contract import TEMPLATES
from loaders.read import ROW, Sheet, fold
from loaders.report import WARNING, Problem
from warehouse import build, catalogue

TEMPLATE = "objectifs"

# The computed indicators an objective may name, and their labels as the app shows them.
INDICATEURS: dict[str, str] = {n: catalogue.label(n) for n in catalogue.indicators_of(catalogue.TERRITOIRE)}
_PAR_TEXTE: dict[str, str] = {**{fold(lab): n for n, lab in INDICATEURS.items()}, **{fold(n): n for n in INDICATEURS}}


def indicateur(text: str | None) -> str | None:
    """The column name when `text` names a computed indicator (name or label), else `text` as written."""
    if text is None:
        return None
    return _PAR_TEXTE.get(fold(text), text)


def _looks_like_a_name(text: str) -> bool:
    """`taux_sorti_dynamique`: a mistyped column name rather than a hand-measured indicator's label."""
    return bool(re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", text))


def normalise(sheet: Sheet, typed: pl.DataFrame) -> tuple[pl.DataFrame, list[Problem]]:
    """Indicators as column names; realised values of computed ones dropped, each with a warning."""
    written = typed["indicateur"]
    mapping = {v: indicateur(v) for v in written.unique().drop_nulls().to_list()}
    typed = typed.with_columns(pl.col("indicateur").replace_strict(mapping, default=None, return_dtype=pl.String))
    computed = typed["indicateur"].is_in(list(INDICATEURS))
    header = sheet.headers.get("realise_saisi") or TEMPLATES[TEMPLATE].column("realise_saisi").label
    problems = []
    for ligne, name, value in typed.filter(computed & pl.col("realise_saisi").is_not_null()).select(
            ROW, "indicateur", "realise_saisi").iter_rows():
        problems.append(Problem(
            sheet.file, sheet.sheet, ligne, header, f"{value:g}".replace(".", ","),
            f"valeur ignorée : « {INDICATEURS[name]} » est calculé par l'Observatoire à partir des retours ; "
            "le réalisé saisi ne sert qu'aux indicateurs mesurés à la main", WARNING))
    for ligne, text in zip(typed[ROW], written):
        if text is not None and text not in INDICATEURS and indicateur(text) == text and _looks_like_a_name(text):
            problems.append(Problem(
                sheet.file, sheet.sheet, ligne, sheet.headers.get("indicateur") or "Indicateur", text,
                "indicateur inconnu de l'Observatoire : il sera suivi comme un indicateur mesuré à la main "
                "(vérifiez son nom s'il devait être calculé)", WARNING))
    typed = typed.with_columns(pl.when(computed).then(None).otherwise(pl.col("realise_saisi")).alias("realise_saisi"))
    return typed, problems


def store_plan(con: duckdb.DuckDBPyConnection, df: pl.DataFrame, load_id: int) -> tuple[int, int, int]:
    """Replace the plan of each year of `df` (registered as `incoming`); (new, replaced, unchanged) years."""
    t = TEMPLATES[TEMPLATE]
    raw = build.raw_table(TEMPLATE)
    names = ", ".join(t.column_names)
    years = sorted(df["annee"].unique().to_list())
    stored = con.sql(f"select {names} from {raw} where list_contains($annees, annee)",
                     params={"annees": years}).pl().cast(dict(df.schema))
    changed, counts = [], {"new": 0, "replaced": 0, "unchanged": 0}
    for year in years:
        before = stored.filter(pl.col("annee") == year).sort(pl.all())
        after = df.filter(pl.col("annee") == year).sort(pl.all())
        action = "new" if before.is_empty() else "unchanged" if after.equals(before) else "replaced"
        counts[action] += 1
        if action != "unchanged":
            changed.append(year)
    if changed:
        casts = ", ".join(f"i.{c.name}::{c.sql_type}" for c in t.columns)
        con.execute(f"delete from {raw} where list_contains($annees, annee)", {"annees": changed})
        con.execute(f"insert into {raw} select {casts}, $load_id from incoming i where list_contains($annees, annee)",
                    {"annees": changed, "load_id": load_id})
    return counts["new"], counts["replaced"], counts["unchanged"]
