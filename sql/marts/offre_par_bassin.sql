-- one row per (annee, bassin, type_siae): the supply of SIAE under agreement
with

conventions as (
    select * from stg_conventions
),

codes as (
    select * from ref_codes
),

grouped as (
    select
        annee,
        bassin,
        type_siae,
        count(*) as nb_siae,
        count(distinct commune_insee) as nb_communes,
        sum(etp_conventionnes) as etp_conventionnes
    from conventions
    group by annee, bassin, type_siae
),

final as (
    select
        grouped.annee,
        grouped.bassin,
        coalesce(bassins.libelle, grouped.bassin) as bassin_libelle,
        grouped.type_siae,
        types.libelle as type_siae_libelle,
        grouped.nb_siae,
        grouped.nb_communes,
        grouped.etp_conventionnes
    from grouped
    left join codes as bassins
        on bassins.liste = 'BASSIN' and bassins.code = grouped.bassin
    left join codes as types
        on types.liste = 'TYPE_SIAE' and types.code = grouped.type_siae
)

select * from final
