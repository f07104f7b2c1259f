-- one row per (annee, commune_insee): the need by commune (public statistics), with the commune's basin
with

demande as (
    select * from raw_demande_territoire
),

communes as (
    select * from raw_communes
),

final as (
    select
        demande.annee,
        demande.commune_insee,
        communes.nom as nom_commune,
        communes.bassin,
        demande.demandeurs_emploi,
        demande.demandeurs_longue_duree,
        demande.beneficiaires_rsa,
        demande.jeunes_moins_26,
        demande.population_15_64
    from demande
    left join communes using (commune_insee)
)

select * from final
