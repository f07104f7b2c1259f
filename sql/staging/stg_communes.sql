-- one row per commune_insee
with

communes as (
    select * from raw_communes
),

final as (
    select
        commune_insee,
        nom,
        bassin
    from communes
)

select * from final
