-- one row per objective of the action plan (annee, bassin, type_siae, action, indicateur)
with

objectifs as (
    select * from stg_objectifs
),

calcules as (
    select * from ref_indicateur
),

territoire as (
    select * from indicateurs_territoire
),

-- one row per (annee, bassin, type_siae, indicateur) with a known value; a cell over no SIAE is unknown
valeurs as (
    unpivot (
        select annee, bassin, type_siae, nb_siae as _nb_siae, columns(* exclude (annee, bassin, type_siae))::double
        from territoire
    )
    on columns(* exclude (annee, bassin, type_siae, _nb_siae))
    into name indicateur value valeur
),

mesures as (
    select
        objectifs.*,
        calcules.indicateur is not null as calcule,
        case
            when calcules.indicateur is null then objectifs.realise_saisi
            when valeurs._nb_siae > 0 then valeurs.valeur
        end as realise
    from objectifs
    left join calcules on calcules.indicateur = objectifs.indicateur
    left join valeurs
        on calcules.indicateur is not null
        and valeurs.annee = objectifs.annee
        and valeurs.bassin = objectifs.bassin
        and valeurs.type_siae = objectifs.type_siae
        and valeurs.indicateur = objectifs.indicateur
),

final as (
    select
        annee,
        bassin,
        type_siae,
        axe,
        action,
        objectif,
        indicateur,
        cible,
        sens,
        realise_saisi,
        pilote,
        acteurs,
        moyens,
        echeance,
        realise,
        case when calcule then 'CALCULE' else 'SAISI' end as source,
        realise - cible as ecart,
        case
            when realise is null then 'NON_MESURE'
            when sens = 'AU_MOINS' and realise >= cible then 'ATTEINT'
            when sens = 'AU_PLUS' and realise <= cible then 'ATTEINT'
            else 'NON_ATTEINT'
        end as statut,
        load_id,
        saisi_par,
        saisi_le
    from mesures
)

select * from final
