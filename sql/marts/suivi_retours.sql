-- one row per (annee, siret, template): each yearly return a conventioned SIAE owes,
-- received, rejected (a file carrying it was refused and none is in force) or missing
with

conventions as (
    select * from stg_conventions
),

templates as (
    select * from ref_template where retour_annuel
),

returns as (
    select * from stg_returns
),

events as (
    select * from stg_return_events
),

history as (
    select
        template,
        siret,
        annee,
        count(*) filter (where action = 'replaced') as nb_remplacements,
        max(loaded_at) filter (where action = 'rejected') as dernier_refus_le,
        arg_max(file_name, loaded_at) filter (where action = 'rejected') as dernier_refus_fichier,
        arg_max(load_id, loaded_at) filter (where action = 'rejected') as dernier_refus_load_id
    from events
    group by template, siret, annee
),

received as (
    select returns.template, returns.siret, returns.annee, returns.load_id, returns.row_count,
        events.file_name, events.loaded_at
    from returns
    left join events
        on events.load_id = returns.load_id and events.template = returns.template
        and events.siret = returns.siret and events.annee = returns.annee
),

statuts as (
    select code as statut, libelle as statut_libelle from ref_codes where liste = 'STATUT_RETOUR'
),

owed as (
    select conventions.annee, conventions.siret, conventions.raison_sociale, conventions.bassin,
        conventions.type_siae, templates.template, templates.libelle as template_libelle,
        templates.rang as template_rang
    from conventions
    cross join templates
),

final as (
    select
        owed.annee,
        owed.siret,
        owed.raison_sociale,
        owed.bassin,
        owed.type_siae,
        owed.template,
        owed.template_libelle,
        owed.template_rang,
        status.statut,
        statuts.statut_libelle,
        received.load_id,
        received.file_name as fichier,
        received.loaded_at as recu_le,
        received.row_count as nb_lignes,
        coalesce(history.nb_remplacements, 0) as nb_remplacements,
        history.dernier_refus_le,
        history.dernier_refus_fichier,
        history.dernier_refus_load_id
    from owed
    left join received
        on received.template = owed.template and received.siret = owed.siret and received.annee = owed.annee
    left join history
        on history.template = owed.template and history.siret = owed.siret and history.annee = owed.annee
    cross join lateral (
        select case
            when received.load_id is not null then 'RECU'
            when history.dernier_refus_le is not null then 'REFUSE'
            else 'MANQUANT'
        end as statut
    ) as status
    left join statuts using (statut)
)

select * from final
