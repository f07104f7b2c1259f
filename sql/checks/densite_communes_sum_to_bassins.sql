-- one row per (annee, bassin, colonne) of densite_territoire that differs from the sum of its
-- communes in densite_commune (a basin) or of its basins (the department, bassin = 'TOUS');
-- ratios recomputed from the summed inputs; must return no rows
with

communes as (
    select * from densite_commune
),

territoire as (
    select * from densite_territoire
),

-- the parts of each row: a basin's communes, the department's basins
parts as (
    select annee, bassin, demandeurs_emploi, demandeurs_longue_duree, beneficiaires_rsa, population_15_64,
        nb_siae, etp_conventionnes, nb_salaries, etp_insertion, nb_salaries_rsa
    from communes
    union all
    select annee, 'TOUS' as bassin, demandeurs_emploi, demandeurs_longue_duree, beneficiaires_rsa,
        population_15_64, nb_siae, etp_conventionnes, nb_salaries, etp_insertion, nb_salaries_rsa
    from territoire
    where bassin <> 'TOUS'
),

-- a part without SIAE counts 0 salaried people; a total over parts with SIAE that sent no
-- salaries return is unknown (NULL), as in indicateurs_territoire
summed as (
    select
        annee,
        bassin,
        sum(demandeurs_emploi) as demandeurs_emploi,
        sum(demandeurs_longue_duree) as demandeurs_longue_duree,
        sum(beneficiaires_rsa) as beneficiaires_rsa,
        sum(population_15_64) as population_15_64,
        sum(nb_siae) as nb_siae,
        sum(etp_conventionnes) as etp_conventionnes,
        case when sum(nb_siae) = 0 then 0 else sum(nb_salaries) filter (where nb_siae > 0) end as nb_salaries,
        case when sum(nb_siae) = 0 then 0 else sum(etp_insertion) filter (where nb_siae > 0) end as etp_insertion,
        case when sum(nb_siae) = 0 then 0 else sum(nb_salaries_rsa) filter (where nb_siae > 0) end
            as nb_salaries_rsa
    from parts
    group by annee, bassin
),

with_ratios as (
    select
        *,
        1000 * etp_conventionnes / nullif(demandeurs_emploi, 0) as etp_conventionnes_pour_1000_de,
        1000 * nb_salaries / nullif(demandeurs_emploi, 0) as salaries_pour_1000_de,
        1000 * nb_salaries_rsa / nullif(beneficiaires_rsa, 0) as salaries_rsa_pour_1000_rsa
    from summed
),

expected as (
    select annee, bassin, colonne, attendu
    from with_ratios
    unpivot include nulls (attendu for colonne in (
        demandeurs_emploi, demandeurs_longue_duree, beneficiaires_rsa, population_15_64, nb_siae,
        etp_conventionnes, nb_salaries, etp_insertion, nb_salaries_rsa, etp_conventionnes_pour_1000_de,
        salaries_pour_1000_de, salaries_rsa_pour_1000_rsa
    ))
),

actual as (
    select annee, bassin, colonne, valeur
    from territoire
    unpivot include nulls (valeur for colonne in (
        demandeurs_emploi, demandeurs_longue_duree, beneficiaires_rsa, population_15_64, nb_siae,
        etp_conventionnes, nb_salaries, etp_insertion, nb_salaries_rsa, etp_conventionnes_pour_1000_de,
        salaries_pour_1000_de, salaries_rsa_pour_1000_rsa
    ))
),

final as (
    select
        coalesce(actual.annee, expected.annee) as annee,
        coalesce(actual.bassin, expected.bassin) as bassin,
        coalesce(actual.colonne, expected.colonne) as colonne,
        actual.valeur,
        expected.attendu
    from actual
    full join expected
        on expected.annee = actual.annee
        and expected.bassin = actual.bassin
        and expected.colonne = actual.colonne
    where round(actual.valeur::double, 6) is distinct from round(expected.attendu::double, 6)
)

select * from final
