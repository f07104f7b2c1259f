"""Queries of the returns workflow: who sent what, what was refused, what each load did.

Same rules as warehouse/queries.py: every function is `(con, filters, scope, ...) ->
polars.DataFrame`, the scope is applied here, in SQL, and no ratio is computed here (the
return rate comes from indicateurs_territoire; the rest are counts).

Scope: rows about one SIAE need `scope.voit_siae`; the load history and the rejected files'
reports are about files, not about one structure: a file may carry several SIAE, and its
report quotes the rows of persons. They are shown only where `scope.personnes` (admin, agent).
"""

from __future__ import annotations

import polars as pl

from warehouse.scope import FILTER_SIAE, SCOPE_AGREGATS, SCOPE_SIAE, Filters, Scope, params, run

# Files are seen whole only by users who may see every SIAE and person-level rows (admin, agent).
SCOPE_FICHIERS = "$personnes"


def communes(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """The communes the loader knows (the same list `load_files` validates against)."""
    return run(con, f"select commune_insee from raw_communes where {SCOPE_AGREGATS} order by commune_insee",
               **params(f, scope))


# ---------- return tracking (suivi_retours) ----------

def suivi(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """suivi_retours for the year and selection: one row per SIAE and return owed."""
    return run(con, f"""
        select *
        from suivi_retours
        where annee = $annee and $voit_siae and {SCOPE_SIAE} and {FILTER_SIAE}
        order by raison_sociale, siret, template_rang
    """, **params(f, scope))


def comptes_retours(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """Returns owed, received, replaced, refused and missing over the selection (one row).
    Counts of returns, an aggregate: every SIAE of the selection, whatever the scope."""
    return run(con, f"""
        select
            count(distinct siret) as nb_siae,
            count(*) as nb_attendus,
            count(*) filter (where statut = 'RECU') as nb_recus,
            count(*) filter (where statut = 'RECU' and nb_remplacements > 0) as nb_remplaces,
            count(*) filter (where statut = 'REFUSE') as nb_refuses,
            count(*) filter (where statut = 'MANQUANT') as nb_manquants,
            count(distinct siret) filter (where statut <> 'RECU') as nb_a_relancer
        from suivi_retours
        where annee = $annee and {SCOPE_AGREGATS} and {FILTER_SIAE}
    """, **params(f, scope))


def taux_retour(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """For each basin and type of the selection: the return rate (indicateurs_territoire)
    and the counts of returns by status (suivi_retours)."""
    return run(con, f"""
        with
        territoire as (
            select annee, bassin, type_siae, nb_siae, nb_retours_complets, taux_retour
            from indicateurs_territoire
            where annee = $annee and bassin <> 'TOUS' and type_siae <> 'TOUS'
        ),
        comptes as (
            select
                bassin, type_siae,
                count(*) as nb_attendus,
                count(*) filter (where statut = 'RECU') as nb_recus,
                count(*) filter (where statut = 'REFUSE') as nb_refuses,
                count(*) filter (where statut = 'MANQUANT') as nb_manquants
            from suivi_retours
            where annee = $annee
            group by bassin, type_siae
        )
        select territoire.*, comptes.nb_attendus, comptes.nb_recus, comptes.nb_refuses, comptes.nb_manquants
        from territoire
        left join comptes using (bassin, type_siae)
        where not $scope_vide and $scope_sirets::varchar[] is null
          and ($scope_bassins::varchar[] is null or list_contains($scope_bassins::varchar[], bassin))
          and {FILTER_SIAE}
        order by bassin, type_siae
    """, **params(f, scope))


def a_relancer(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """The SIAE of the selection with a return missing or refused, and which ones (template codes)."""
    return run(con, f"""
        select
            annee, siret, any_value(raison_sociale) as raison_sociale, any_value(type_siae) as type_siae,
            any_value(bassin) as bassin,
            list(template order by template_rang) filter (where statut = 'MANQUANT') as retours_manquants,
            list(template order by template_rang) filter (where statut = 'REFUSE') as retours_refuses,
            count(*) filter (where statut = 'RECU') as nb_recus,
            count(*) filter (where statut <> 'RECU') as nb_a_relancer,
            max(dernier_refus_le) filter (where statut = 'REFUSE') as dernier_refus_le,
            arg_max(dernier_refus_fichier, dernier_refus_le) filter (where statut = 'REFUSE')
                as dernier_refus_fichier
        from suivi_retours
        where annee = $annee and $voit_siae and {SCOPE_SIAE} and {FILTER_SIAE}
        group by annee, siret
        having count(*) filter (where statut <> 'RECU') > 0
        order by nb_recus, raison_sociale, siret
    """, **params(f, scope))


def alertes(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """Consistency warnings of the year. A return from a SIAE absent from the register has no
    basin nor type: it shows when no basin or type is chosen, and only to unrestricted users."""
    p = params(f, scope)
    return run(con, f"""
        select *
        from alertes_coherence
        where annee = $annee and $voit_siae
          and (
              (bassin is null and $bassins::varchar[] is null and $types::varchar[] is null
               and {SCOPE_FICHIERS})
              or (bassin is not null and {SCOPE_SIAE} and {FILTER_SIAE})
          )
        order by alerte_libelle, raison_sociale nulls last, siret
    """, **p)


# ---------- rejected files ----------

def fichiers_refuses(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """Refused files that carried a return of the year for a SIAE of the selection.

    `toujours_refuse`: some return it carried is still refused (no good file came since).
    Files too broken to name a SIAE and a year are in the load history only.
    """
    return run(con, f"""
        with
        concernes as (
            select distinct load_id, siret
            from stg_return_events
            where action = 'rejected' and annee = $annee
        ),
        selection as (
            select distinct siret, raison_sociale
            from suivi_retours
            where annee = $annee and {SCOPE_SIAE} and {FILTER_SIAE}
        ),
        encore as (
            select distinct dernier_refus_load_id as load_id
            from suivi_retours
            where annee = $annee and statut = 'REFUSE'
        ),
        par_fichier as (
            select concernes.load_id,
                string_agg(distinct selection.raison_sociale, ', ') as structures
            from concernes
            inner join selection using (siret)
            group by concernes.load_id
        )
        select
            log.load_id, log.file_name as fichier, log.loaded_at as refuse_le, log.user_name as utilisateur,
            log.nb_erreurs, log.nb_avertissements, par_fichier.structures,
            log.load_id in (select load_id from encore) as toujours_refuse
        from stg_load_log as log
        inner join par_fichier using (load_id)
        where log.status = 'rejected' and {SCOPE_FICHIERS}
        order by log.loaded_at desc, log.load_id desc
    """, **params(f, scope))


def problemes(con, f: Filters, scope: Scope, *, load_id: int) -> pl.DataFrame:
    """The report lines of one load, errors first, then warnings, each in the loader's order."""
    return run(con, f"""
        select
            problems.load_id,
            problems.fichier, problems.feuille, problems.ligne, problems.colonne, problems.valeur,
            problems.regle,
            case when starts_with(problems.regle, 'avertissement') then 'avertissement' else 'erreur' end
                as niveau
        from load_problems as problems
        where problems.load_id = $load_id and {SCOPE_FICHIERS}
        order by niveau = 'avertissement', problems.rowid
    """, load_id=load_id, **params(f, scope))


# ---------- load history ----------

def chargements(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """Every file submitted to the loader, newest first (whatever the filters)."""
    return run(con, f"""
        select *
        from stg_load_log
        where {SCOPE_FICHIERS}
        order by load_id desc
    """, **params(f, scope))


def _previous_row_count(con) -> str:
    """The column a replacement's former size is read from: a warehouse of schema 1, not yet
    upgraded (`python -m warehouse init` or the next load do it), has none."""
    known = con.sql("select count(*) from duckdb_columns() where table_name = 'stg_return_events' "
                    "and column_name = 'previous_row_count'").fetchall()[0][0]
    return "events.previous_row_count" if known else "null::integer as previous_row_count"


def evenements(con, f: Filters, scope: Scope, *, load_id: int) -> pl.DataFrame:
    """What one load did to each return it carried (new, replaced, unchanged, rejected), with the
    size of the return a replacement replaced."""
    return run(con, f"""
        select
            events.load_id, events.annee, events.siret, conventions.raison_sociale,
            events.template, coalesce(ref_template.libelle, events.template) as template_libelle,
            ref_template.rang as template_rang, events.action, events.previous_load_id, {_previous_row_count(con)}
        from stg_return_events as events
        left join stg_conventions as conventions using (annee, siret)
        left join ref_template using (template)
        where events.load_id = $load_id and {SCOPE_FICHIERS}
        order by events.annee, conventions.raison_sociale nulls last, events.siret, ref_template.rang
    """, load_id=load_id, **params(f, scope))


def resume_version(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """How many loads a warehouse version records, and when the last one happened."""
    return run(con, f"""
        select count(*) as nb_chargements, max(loaded_at) as dernier_chargement
        from load_log
        where {SCOPE_FICHIERS}
    """, **params(f, scope))


# ---------- templates ----------

def annees_conventions(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """Years of the register of agreements (for the pre-filled workbook)."""
    return run(con, f"""
        select distinct annee
        from stg_conventions
        where $voit_siae and {SCOPE_SIAE}
        order by annee desc
    """, **params(f, scope))


def conventions(con, f: Filters, scope: Scope) -> pl.DataFrame:
    """SIAE under agreement in the year (every type and basin: a named SIAE is chosen)."""
    return run(con, f"""
        select annee, siret, raison_sociale, type_siae, bassin, nom_commune
        from stg_conventions
        where annee = $annee and $voit_siae and {SCOPE_SIAE}
        order by raison_sociale, siret
    """, **params(f, scope))
