"""Named, parameterised queries over the mart views: the only way the app reads data.

Every function is `(con, filters, scope, ...) -> polars.DataFrame`. `filters` is what the
user chose (year, types, basins); `scope` is what the user may see. The scope is applied
here, in SQL, so that no page and no export can show more than it allows.

No indicator formula lives here: ratios come from sql/marts/. What these queries add is
filtering, sorting, sums of counts or euros over the rows a user selected (a distribution
of the public, funding by funder) and medians used as a point of comparison.
"""

from __future__ import annotations

import polars as pl

from warehouse import diffusion
from warehouse.scope import FILTER_SIAE, SCOPE_AGREGATS, SCOPE_SIAE, Filters, Scope  # noqa: F401 (Scope, Filters: moved)
from warehouse.scope import params as _params
from warehouse.scope import run as _run

ALL = "TOUS"  # the total rows of indicateurs_territoire


# ---------- what the filters offer ----------

def annees(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """Years with SIAE under agreement, and whether any return was received for them."""
    return _run(con, f"""
        select
            annee,
            count(*) as nb_siae,
            bool_or(retour_structure or retour_salaries or retour_personnel or retour_finances) as avec_retour
        from indicateurs_siae
        where {SCOPE_AGREGATS}
        group by annee
        order by annee
    """, **_params(f, scope))


def bassins(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """Basins present in the agreements (the list is open: another department brings its own)."""
    return _run(con, f"""
        select distinct bassin
        from indicateurs_siae
        where {SCOPE_AGREGATS} and bassin is not null
        order by bassin
    """, **_params(f, scope))


def types_siae(con, f: Filters, scope: Scope) -> pl.DataFrame:
    return _run(con, f"""
        select distinct type_siae
        from indicateurs_siae
        where {SCOPE_AGREGATS}
        order by type_siae
    """, **_params(f, scope))


# ---------- territory ----------

def territoire(con, f: Filters, scope: Scope, *, par_bassin: bool = False, par_type: bool = False,
               depuis: int | None = None) -> pl.DataFrame:
    """Rows of indicateurs_territoire for the selection, from `depuis` (default: the year) to the year.

    A dimension is detailed (one row per basin or type) when `par_bassin`/`par_type` asks for
    it or when the user picked some values; otherwise the view's "TOUS" total row is taken.
    With one basin and one type picked, that gives exactly one row per year.
    """
    p = _params(f, scope)
    p.update(
        detail_bassin=par_bassin or bool(f.bassins),
        detail_type=par_type or bool(f.types),
        debut=f.annee if depuis is None else depuis,
    )
    rows = _run(con, f"""
        select *
        from indicateurs_territoire
        where annee between $debut and $annee and {SCOPE_AGREGATS}
          and case when $detail_bassin
                   then bassin <> 'TOUS'
                        and ($bassins::varchar[] is null or list_contains($bassins::varchar[], bassin))
                   else bassin = 'TOUS' end
          and case when $detail_type
                   then type_siae <> 'TOUS'
                        and ($types::varchar[] is null or list_contains($types::varchar[], type_siae))
                   else type_siae = 'TOUS' end
        order by annee, bassin, type_siae
    """, **p)
    return diffusion.territoire(con, f, rows) if scope.secret_statistique else rows


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
    "nb_entrees", "financement_public", "fonds_propres", "nb_sorties_dynamiques", "nb_sorties_emploi_durable",
    "nb_sorties_neutres",
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
    rows = _run(con, f"""
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
    return _mediane_groupe_publiee(con, f, scope, siret, rows) if scope.secret_statistique else rows


def _mediane_groupe_publiee(con, f: Filters, scope: Scope, siret: str, rows: pl.DataFrame) -> pl.DataFrame:
    """The peer median of a restricted reader, per year: over the SIAE of the same type in
    the same basin where that fixed group may be published, else over the type in the
    department (`bassin` then reads TOUS); what neither group allows is hidden."""
    medians = ", ".join(f"median({c}) as {c}, count({c}) as nb_valeurs_{c}" for c in MEDIAN_COLUMNS)
    out, raisons = [], []
    for r in rows.iter_rows(named=True):
        why = diffusion.medianes(con, r["annee"], r["bassin"], r["type_siae"], MEDIAN_COLUMNS)
        if not any(why.values()):
            out.append(pl.DataFrame([r], schema=rows.schema))
        else:
            why = diffusion.medianes(con, r["annee"], diffusion.TOUS, r["type_siae"], MEDIAN_COLUMNS)
            out.append(_run(con, f"""
                select annee, type_siae, 'TOUS' as bassin, count(*) as nb_siae, {medians}
                from indicateurs_siae where annee = $y and type_siae = $t group by all
            """, y=r["annee"], t=r["type_siae"]).select(rows.columns).cast(rows.schema))
        raisons.append(why)
    return diffusion.masquer_medianes(pl.concat(out), raisons) if out else rows


def medianes_siae(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """Medians over the selected SIAE of the year, where the view gives a ratio per SIAE only."""
    medians = ",\n".join(
        f"median({c}) as {c}, count({c}) as nb_valeurs_{c}" for c in MEDIAN_COLUMNS
    )
    rows = _run(con, f"""
        select count(*) as nb_siae, {medians}
        from indicateurs_siae
        where annee = $annee and {SCOPE_AGREGATS} and {FILTER_SIAE}
    """, **_params(f, scope))
    if not scope.secret_statistique:
        return rows
    bassin, type_siae = diffusion.cellule(f)
    return diffusion.masquer_medianes(rows, [diffusion.medianes(con, f.annee, bassin, type_siae, MEDIAN_COLUMNS)])


# ---------- publics, sorties ----------

def publics(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """Integration employees present in the year, by characteristic, over the selected SIAE."""
    p = _params(f, scope)
    rows = _run(con, f"""
        select dimension, any_value(dimension_libelle) as dimension_libelle, modalite,
            any_value(libelle) as libelle, min(rang) as rang, sum(nb_salaries)::bigint as nb_salaries
        from publics_repartition
        where annee = $annee and {SCOPE_AGREGATS} and {FILTER_SIAE}
        group by dimension, modalite
        order by dimension, rang nulls last, modalite
    """, **p)
    if not scope.secret_statistique:
        return rows
    return diffusion.repartition(con, f, rows, famille="publics:" + pl.col("dimension"), modalite="modalite",
                                 mesures={"nb_salaries": ""},
                                 familles=tuple(f"publics:{d}" for d in diffusion.DIMENSIONS_PUBLICS))


def sorties(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """Exits of the year by reason, over the selected SIAE."""
    p = _params(f, scope)
    rows = _run(con, f"""
        select categorie, any_value(categorie_libelle) as categorie_libelle, any_value(dynamique) as dynamique,
            motif_sortie, any_value(motif_libelle) as motif_libelle, sum(nb_sorties)::bigint as nb_sorties
        from sorties_par_categorie
        where annee = $annee and {SCOPE_AGREGATS} and {FILTER_SIAE}
        group by categorie, motif_sortie
        order by case categorie when 'EMPLOI_DURABLE' then 0 when 'EMPLOI_TRANSITION' then 1
                 when 'SORTIE_POSITIVE' then 2 when 'AUTRE_SORTIE' then 3 else 4 end,
                 nb_sorties desc, motif_sortie
    """, **p)
    if not scope.secret_statistique:
        return rows
    return diffusion.repartition(con, f, rows, famille="sorties", modalite="motif_sortie",
                                 mesures={"nb_sorties": ""})


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
    p = dict(_params(f, scope), benevoles=benevoles)
    rows = _run(con, f"""
        select {code} as modalite, any_value({libelle}) as libelle,
            sum(nb_personnes)::bigint as nb_personnes, sum(etp_permanents) as etp_permanents
        from personnel_par_fonction
        where annee = $annee and est_benevole = $benevoles and {SCOPE_AGREGATS} and {FILTER_SIAE}
        group by {code}
        order by {code} nulls last
    """, **p)
    if not scope.secret_statistique:
        return rows
    prefixe = "benevoles" if benevoles else "personnel"
    return diffusion.repartition(con, f, rows, famille=f"{prefixe}:{par}", modalite="modalite",
                                 mesures={"nb_personnes": ":nb_personnes", "etp_permanents": ":etp_permanents"})


# ---------- finances ----------

def financement(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """Public funding by funder, years n-2..n, over the selected SIAE that sent their accounts."""
    debut, _ = f.annees_n2
    p = dict(_params(f, scope), debut=debut)
    rows = _run(con, f"""
        select annee, financeur, any_value(financeur_libelle) as financeur_libelle, min(rang) as rang,
            sum(montant) as montant, count(distinct siret) as nb_siae
        from financement_par_financeur
        where annee between $debut and $annee and {SCOPE_AGREGATS} and {FILTER_SIAE}
        group by annee, financeur
        order by annee, rang
    """, **p)
    if not scope.secret_statistique:
        return rows
    return diffusion.repartition(con, f, rows, famille="financement", modalite="financeur",
                                 mesures={"montant": ""}, annee="annee")


def offre(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """The supply of SIAE under agreement by basin and type (offre_par_bassin)."""
    return _run(con, f"""
        select *
        from offre_par_bassin
        where annee = $annee and {SCOPE_AGREGATS} and {FILTER_SIAE}
        order by bassin, type_siae
    """, **_params(f, scope))
