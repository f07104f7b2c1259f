-- one row per (annee, bassin, type_siae) where offre_par_bassin and the detail rows of
-- indicateurs_territoire disagree on nb_siae or etp_conventionnes
-- must return no rows
with

offre as (
    select * from offre_par_bassin
),

territoire as (
    select * from indicateurs_territoire where bassin <> 'TOUS' and type_siae <> 'TOUS'
),

final as (
    select
        coalesce(offre.annee, territoire.annee) as annee,
        coalesce(offre.bassin, territoire.bassin) as bassin,
        coalesce(offre.type_siae, territoire.type_siae) as type_siae,
        offre.nb_siae as nb_siae_offre,
        territoire.nb_siae as nb_siae_territoire,
        offre.etp_conventionnes as etp_offre,
        territoire.etp_conventionnes as etp_territoire
    from offre
    full join territoire
        on territoire.annee = offre.annee
        and territoire.bassin is not distinct from offre.bassin
        and territoire.type_siae is not distinct from offre.type_siae
    where offre.nb_siae is distinct from territoire.nb_siae
        or round(offre.etp_conventionnes, 6) is distinct from round(territoire.etp_conventionnes, 6)
)

select * from final
