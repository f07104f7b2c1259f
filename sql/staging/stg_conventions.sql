-- one row per (annee, siret): the register of SIAE under agreement, with the basin of the seat
with

conventions as (
    select * from raw_conventions
),

communes as (
    select * from raw_communes
),

final as (
    select
        conventions.annee,
        conventions.siret,
        conventions.raison_sociale,
        conventions.type_siae,
        conventions.commune_insee,
        communes.nom as nom_commune,
        communes.bassin,
        conventions.etp_conventionnes
    from conventions
    left join communes using (commune_insee)
)

select * from final
