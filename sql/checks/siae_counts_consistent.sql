-- one row per (annee, siret, regle) broken: counts within their totals, nothing negative,
-- NULL exactly when the return is missing, retour_complet = all four returns
-- must return no rows
with

siae as (
    select * from indicateurs_siae
),

rules as (
    select annee, siret, 'nb_entrees <= nb_salaries' as regle from siae where nb_entrees > nb_salaries
    union all
    select annee, siret, 'nb_sorties <= nb_salaries' from siae where nb_sorties > nb_salaries
    union all
    select annee, siret, 'nb_sorties_dynamiques + nb_sorties_neutres <= nb_sorties' from siae
    where nb_sorties_dynamiques + nb_sorties_neutres > nb_sorties
    union all
    select annee, siret, 'nb_sorties_emploi_durable <= nb_sorties_dynamiques' from siae
    where nb_sorties_emploi_durable > nb_sorties_dynamiques
    union all
    select annee, siret, 'etp_encadrement <= etp_permanents' from siae
    where etp_encadrement > etp_permanents + 1e-9
    union all
    select annee, siret, 'counts and etp not negative' from siae
    where least(nb_salaries, nb_entrees, nb_sorties, nb_permanents, nb_benevoles) < 0
        or least(etp_insertion, etp_permanents, etp_encadrement, etp_conventionnes) < 0
    union all
    select annee, siret, 'nb_salaries is null exactly when the salaries return is missing' from siae
    where (nb_salaries is null) = retour_salaries
    union all
    select annee, siret, 'etp_permanents is null exactly when the personnel return is missing' from siae
    where (etp_permanents is null) = retour_personnel
    union all
    select annee, siret, 'chiffre_affaires is null exactly when the finances return is missing' from siae
    where (chiffre_affaires is null) = retour_finances
    union all
    select annee, siret, 'retour_complet = all four returns' from siae
    where retour_complet is distinct from (retour_structure and retour_salaries and retour_personnel
        and retour_finances)
),

final as (
    select * from rules
)

select * from final
