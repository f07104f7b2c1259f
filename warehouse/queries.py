"""Named, parameterised queries over the mart views: the only way the app reads data.

Every function is `(con, filters, scope, ...) -> polars.DataFrame`. `filters` is what the
user chose (year, types, basins); `scope` is what the user may see. The scope is applied
here, in SQL, so that no page and no export can show more than it allows.

No indicator formula lives here: ratios come from sql/marts/. What these queries add is
filtering, sorting, sums of counts or euros over the rows a user selected (a distribution
of the public, funding by funder) and medians used as a point of comparison.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb
import polars as pl

ALL = "TOUS"  # the total rows of indicateurs_territoire


@dataclass(frozen=True)
class Scope:
    """What a user may see. `None` means no restriction.

    detail "siae": rows about one structure may be shown; "territoire": only aggregates
    (a future CTA role, for instance). `secret_statistique`: territory tables come with the
    cells that could single out a person or a structure hidden (warehouse.secrecy), as for
    a committee or a structure.
    """

    bassins: tuple[str, ...] | None = None
    sirets: tuple[str, ...] | None = None
    detail: str = "siae"
    secret_statistique: bool = False

    @classmethod
    def admin(cls) -> Scope:
        return cls()

    @property
    def voit_siae(self) -> bool:
        return self.detail == "siae"


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


_PARAM = re.compile(r"\$([a-z_]+)")


def _run(con: duckdb.DuckDBPyConnection, sql: str, **params) -> pl.DataFrame:
    """Run `sql` with the parameters it names (DuckDB refuses unused ones)."""
    used = set(_PARAM.findall(sql))
    missing = used - set(params)
    if missing:
        raise ValueError(f"paramètres manquants : {sorted(missing)}")
    return con.sql(sql, params={k: v for k, v in params.items() if k in used}).pl()


def _list(values) -> list | None:
    return list(values) if values else None


def _params(f: Filters, scope: Scope) -> dict:
    return dict(
        annee=f.annee,
        types=_list(f.types),
        bassins=_list(f.bassins),
        scope_bassins=_list(scope.bassins) if scope.bassins is not None else None,
        scope_sirets=_list(scope.sirets) if scope.sirets is not None else None,
        scope_vide=(scope.bassins is not None and not scope.bassins)
        or (scope.sirets is not None and not scope.sirets),
        voit_siae=scope.voit_siae,
    )


# Conditions shared by every query on a per-SIAE view (columns bassin, type_siae, siret).
SCOPE_SIAE = """
    not $scope_vide
    and ($scope_bassins::varchar[] is null or list_contains($scope_bassins::varchar[], bassin))
    and ($scope_sirets::varchar[] is null or list_contains($scope_sirets::varchar[], siret))
"""
FILTER_SIAE = """
    ($bassins::varchar[] is null or list_contains($bassins::varchar[], bassin))
    and ($types::varchar[] is null or list_contains($types::varchar[], type_siae))
