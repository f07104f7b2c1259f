"""Reads of the territorial action plan (suivi_objectifs): every function is
`(con, filters, scope, ...) -> polars.DataFrame`, as in warehouse.queries.

The plan itself is public to every role; the realised values of computed indicators are
territory aggregates, so a restricted reader (`scope.secret_statistique`) gets them as the
secrecy layer publishes them: read through `queries.territoire`, never from the view, with
the reason when a cell is hidden (statut `SECRET`).
"""

from __future__ import annotations

import polars as pl

from contract import TEMPLATES
from warehouse import queries
from warehouse.scope import SCOPE_AGREGATS, Filters, Scope, params, run

ALL = "TOUS"
SECRET = "SECRET"  # statut of an objective whose realised value statistical secrecy hides
CALCULE = "CALCULE"
_KEY = ["annee", "bassin", "type_siae", "indicateur"]

# The objectives of the selection: the basins picked and the department's own (TOUS), likewise for types.
_SELECTION = """
    ($bassins::varchar[] is null or bassin = 'TOUS' or list_contains($bassins::varchar[], bassin))
    and ($types::varchar[] is null or type_siae = 'TOUS' or list_contains($types::varchar[], type_siae))
"""


def annees_plan(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """Years that have an action plan."""
    return run(con, f"select distinct annee from suivi_objectifs where {SCOPE_AGREGATS} order by annee",
               **params(f, scope))


def objectifs(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """suivi_objectifs of the year and selection, by axis and action, with `secret` (why a value is hidden)."""
    rows = run(con, f"""
        select *, null::varchar as secret
        from suivi_objectifs
        where annee = $annee and {SCOPE_AGREGATS} and {_SELECTION}
        order by axe, action, bassin = 'TOUS' desc, bassin, type_siae = 'TOUS' desc, type_siae, indicateur
    """, **params(f, scope))
    return _publie(con, rows, scope) if scope.secret_statistique and rows.height else rows


def plan_annee(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """The whole plan of the year as loaded (the template's columns): what the plan editor edits."""
    cols = ", ".join(TEMPLATES["objectifs"].column_names)
    return run(con, f"""
        select {cols}
        from stg_objectifs
        where annee = $annee and {SCOPE_AGREGATS}
        order by axe, action, bassin = 'TOUS' desc, bassin, type_siae, indicateur
    """, **params(f, scope))


def tendance_objectif(con, f: Filters, scope: Scope, *, bassin: str, type_siae: str, action: str,
                      indicateur: str) -> pl.DataFrame:
    """One objective's indicator over the years (annee, realise, secret) beside the targets the
    plan set for it (cible, NULL for a year without one)."""
    p = params(f, scope)
    plan = run(con, f"""
        select annee, cible, realise, source
        from suivi_objectifs
        where {SCOPE_AGREGATS} and bassin = $bassin and type_siae = $type_siae and action = $action
          and indicateur = $indicateur
        order by annee
    """, **p, bassin=bassin, type_siae=type_siae, action=action, indicateur=indicateur)
    calcule = plan.height > 0 and plan["source"][0] == CALCULE
    if not calcule:
        return plan.select("annee", "realise", pl.lit(None, dtype=pl.String).alias("secret"), "cible")
    cells = _cellules(con, scope).filter(
        (pl.col("bassin") == bassin) & (pl.col("type_siae") == type_siae) & (pl.col("indicateur") == indicateur))
    return cells.select("annee", pl.col("valeur").alias("realise"), "secret").join(
        plan.select("annee", "cible"), on="annee", how="full", coalesce=True).sort("annee")


def _cellules(con, scope: Scope) -> pl.DataFrame:
    """Every cell of indicateurs_territoire as `scope` may see it, long: (annee, bassin, type_siae,
    indicateur, valeur, secret). The four reads cover details and totals of both dimensions."""
    years = con.sql("select min(annee), max(annee) from indicateurs_territoire").fetchall()[0]
    if years[0] is None:
        return pl.DataFrame(schema={k: pl.Int64 if k == "annee" else pl.String for k in _KEY}
                            | {"valeur": pl.Float64, "secret": pl.String})
    f = Filters(annee=years[1])
    frames = [queries.territoire(con, f, scope, par_bassin=b, par_type=t, depuis=years[0])
              for b in (False, True) for t in (False, True)]
    wide = pl.concat(frames, how="diagonal_relaxed")
    ids = ["annee", "bassin", "type_siae"]
    measures = [c for c in wide.columns if c not in ids and not c.startswith("_secret_")]
    values = wide.select(*ids, *(pl.col(c).cast(pl.Float64) for c in measures)).unpivot(
        measures, index=ids, variable_name="indicateur", value_name="valeur")
    reasons = [c for c in wide.columns if c.startswith("_secret_")]
    if not reasons:
        return values.with_columns(pl.lit(None, dtype=pl.String).alias("secret"))
    why = wide.select(*ids, *reasons).unpivot(reasons, index=ids, variable_name="indicateur", value_name="secret")
    why = why.with_columns(pl.col("indicateur").str.strip_prefix("_secret_"))
    return values.join(why, on=_KEY, how="left").with_columns(pl.col("annee").cast(pl.Int64))


def _publie(con, rows: pl.DataFrame, scope: Scope) -> pl.DataFrame:
    """Computed realised values replaced by the published ones; a hidden one leaves no status nor gap."""
    cells = _cellules(con, scope).rename({"valeur": "_publie", "secret": "_secret"})
    joined = rows.with_columns(pl.col("annee").cast(pl.Int64)).join(cells, on=_KEY, how="left", maintain_order="left")
    calcule = pl.col("source") == CALCULE
    hidden = calcule & pl.col("_secret").is_not_null()
    return joined.with_columns(
        pl.when(calcule).then(pl.col("_publie")).otherwise(pl.col("realise")).alias("realise"),
        pl.when(hidden).then(None).otherwise(pl.col("ecart")).alias("ecart"),
        pl.when(hidden).then(pl.lit(SECRET)).otherwise(pl.col("statut")).alias("statut"),
        pl.when(hidden).then(pl.col("_secret")).otherwise(pl.col("secret")).alias("secret"),
    ).drop("_publie", "_secret").with_columns(pl.col("annee").cast(rows.schema["annee"]))
