-- one row per (annee, bassin), bassin = 'TOUS' for the department: the need beside the supply
with

demande as (
    select * from stg_demande_territoire
),

communes as (
    select * from stg_communes
),

territoire as (
    select * from indicateurs_territoire where type_siae = 'TOUS'
),

annees as (
    select distinct annee from demande
),

-- every basin of the reference, and the department
bassins as (
    select distinct bassin from communes
    union all
    select 'TOUS'
),

grille as (
    select annees.annee, bassins.bassin
    from annees
    cross join bassins
),

besoin as (
    select
        annee,
        case when grouping(bassin) = 1 then 'TOUS' else bassin end as bassin,
        sum(demandeurs_emploi)::bigint as demandeurs_emploi,
        sum(demandeurs_longue_duree)::bigint as demandeurs_longue_duree,
        sum(beneficiaires_rsa)::bigint as beneficiaires_rsa,
        sum(population_15_64)::bigint as population_15_64
    from demande
    group by grouping sets ((annee, bassin), (annee))
),

joined as (
    select
        grille.annee,
        grille.bassin,
        besoin.demandeurs_emploi,
        besoin.demandeurs_longue_duree,
        besoin.beneficiaires_rsa,
        besoin.population_15_64,
        coalesce(territoire.nb_siae, 0) as nb_siae,
        coalesce(territoire.etp_conventionnes, 0) as etp_conventionnes,
        -- a basin without SIAE has none; with SIAE, NULL when no salaries return was received
        case when territoire.nb_siae is null then 0 else territoire.nb_salaries end as nb_salaries,
        case when territoire.nb_siae is null then 0 else territoire.etp_insertion end as etp_insertion,
        case when territoire.nb_siae is null then 0 else territoire.nb_rsa end as nb_salaries_rsa
    from grille
    left join besoin
        on besoin.annee = grille.annee and besoin.bassin = grille.bassin
    left join territoire
        on territoire.annee = grille.annee and territoire.bassin = grille.bassin
),

final as (
    select
        annee,
        bassin,
        demandeurs_emploi,
        demandeurs_longue_duree,
        beneficiaires_rsa,
        population_15_64,
        nb_siae,
        etp_conventionnes,
        nb_salaries,
        etp_insertion,
        nb_salaries_rsa,
        1000 * etp_conventionnes / nullif(demandeurs_emploi, 0) as etp_conventionnes_pour_1000_de,
        1000 * nb_salaries / nullif(demandeurs_emploi, 0) as salaries_pour_1000_de,
        1000 * nb_salaries_rsa / nullif(beneficiaires_rsa, 0) as salaries_rsa_pour_1000_rsa
    from joined
)

select * from final
