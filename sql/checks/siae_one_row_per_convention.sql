-- one row per (annee, siret) whose count in conventions or in indicateurs_siae is not exactly 1
-- must return no rows
with

conventions as (
    select annee, siret, count(*) as nb_conventions from stg_conventions group by annee, siret
),

siae as (
    select annee, siret, count(*) as nb_lignes from indicateurs_siae group by annee, siret
),

final as (
    select
        coalesce(conventions.annee, siae.annee) as annee,
        coalesce(conventions.siret, siae.siret) as siret,
        conventions.nb_conventions,
        siae.nb_lignes
    from conventions
    full join siae
        on siae.annee = conventions.annee and siae.siret = conventions.siret
    where conventions.nb_conventions is distinct from 1 or siae.nb_lignes is distinct from 1
)

select * from final
