"""Queries of the « Territoires » page: the need (public statistics by commune) beside the
supply of SIAE, by basin (densite_territoire) and by commune (densite_commune).

Each is `(con, filters, scope, ...) -> polars.DataFrame`, like warehouse.queries. The type
filter does not apply: the need is not split by type of SIAE, so every figure covers all types.

Statistical secrecy: the demand figures are public statistics and the register of SIAE
(how many, where, how many FTE under agreement) is public too. The persons counted in the
SIAE (nb_salaries, nb_salaries_rsa) and the ratios read from them are shown to State
officers only: a commune often has one or two SIAE, and its employees would be those of a
structure; at basin level these columns are hidden as well, so that a basin figure minus
the communes shown cannot give one away. Hidden cells are NULL with `_secret_<col>` saying
why, as warehouse.secrecy does.
"""

from __future__ import annotations

import polars as pl

from warehouse.scope import SCOPE_AGREGATS, Filters, Scope, params, run

# Persons counted in the SIAE, and the ratios read from them: State officers only.
SECRETS = ("nb_salaries", "nb_salaries_rsa", "etp_insertion", "salaries_pour_1000_de", "salaries_rsa_pour_1000_rsa")
RAISON_SECRET = "réservé aux agents de l'État (secret statistique)"


def _restreint(rows: pl.DataFrame, scope: Scope) -> pl.DataFrame:
    """The rows as `scope` may see them: SECRETS hidden for a restricted reader."""
    if not scope.secret_statistique or rows.is_empty():
        return rows
    return rows.with_columns(
        *[pl.lit(None, dtype=rows.schema[c]).alias(c) for c in SECRETS if c in rows.columns],
        *[pl.lit(RAISON_SECRET).alias(f"_secret_{c}") for c in SECRETS if c in rows.columns],
    )


def densite(con, f: Filters, scope: Scope, *, depuis: int | None = None) -> pl.DataFrame:
    """densite_territoire for the years `depuis` (default: the year) to the year: the chosen
    basins (every basin when none is chosen) and the department's row."""
    p = params(f, scope)
    p["debut"] = f.annee if depuis is None else depuis
    rows = run(con, f"""
        select *
        from densite_territoire
        where annee between $debut and $annee and {SCOPE_AGREGATS}
          and (bassin = 'TOUS' or $bassins::varchar[] is null or list_contains($bassins::varchar[], bassin))
        order by annee, bassin = 'TOUS', bassin
    """, **p)
    return _restreint(rows, scope)


def densite_communes(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """densite_commune for the year, the communes of the chosen basins (all when none is chosen)."""
    rows = run(con, f"""
        select *
        from densite_commune
        where annee = $annee and {SCOPE_AGREGATS}
          and ($bassins::varchar[] is null or list_contains($bassins::varchar[], bassin))
        order by bassin, nom_commune
    """, **params(f, scope))
    return _restreint(rows, scope)


def annees_demande(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """Years with demand figures, and how many communes gave the number of job seekers."""
    return run(con, f"""
        select annee, count(demandeurs_emploi) as nb_communes_chiffrees, count(*) as nb_communes
        from densite_commune
        where {SCOPE_AGREGATS}
        group by annee
        order by annee
    """, **params(f, scope))
