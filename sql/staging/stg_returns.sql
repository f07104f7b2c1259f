-- one row per (template, siret, annee): the return currently in force
with

loaded_returns as (
    select * from returns
),

final as (
    select
        template,
        siret,
        annee,
        load_id,
        row_count,
        content_hash
    from loaded_returns
)

select * from final
