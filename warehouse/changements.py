"""What changed since the last committee: between the warehouse version in force on a date
and the current one, the returns received, replaced or still missing, and the key
indicators whose value moved.

Every figure is read through warehouse.queries and warehouse.queries_retours on each
version with the caller's scope, so a committee sees here exactly what its screens would
have shown then and show now (secrecy included); this module only compares the two reads.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import duckdb
import polars as pl

from warehouse import queries, queries_retours
from warehouse.db import Version, WarehouseError, connect_read, list_versions
from warehouse.scope import Filters, Scope

# The indicators of a basin compared between the two versions, in the order they are shown.
INDICATEURS = (
    "nb_siae", "nb_retours_complets", "taux_retour", "nb_salaries", "nb_entrees", "nb_sorties", "etp_conventionnes",
    "etp_insertion", "taux_realisation_etp", "taux_sortie_dynamique", "taux_emploi_durable", "part_femmes",
    "part_rsa", "etp_permanents", "chiffre_affaires", "financement_public", "ratio_public_ca",
    "fonds_propres_pct_ca",
)
# What happened to a return owed for the year, between the two versions.
CHANGEMENTS = {
    "RECU_DEPUIS": "Reçu depuis",
    "REMPLACE": "Remplacé (corrigé)",
    "MANQUANT": "Toujours manquant",
    "REFUSE": "Refusé, toujours attendu",
}
SECRET = "secret"  # a value hidden by statistical secrecy, in the `avant` / `apres` texts' place


def version_au(link: Path, jour: date) -> Version | None:
    """The version in force on `jour`: the last one created on or before that day (None when
    the warehouse did not exist yet). A version's date is its file's, as `versions` lists it."""
    fin = datetime.combine(jour, time.max)
    before = [v for v in list_versions(link) if v.created <= fin]
    return before[-1] if before else None


def _lire(con, fn, f: Filters, scope: Scope, **options) -> pl.DataFrame:
    try:
        return fn(con, f, scope, **options)
    except duckdb.Error as exc:
        raise WarehouseError(
            "La version de l'entrepôt de la date choisie ne peut pas être comparée : elle a été construite "
            f"par une version plus ancienne de l'outil ({str(exc).splitlines()[0]}).") from exc


def retours(con_avant, con_apres, f: Filters, scope: Scope) -> pl.DataFrame:
    """Returns owed for `f.annee` in the selection that arrived, were replaced, or are still
    missing: one row per (siret, template), with `changement` (a key of CHANGEMENTS) and its
    label, the date the return in force was loaded (`recu_le`). `con_avant` None: nothing
    was loaded then. Returns received before and unchanged since are left out."""
    apres = _lire(con_apres, queries_retours.suivi, f, scope)
    cles = ["siret", "template"]
    if con_avant is None:
        avant = apres.select(*cles, pl.lit(None, pl.String).alias("statut_avant"),
                             pl.lit(None, pl.Int64).alias("load_id_avant")).clear()
    else:
        avant = _lire(con_avant, queries_retours.suivi, f, scope).select(
            *cles, pl.col("statut").alias("statut_avant"), pl.col("load_id").cast(pl.Int64).alias("load_id_avant"))
    both = apres.join(avant, on=cles, how="left")
    recu, recu_avant = pl.col("statut") == "RECU", pl.col("statut_avant").fill_null("") == "RECU"
    changement = (pl.when(recu & ~recu_avant).then(pl.lit("RECU_DEPUIS"))
                  .when(recu & (pl.col("load_id").cast(pl.Int64) != pl.col("load_id_avant"))).then(pl.lit("REMPLACE"))
                  .when(pl.col("statut") == "REFUSE").then(pl.lit("REFUSE"))
                  .when(~recu).then(pl.lit("MANQUANT")))
    rang = {k: i for i, k in enumerate(CHANGEMENTS)}
    return (both.with_columns(changement.alias("changement"))
            .filter(pl.col("changement").is_not_null())
            .with_columns(pl.col("changement").replace_strict(CHANGEMENTS, return_dtype=pl.String)
                          .alias("changement_libelle"),
                          pl.col("changement").replace_strict(rang, return_dtype=pl.Int32).alias("_rang"))
            .sort("_rang", "raison_sociale", "siret", "template_rang")
            .select("changement", "changement_libelle", "siret", "raison_sociale", "bassin", "type_siae",
                    "template", "template_libelle", "recu_le"))


def _territoire(con, f: Filters, scope: Scope) -> pl.DataFrame:
    return _lire(con, queries.territoire, f, scope, depuis=f.annee - 1)


def _cellule(row: dict | None, col: str) -> tuple[float | None, str | None]:
    if row is None:
        return None, None
    return row.get(col), row.get(f"_secret_{col}")


def indicateurs(con_avant, con_apres, f: Filters, scope: Scope) -> pl.DataFrame:
    """The key indicators of the selection (one basin or all, every type) for n-1 and n whose
    value changed: annee, indicateur, avant, apres (NULL when unknown or hidden), and
    secret_avant / secret_apres (why statistical secrecy hides it, else NULL)."""
    new = {r["annee"]: r for r in _territoire(con_apres, f, scope).iter_rows(named=True)}
    old = {} if con_avant is None else {r["annee"]: r for r in _territoire(con_avant, f, scope).iter_rows(named=True)}
    out = []
    for annee in (f.annee, f.annee - 1):
        for col in INDICATEURS:
            (a, sa), (b, sb) = _cellule(old.get(annee), col), _cellule(new.get(annee), col)
            same = (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-9)
            if same and bool(sa) == bool(sb):
                continue
            out.append({"annee": annee, "indicateur": col, "avant": None if a is None else float(a),
                        "apres": None if b is None else float(b), "secret_avant": sa, "secret_apres": sb})
    return pl.DataFrame(out, schema={"annee": pl.Int32, "indicateur": pl.String, "avant": pl.Float64,
                                     "apres": pl.Float64, "secret_avant": pl.String, "secret_apres": pl.String})


def comparer(link: Path, depuis: date, f: Filters, scope: Scope) -> tuple[Version | None, pl.DataFrame, pl.DataFrame]:
    """(the version in force on `depuis`, retours, indicateurs) against the current version."""
    v = version_au(link, depuis)
    con_apres = connect_read(link)
    con_avant = duckdb.connect(str(v.path), read_only=True) if v is not None else None
    try:
        return v, retours(con_avant, con_apres, f, scope), indicateurs(con_avant, con_apres, f, scope)
    finally:
        con_apres.close()
        if con_avant is not None:
            con_avant.close()
