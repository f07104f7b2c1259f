-- one row per (vue, annee, siret, colonne) where a page mart does not add up to indicateurs_siae
-- (difficulte is excluded from publics_repartition: a person may name several difficulties)
-- must return no rows
with

siae as (
    select * from indicateurs_siae
),

publics as (
    select annee, siret, dimension, sum(nb_salaries) as nb_salaries
    from publics_repartition
    where dimension <> 'difficulte'
    group by annee, siret, dimension
),

sorties as (
    select
        annee,
        siret,
        sum(nb_sorties) as nb_sorties,
        sum(nb_sorties) filter (where dynamique) as nb_sorties_dynamiques
    from sorties_par_categorie
    group by annee, siret
),

financement as (
    select annee, siret, sum(montant) as financement_public
    from financement_par_financeur
    group by annee, siret
),

personnel as (
    select
        annee,
        siret,
        sum(nb_personnes) as nb_personnes,
        sum(etp_permanents) filter (where not est_benevole) as etp_permanents
    from personnel_par_fonction
    group by annee, siret
),

checks as (
    select
        'publics_repartition' as vue,
        siae.annee,
        siae.siret,
        'nb_salaries (' || publics.dimension || ')' as colonne,
        publics.nb_salaries::double as valeur,
        siae.nb_salaries::double as attendu
    from siae
    inner join publics
        on publics.annee = siae.annee and publics.siret = siae.siret
    where publics.nb_salaries is distinct from siae.nb_salaries

    union all
    select 'sorties_par_categorie', siae.annee, siae.siret, 'nb_sorties',
        coalesce(sorties.nb_sorties, 0), siae.nb_sorties
    from siae
    left join sorties
        on sorties.annee = siae.annee and sorties.siret = siae.siret
    where siae.retour_salaries and coalesce(sorties.nb_sorties, 0) <> siae.nb_sorties

    union all
    select 'sorties_par_categorie', siae.annee, siae.siret, 'nb_sorties_dynamiques',
        coalesce(sorties.nb_sorties_dynamiques, 0), siae.nb_sorties_dynamiques
    from siae
    left join sorties
        on sorties.annee = siae.annee and sorties.siret = siae.siret
    where siae.retour_salaries and coalesce(sorties.nb_sorties_dynamiques, 0) <> siae.nb_sorties_dynamiques

    union all
    select 'financement_par_financeur', siae.annee, siae.siret, 'financement_public',
        financement.financement_public, siae.financement_public
    from siae
    left join financement
        on financement.annee = siae.annee and financement.siret = siae.siret
    where round(financement.financement_public, 2) is distinct from round(siae.financement_public, 2)

    union all
    select 'personnel_par_fonction', siae.annee, siae.siret, 'nb_permanents + nb_benevoles',
        coalesce(personnel.nb_personnes, 0), siae.nb_permanents + siae.nb_benevoles
    from siae
    left join personnel
        on personnel.annee = siae.annee and personnel.siret = siae.siret
    where siae.retour_personnel and coalesce(personnel.nb_personnes, 0) <> siae.nb_permanents + siae.nb_benevoles

    union all
    select 'personnel_par_fonction', siae.annee, siae.siret, 'etp_permanents',
        coalesce(personnel.etp_permanents, 0), siae.etp_permanents
    from siae
    left join personnel
        on personnel.annee = siae.annee and personnel.siret = siae.siret
    where siae.retour_personnel
        and round(coalesce(personnel.etp_permanents, 0), 6) <> round(siae.etp_permanents, 6)
),

final as (
    select * from checks
)

select * from final
