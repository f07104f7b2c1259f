"""Queries of the points of attention and of a SIAE's position among its peers.

Every function is `(con, filters, scope, ...) -> polars.DataFrame` like warehouse.queries:
rows about one SIAE only within the scope (SCOPE_SIAE), in SQL.

Peers: the SIAE of the same type in the department, and in the same basin. The groups are
fixed (they never follow the user's filters), so a comparison cannot be narrowed down to a
few structures by filtering. A group is compared over at least MIN_COMPARABLES values.
For a reader under statistical secrecy (committees, structures) the department group is
also withheld when, for some basin, the group's structures outside that basin number 1 or 2
(fewer than `seuil_structures`): a committee knowing its basin's figures could otherwise
subtract them and read those few.
"""

from __future__ import annotations

import polars as pl

from warehouse import settings
from warehouse.scope import FILTER_SIAE, SCOPE_SIAE, Filters, Scope, params, run

# The indicators a structure is placed among its peers on (the dialogue's key figures).
INDICATEURS_PAIRS = ("taux_realisation_etp", "taux_sortie_dynamique", "taux_emploi_durable", "ratio_public_ca",
                     "fonds_propres_pct_ca", "cout_public_par_etp", "taux_encadrement")
MIN_COMPARABLES = 5
MOTIF_NON_PUBLIE = f"comparaison non publiée (moins de {MIN_COMPARABLES} structures comparables)"


def points_attention(con, f: Filters, scope: Scope, *, regles: tuple[str, ...] = (),
                     siret: str | None = None) -> pl.DataFrame:
    """The points of the year for the selection (global type and basin filters, `regles`), or
    of one SIAE (`siret`: the global filters do not apply to a named SIAE), most points first."""
    return run(con, f"""
        select *, count(*) over (partition by siret) as nb_points
        from points_attention
        where annee = $annee and $voit_siae and {SCOPE_SIAE}
          and case when $siret is null then {FILTER_SIAE} else siret = $siret end
          and ($regles::varchar[] is null or list_contains($regles::varchar[], regle))
        order by nb_points desc, raison_sociale, siret, regle
    """, regles=list(regles) or None, siret=siret, **params(f, scope))


def positions_pairs(con, f: Filters, scope: Scope, *, siret: str) -> pl.DataFrame:
    """For each year n-2..n and indicator of INDICATEURS_PAIRS, the SIAE's value and its place
    among the same type in the department (`groupe` DEPARTEMENT) and in its basin (BASSIN):
    nb_valeurs, q1, mediane, q3 (quantile_cont), quartile (1 to 4: at or below q1, the
    median, q3, above), publie and, when not published, motif. NULL quartile: value unknown."""
    debut, fin = f.annees_n2
    cols = ", ".join(f"{c}::double as {c}" for c in INDICATEURS_PAIRS)
    return run(con, f"""
        with
        cible as (
            select annee, siret, type_siae, bassin
            from indicateurs_siae
            where siret = $siret and annee between $debut and $fin and $voit_siae and {SCOPE_SIAE}
        ),
        valeurs as (
            unpivot (select annee, siret, type_siae, bassin, {cols} from indicateurs_siae
                     where annee between $debut and $fin)
            on {", ".join(INDICATEURS_PAIRS)} into name indicateur value valeur
        ),
        par_bassin as (
            select annee, type_siae, indicateur, bassin, count(*) as nb_valeurs,
                quantile_cont(valeur, [0.25, 0.5, 0.75]) as q
            from valeurs
            group by all
        ),
        departement as (
            select annee, type_siae, indicateur, count(*) as nb_valeurs,
                quantile_cont(valeur, [0.25, 0.5, 0.75]) as q
            from valeurs
            group by all
        ),
        -- the fewest structures of the group outside one basin (0 when all are in one basin)
        complement as (
            select d.annee, d.type_siae, d.indicateur,
                coalesce(min(d.nb_valeurs - b.nb_valeurs) filter (where d.nb_valeurs > b.nb_valeurs), 0)
                    as plus_petit_complement
            from departement d
            inner join par_bassin b using (annee, type_siae, indicateur)
            group by all
        ),
        groupes as (
            select annee, type_siae, null::varchar as bassin, indicateur, 'DEPARTEMENT' as groupe, nb_valeurs, q,
                nb_valeurs >= $min_comparables
                    and (not $secret or plus_petit_complement = 0 or plus_petit_complement >= $seuil_structures)
                    as publie
            from departement
            inner join complement using (annee, type_siae, indicateur)
            union all
            select annee, type_siae, bassin, indicateur, 'BASSIN', nb_valeurs, q, nb_valeurs >= $min_comparables
            from par_bassin
        ),
        lignes as (
            select cible.annee, cible.siret, cible.type_siae, cible.bassin, i.indicateur, g.groupe,
                v.valeur, coalesce(gr.nb_valeurs, 0) as nb_valeurs, coalesce(gr.publie, false) as publie,
                case when gr.publie then gr.q end as q
            from cible
            cross join (select unnest($indicateurs::varchar[]) as indicateur) i
            cross join (select unnest(['DEPARTEMENT', 'BASSIN']) as groupe) g
            left join valeurs v on v.siret = cible.siret and v.annee = cible.annee and v.indicateur = i.indicateur
            left join groupes gr
                on gr.annee = cible.annee and gr.type_siae = cible.type_siae and gr.indicateur = i.indicateur
                and gr.groupe = g.groupe and (g.groupe = 'DEPARTEMENT' or gr.bassin = cible.bassin)
        )
        select annee, siret, type_siae, bassin, indicateur, groupe, valeur, nb_valeurs, publie,
            q[1] as q1, q[2] as mediane, q[3] as q3,
            case when q is null or valeur is null then null
                 when valeur <= q[1] then 1 when valeur <= q[2] then 2 when valeur <= q[3] then 3 else 4 end
                as quartile,
            case when not publie then $motif end as motif
        from lignes
        order by annee, groupe desc, list_position($indicateurs::varchar[], indicateur)
    """, siret=siret, debut=debut, fin=fin, indicateurs=list(INDICATEURS_PAIRS), min_comparables=MIN_COMPARABLES,
        secret=scope.secret_statistique, seuil_structures=settings.load().seuil_structures,
        motif=MOTIF_NON_PUBLIE, **params(f, scope))