"""


# ---------- what the filters offer ----------

def annees(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """Years with SIAE under agreement, and whether any return was received for them."""
    return _run(con, f"""
        select
            annee,
            count(*) as nb_siae,
            bool_or(retour_structure or retour_salaries or retour_personnel or retour_finances) as avec_retour
        from indicateurs_siae
        where {SCOPE_SIAE}
        group by annee
        order by annee
    """, **_params(f, scope))


def bassins(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """Basins present in the agreements (the list is open: another department brings its own)."""
    return _run(con, f"""
        select distinct bassin
        from indicateurs_siae
        where {SCOPE_SIAE} and bassin is not null
        order by bassin
    """, **_params(f, scope))


def types_siae(con, f: Filters, scope: Scope) -> pl.DataFrame:
    return _run(con, f"""
        select distinct type_siae
        from indicateurs_siae
        where {SCOPE_SIAE}
        order by type_siae
    """, **_params(f, scope))


# ---------- territory ----------

def territoire(con, f: Filters, scope: Scope, *, par_bassin: bool = False, par_type: bool = False,
               depuis: int | None = None) -> pl.DataFrame:
    """Rows of indicateurs_territoire for the selection, from `depuis` (default: the year) to the year.

    A dimension is detailed (one row per basin or type) when `par_bassin`/`par_type` asks for
    it or when the user picked some values; otherwise the view's "TOUS" total row is taken.
    With one basin and one type picked, that gives exactly one row per year. A user whose
    scope is limited to some basins never gets a "TOUS" basin row: it would include others.
    """
    p = _params(f, scope)
    limited = scope.bassins is not None
    p.update(
        detail_bassin=par_bassin or bool(f.bassins) or limited,
        detail_type=par_type or bool(f.types),
        debut=f.annee if depuis is None else depuis,
    )
    rows = _run(con, """
        select *
        from indicateurs_territoire
        where annee between $debut and $annee
          and not $scope_vide
          and $scope_sirets::varchar[] is null
          and case when $detail_bassin
                   then bassin <> 'TOUS'
                        and ($bassins::varchar[] is null or list_contains($bassins::varchar[], bassin))
                        and ($scope_bassins::varchar[] is null
                             or list_contains($scope_bassins::varchar[], bassin))
                   else bassin = 'TOUS' end
          and case when $detail_type
                   then type_siae <> 'TOUS'
                        and ($types::varchar[] is null or list_contains($types::varchar[], type_siae))
                   else type_siae = 'TOUS' end
        order by annee, bassin, type_siae
    """, **p)
    return _secret(con, rows, p) if scope.secret_statistique else rows


def _secret(con, rows: pl.DataFrame, p: dict) -> pl.DataFrame:
    """The rows, with the cells statistical secrecy hides set to NULL (and `_secret_<col>` why).

    Secondary suppression needs every total and its parts, so the whole table of each year
    is protected first, then the selected rows are taken from it.
    """
    from warehouse import secrecy, settings

    conf = settings.load()
    every = _run(con, "select * from indicateurs_territoire where annee between $debut and $annee "
                      "order by annee, bassin, type_siae", **p)
    protected = secrecy.protect(every, secrecy.TERRITOIRE, conf.seuil_personnes, conf.seuil_structures)
    return rows.select("annee", "bassin", "type_siae").join(
        protected, on=["annee", "bassin", "type_siae"], how="left", maintain_order="left")


# ---------- structures ----------

# Columns the list may be sorted by (identifiers never come from user text).
SORT_SIAE = (
    "raison_sociale", "siret", "type_siae", "bassin", "nom_commune", "etp_conventionnes", "nb_salaries",
    "etp_insertion", "taux_realisation_etp", "taux_sortie_dynamique", "chiffre_affaires", "ratio_public_ca",
    "fonds_propres_pct_ca", "cout_public_par_etp", "taux_encadrement", "retour_complet",
)


def siae(con, f: Filters, scope: Scope, *, recherche: str = "", tri: str = "raison_sociale",
         decroissant: bool = False, retours_incomplets: bool = False) -> pl.DataFrame:
    """indicateurs_siae for the year and selection; `recherche` matches name, SIRET or commune."""
    if tri not in SORT_SIAE:
        raise ValueError(f"tri inconnu : {tri}")
    direction = "desc" if decroissant else "asc"
    return _run(con, f"""
        select *
        from indicateurs_siae
        where annee = $annee and $voit_siae and {SCOPE_SIAE} and {FILTER_SIAE}
          and ($recherche = ''
               or raison_sociale ilike '%' || $recherche || '%'
               or siret like '%' || $recherche || '%'
               or coalesce(nom_commune, '') ilike '%' || $recherche || '%')
          and (not $incomplets or not retour_complet)
        order by {tri} {direction} nulls last, raison_sociale, siret
    """, recherche=recherche.strip(), incomplets=retours_incomplets, **_params(f, scope))


def fiche_siae(con, f: Filters, scope: Scope, *, siret: str) -> pl.DataFrame:
    """One SIAE, years n-2..n (global type and basin filters do not apply to a named SIAE)."""
    debut, fin = f.annees_n2
    return _run(con, f"""
        select *
        from indicateurs_siae
        where siret = $siret and annee between $debut and $fin and $voit_siae and {SCOPE_SIAE}
        order by annee
    """, siret=siret, debut=debut, fin=fin, **_params(f, scope))


# Columns whose median the SIAE sheet compares with (a comparison statistic, not an indicator).
MEDIAN_COLUMNS = (
    "etp_conventionnes", "etp_insertion", "taux_realisation_etp", "nb_salaries", "nb_sorties",
    "taux_sortie_dynamique", "taux_emploi_durable", "chiffre_affaires", "ratio_public_ca",
    "fonds_propres_pct_ca", "cout_public_par_etp", "taux_encadrement", "etp_permanents",
)


def mediane_groupe_siae(con, f: Filters, scope: Scope, *, siret: str) -> pl.DataFrame:
    """For each year n-2..n, the median of the SIAE of the same type in the same basin.

    `nb_siae` is the size of the group; `nb_valeurs_<col>` how many values the median of
    `<col>` is taken over (a missing return gives no value).
    """
    debut, fin = f.annees_n2
    medians = ",\n".join(
        f"median(g.{c}) as {c}, count(g.{c}) as nb_valeurs_{c}" for c in MEDIAN_COLUMNS
    )
    return _run(con, f"""
        with
        cible as (
            select annee, type_siae, bassin
            from indicateurs_siae
            where siret = $siret and annee between $debut and $fin and $voit_siae and {SCOPE_SIAE}
        ),
        groupe as (
            select * from indicateurs_siae
        )
        select cible.annee, cible.type_siae, cible.bassin, count(*) as nb_siae,
            {medians}
        from cible
        inner join groupe g
            on g.annee = cible.annee and g.type_siae = cible.type_siae and g.bassin = cible.bassin
        group by all
        order by cible.annee
    """, siret=siret, debut=debut, fin=fin, **_params(f, scope))


def medianes_siae(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """Medians over the selected SIAE of the year, where the view gives a ratio per SIAE only."""
    medians = ",\n".join(
        f"median({c}) as {c}, count({c}) as nb_valeurs_{c}" for c in MEDIAN_COLUMNS
    )
    return _run(con, f"""
        select count(*) as nb_siae, {medians}
        from indicateurs_siae
        where annee = $annee and {SCOPE_SIAE} and {FILTER_SIAE}
    """, **_params(f, scope))


# ---------- publics, sorties ----------

def publics(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """Integration employees present in the year, by characteristic, over the selected SIAE."""
    return _run(con, f"""
        select dimension, any_value(dimension_libelle) as dimension_libelle, modalite,
            any_value(libelle) as libelle, min(rang) as rang, sum(nb_salaries)::bigint as nb_salaries
        from publics_repartition
        where annee = $annee and {SCOPE_SIAE} and {FILTER_SIAE}
        group by dimension, modalite
        order by dimension, rang nulls last, modalite
    """, **_params(f, scope))


def sorties(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """Exits of the year by reason, over the selected SIAE."""
    return _run(con, f"""
        select categorie, any_value(categorie_libelle) as categorie_libelle, any_value(dynamique) as dynamique,
            motif_sortie, any_value(motif_libelle) as motif_libelle, sum(nb_sorties)::bigint as nb_sorties
        from sorties_par_categorie
        where annee = $annee and {SCOPE_SIAE} and {FILTER_SIAE}
        group by categorie, motif_sortie
        order by case categorie when 'EMPLOI_DURABLE' then 0 when 'EMPLOI_TRANSITION' then 1
                 when 'SORTIE_POSITIVE' then 2 when 'AUTRE_SORTIE' then 3 else 4 end,
                 nb_sorties desc, motif_sortie
    """, **_params(f, scope))


# ---------- personnel ----------

PERSONNEL_BY = {
    "fonction": ("fonction", "fonction_libelle"),
    "statut": ("statut", "statut_libelle"),
    "niveau_diplome": ("niveau_diplome", "niveau_diplome_libelle"),
    "formation_suivie": ("formation_suivie", "formation_suivie"),
}


def personnel(con, f: Filters, scope: Scope, *, par: str = "fonction", benevoles: bool = False) -> pl.DataFrame:
    """Permanent staff present in the year, by one dimension; volunteers apart unless asked."""
    if par not in PERSONNEL_BY:
        raise ValueError(f"dimension inconnue : {par}")
    code, libelle = PERSONNEL_BY[par]
    return _run(con, f"""
        select {code} as modalite, any_value({libelle}) as libelle,
            sum(nb_personnes)::bigint as nb_personnes, sum(etp_permanents) as etp_permanents
        from personnel_par_fonction
        where annee = $annee and est_benevole = $benevoles and {SCOPE_SIAE} and {FILTER_SIAE}
        group by {code}
        order by {code} nulls last
    """, benevoles=benevoles, **_params(f, scope))


# ---------- finances ----------

def financement(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """Public funding by funder, years n-2..n, over the selected SIAE that sent their accounts."""
    debut, fin = f.annees_n2
    return _run(con, f"""
        select annee, financeur, any_value(financeur_libelle) as financeur_libelle, min(rang) as rang,
            sum(montant) as montant, count(distinct siret) as nb_siae
        from financement_par_financeur
        where annee between $debut and $fin and {SCOPE_SIAE} and {FILTER_SIAE}
        group by annee, financeur
        order by annee, rang
    """, debut=debut, fin=fin, **_params(f, scope))


def offre(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """The supply of SIAE under agreement by basin and type (offre_par_bassin)."""
    return _run(con, f"""
        select *
        from offre_par_bassin
        where annee = $annee and not $scope_vide
          and ($scope_bassins::varchar[] is null or list_contains($scope_bassins::varchar[], bassin))
          and $scope_sirets::varchar[] is null
          and {FILTER_SIAE}
        order by bassin, type_siae
    """, **_params(f, scope))
