-- one row per (annee, bassin, type_siae, colonne) whose share is outside [0, 1]
-- must return no rows
with

territoire as (
    select * from indicateurs_territoire
),

long as (
    unpivot (
        select annee, bassin, type_siae, taux_retour, part_femmes, part_rsa, taux_sortie_dynamique,
            taux_emploi_durable
        from territoire
    )
    on taux_retour, part_femmes, part_rsa, taux_sortie_dynamique, taux_emploi_durable
    into name colonne value valeur
),

final as (
    select * from long where valeur < 0 or valeur > 1
)

select * from final
