-- one row per (annee, bassin, type_siae, action, indicateur): the objectives of the action plan in force
with

objectifs as (
    select * from raw_objectifs
),

loads as (
    select * from load_log
),

final as (
    select
        objectifs.annee,
        objectifs.bassin,
        coalesce(objectifs.type_siae, 'TOUS') as type_siae,
        objectifs.axe,
        objectifs.action,
        objectifs.objectif,
        objectifs.indicateur,
        objectifs.cible,
        objectifs.sens,
        objectifs.realise_saisi,
        objectifs.pilote,
        objectifs.acteurs,
        objectifs.moyens,
        objectifs.echeance,
        objectifs._load_id as load_id,
        loads.user_name as saisi_par,
        loads.loaded_at as saisi_le
    from objectifs
    left join loads on loads.load_id = objectifs._load_id
)

select * from final
