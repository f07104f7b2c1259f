-- one row per (load_id, template, siret, annee): what a load did to a return
-- (new, replaced, unchanged, or rejected when the file carrying it was refused); previous_row_count:
-- the rows of the return a replacement replaced
with

events as (
    select * from return_events
),

loads as (
    select * from load_log
),

final as (
    select
        events.load_id,
        events.template,
        events.siret,
        events.annee,
        events.action,
        events.previous_load_id,
        events.previous_row_count,
        loads.file_name,
        loads.loaded_at,
        loads.user_name
    from events
    inner join loads using (load_id)
)

select * from final
