"""Erase person-level rows everywhere: the current warehouse and every kept version.

Versions are the history of the warehouse and are otherwise never modified; personal data
is the exception (GDPR right to erasure, retention limit). Each version is rewritten in
place, then its marts are recomputed so no aggregate keeps the erased rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from warehouse import build
from warehouse.db import WarehouseError, copy_ahead, discard_spares, list_versions, scalar, writer_lock

PERSON_TABLES = ("raw_salaries_insertion", "raw_personnel_permanent")


@dataclass
class Erased:
    versions: int  # version files rewritten
    rows: int  # rows deleted in the current version


def _rewrite(link, where: str, params: dict) -> Erased:
    versions = list_versions(link)
    if not versions:
        raise WarehouseError(f"aucun entrepôt à {link}")
    current_rows = 0
    with writer_lock(link):
        discard_spares(link)  # a copy made ahead would bring back what is erased
        for v in versions:
            try:
                con = duckdb.connect(str(v.path))
            except duckdb.IOException:
                raise WarehouseError(
                    f"la version {v.number} est ouverte par un autre programme (l'application ?) : "
                    "arrêtez-le puis recommencez ; rien n'a été effacé dans cette version ni les suivantes."
                ) from None
            try:
                con.execute("begin transaction")
                deleted = 0
                for table in PERSON_TABLES:
                    deleted += scalar(con, f"select count(*) from {table} where {where}", params)
                    con.execute(f"delete from {table} where {where}", params)
                if "identifiant" in params:
                    # A rejected file's report may quote the identifier as the faulty value.
                    con.execute("delete from load_problems where valeur = $identifiant",
                                {"identifiant": params["identifiant"]})
                if build.is_current(con):
                    build.refresh(con)
                con.execute("commit")
                con.execute("checkpoint")
            finally:
                con.close()
            if v.current:
                current_rows = deleted
    copy_ahead(link)
    return Erased(len(versions), current_rows)


def erase_person(link, siret: str, identifiant: str) -> Erased:
    """Every row of one person (salarié or permanent) of one SIAE, in every version."""
    return _rewrite(link, "siret = $siret and identifiant = $identifiant",
                    {"siret": siret, "identifiant": identifiant})


def apply_retention(link, keep_years: int, this_year: int) -> Erased:
    """Person-level rows of the years older than `this_year - keep_years`, in every version."""
    return _rewrite(link, "annee < $cutoff", {"cutoff": this_year - keep_years})
