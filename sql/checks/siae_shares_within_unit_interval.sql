-- one row per (annee, siret, colonne) whose share is outside [0, 1]
-- (taux_realisation_etp, taux_encadrement and ratio_public_ca may exceed 1: not checked)
-- must return no rows
with

siae as (
    select * from indicateurs_siae
),

long as (
    unpivot (
        select annee, siret, part_femmes, part_rsa, part_moins_26, part_50_plus, taux_sortie_dynamique,
            taux_emploi_durable
        from siae
    )
    on part_femmes, part_rsa, part_moins_26, part_50_plus, taux_sortie_dynamique, taux_emploi_durable
    into name colonne value valeur
),

final as (
    select * from long where valeur < 0 or valeur > 1
)

select * from final
