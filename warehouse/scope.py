"""What a user may see (`Scope`), what the user chose (`Filters`), and how both reach SQL.

Every warehouse read (warehouse.queries, warehouse.queries_retours, the pre-filled workbook
of loaders.template) runs through `run(con, sql, **params(filters, scope))`, with the
fragments below in its `where`: the scope is applied in SQL, so that no page and no export
can show more than it allows. warehouse.roles turns a user's role into a Scope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb
import polars as pl

@dataclass(frozen=True)
class Scope:
    """What a user may see (warehouse.roles builds it from the user's role).

    `bassins` / `sirets`: rows about one SIAE only in these basins / for these SIAE (None:
    no restriction; an empty tuple: none). Aggregates (territory tables, distributions,
    funding, medians) always cover every SIAE: a committee compares its basin with the
    others, a structure compares itself with its peers. `secret_statistique`: aggregates
    come with the cells that could single out a person or a structure hidden
    (warehouse.secrecy). `personnes`: rows about persons or files (load reports quote the
    rows of a file): admin and agent only.
    """

    bassins: tuple[str, ...] | None = None
    sirets: tuple[str, ...] | None = None
    secret_statistique: bool = False
    personnes: bool = True

    @classmethod
    def admin(cls) -> Scope:
        return cls()

    @property
    def vide(self) -> bool:
        """Nothing at all may be seen (an unknown user)."""
        return (self.bassins is not None and not self.bassins) or (self.sirets is not None and not self.sirets)

    @property
    def voit_siae(self) -> bool:
        return not self.vide

    def voit_personnes_de(self, siret: str) -> bool:
        """The persons of SIAE `siret` may be seen (SCOPE_PERSONNES says the same in SQL):
        admin and agent, or the structure itself."""
        if self.vide:
            return False
        if self.sirets is not None:
            return siret in self.sirets
        return self.personnes and self.bassins is None


@dataclass(frozen=True)
class Filters:
    """The global filters of the app. Empty tuples mean "all"."""

    annee: int | None = None
    types: tuple[str, ...] = field(default_factory=tuple)
    bassins: tuple[str, ...] = field(default_factory=tuple)

    @property
    def annees_n2(self) -> tuple[int, int]:
        """The years n-2..n of the financial comparisons."""
        return (self.annee - 2, self.annee)


PARAMETRE = re.compile(r"\$([a-z_]+)")


def run(con: duckdb.DuckDBPyConnection, sql: str, **params) -> pl.DataFrame:
    """Run `sql` with the parameters it names (DuckDB refuses unused ones)."""
    used = set(PARAMETRE.findall(sql))
    missing = used - set(params)
    if missing:
        raise ValueError(f"paramètres manquants : {sorted(missing)}")
    return con.sql(sql, params={k: v for k, v in params.items() if k in used}).pl()


def _liste(values) -> list | None:
    return list(values) if values else None


def params(f: Filters, scope: Scope) -> dict:
    return dict(
        annee=f.annee,
        types=_liste(f.types),
        bassins=_liste(f.bassins),
        scope_bassins=_liste(scope.bassins) if scope.bassins is not None else None,
        scope_sirets=_liste(scope.sirets) if scope.sirets is not None else None,
        scope_vide=scope.vide,
        voit_siae=scope.voit_siae,
        personnes=scope.personnes and scope.bassins is None and scope.sirets is None,
    )


# Rows about one SIAE (columns bassin, type_siae, siret): only those of the user's scope.
SCOPE_SIAE = """
    not $scope_vide
    and ($scope_bassins::varchar[] is null or list_contains($scope_bassins::varchar[], bassin))
    and ($scope_sirets::varchar[] is null or list_contains($scope_sirets::varchar[], siret))
"""
# Aggregates cover every SIAE (secrecy protects them); an unknown user sees nothing at all.
SCOPE_AGREGATS = "not $scope_vide"
FILTER_SIAE = """
    ($bassins::varchar[] is null or list_contains($bassins::varchar[], bassin))
    and ($types::varchar[] is null or list_contains($types::varchar[], type_siae))
"""
# Rows about persons of one SIAE (column siret): admin and agent, or the structure itself.
SCOPE_PERSONNES = """
    not $scope_vide
    and ($personnes or ($scope_sirets::varchar[] is not null and list_contains($scope_sirets::varchar[], siret)))
"""
