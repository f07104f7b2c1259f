-- one row per load_id: a file submitted to the loader, whatever its outcome
with

loads as (
    select * from load_log
),

problems as (
    select load_id, count(*) filter (where not starts_with(regle, 'avertissement')) as nb_erreurs,
        count(*) filter (where starts_with(regle, 'avertissement')) as nb_avertissements
    from load_problems
    group by load_id
),

final as (
    select
        loads.load_id,
        loads.file_name,
        loads.checksum,
        loads.loaded_at,
        loads.user_name,
        loads.templates,
        loads.row_count,
        loads.status,
        loads.message,
        coalesce(problems.nb_erreurs, 0) as nb_erreurs,
        coalesce(problems.nb_avertissements, 0) as nb_avertissements
    from loads
    left join problems using (load_id)
)

select * from final
