-- one row per (annee, bassin, type_siae, colonne) of a 'TOUS' row that differs from the
-- sum of its detail rows (ratios recomputed from the summed inputs)
-- must return no rows
with

territoire as (
    select * from indicateurs_territoire
),

details as (
    select * from territoire where bassin <> 'TOUS' and type_siae <> 'TOUS'
),

totals as (
    select * from territoire where bassin = 'TOUS' or type_siae = 'TOUS'
),

summed as (
    select
        totals.annee,
        totals.bassin,
        totals.type_siae,
        sum(details.nb_siae) as nb_siae,
        sum(details.nb_retours_complets) as nb_retours_complets,
        sum(details.nb_retours_complets) / nullif(sum(details.nb_siae), 0) as taux_retour,
        sum(details.nb_salaries) as nb_salaries,
        sum(details.nb_entrees) as nb_entrees,
        sum(details.nb_sorties) as nb_sorties,
        sum(details.etp_conventionnes) as etp_conventionnes,
        sum(details.etp_insertion) as etp_insertion,
        sum(details.nb_sorties_dynamiques)
            / nullif(sum(details.nb_sorties) - sum(details.nb_sorties_neutres), 0) as taux_sortie_dynamique,
        sum(details.nb_sorties_emploi_durable)
            / nullif(sum(details.nb_sorties) - sum(details.nb_sorties_neutres), 0) as taux_emploi_durable,
        sum(details.nb_femmes) / nullif(sum(details.nb_salaries), 0) as part_femmes,
        sum(details.nb_rsa) / nullif(sum(details.nb_salaries), 0) as part_rsa,
        sum(details.etp_permanents) as etp_permanents,
        sum(details.etp_encadrement) as etp_encadrement,
        sum(details.chiffre_affaires) as chiffre_affaires,
        sum(details.financement_public) as financement_public,
        sum(details.nb_retours_salaries) as nb_retours_salaries,
        sum(details.nb_retours_finances) as nb_retours_finances
    from totals
    inner join details
        on details.annee = totals.annee
        and (totals.bassin = 'TOUS' or details.bassin is not distinct from totals.bassin)
        and (totals.type_siae = 'TOUS' or details.type_siae is not distinct from totals.type_siae)
    group by totals.annee, totals.bassin, totals.type_siae
),

expected as (
    select annee, bassin, type_siae, colonne, attendu
    from summed
    unpivot include nulls (attendu for colonne in (
            nb_siae, nb_retours_complets, taux_retour, nb_salaries, nb_entrees, nb_sorties,
            etp_conventionnes, etp_insertion, taux_sortie_dynamique, taux_emploi_durable, part_femmes, part_rsa,
            etp_permanents, etp_encadrement, chiffre_affaires, financement_public,
            nb_retours_salaries, nb_retours_finances
    ))
),

actual as (
    select annee, bassin, type_siae, colonne, valeur
    from totals
    unpivot include nulls (valeur for colonne in (
            nb_siae, nb_retours_complets, taux_retour, nb_salaries, nb_entrees, nb_sorties,
            etp_conventionnes, etp_insertion, taux_sortie_dynamique, taux_emploi_durable, part_femmes, part_rsa,
            etp_permanents, etp_encadrement, chiffre_affaires, financement_public,
            nb_retours_salaries, nb_retours_finances
    ))
),

final as (
    select
        coalesce(actual.annee, expected.annee) as annee,
        coalesce(actual.bassin, expected.bassin) as bassin,
        coalesce(actual.type_siae, expected.type_siae) as type_siae,
        coalesce(actual.colonne, expected.colonne) as colonne,
        actual.valeur,
        expected.attendu
    from actual
    full join expected
        on expected.annee = actual.annee
        and expected.bassin is not distinct from actual.bassin
        and expected.type_siae is not distinct from actual.type_siae
        and expected.colonne = actual.colonne
    where round(actual.valeur::double, 6) is distinct from round(expected.attendu::double, 6)
)

select * from final
