-- one row per (annee, commune_insee): densite_territoire by commune, for the map
-- (the SIAE counted in the commune of their seat, as conventions give it)
with

demande as (
    select * from stg_demande_territoire
),

communes as (
    select * from stg_communes
),

siae as (
    select * from indicateurs_siae
),

annees as (
    select distinct annee from demande
),

offre as (
    select
        annee,
        commune_insee,
        count(*) as nb_siae,
        sum(etp_conventionnes) as etp_conventionnes,
        sum(nb_salaries)::bigint as nb_salaries,
        sum(etp_insertion) as etp_insertion,
        sum(nb_rsa)::bigint as nb_salaries_rsa
    from siae
    group by annee, commune_insee
),

joined as (
    select
        annees.annee,
        communes.commune_insee,
        communes.nom as nom_commune,
        communes.bassin,
        demande.demandeurs_emploi,
        demande.demandeurs_longue_duree,
        demande.beneficiaires_rsa,
        demande.population_15_64,
        coalesce(offre.nb_siae, 0) as nb_siae,
        coalesce(offre.etp_conventionnes, 0) as etp_conventionnes,
        case when offre.nb_siae is null then 0 else offre.nb_salaries end as nb_salaries,
        case when offre.nb_siae is null then 0 else offre.etp_insertion end as etp_insertion,
        case when offre.nb_siae is null then 0 else offre.nb_salaries_rsa end as nb_salaries_rsa
    from annees
    cross join communes
    left join demande
        on demande.annee = annees.annee and demande.commune_insee = communes.commune_insee
    left join offre
        on offre.annee = annees.annee and offre.commune_insee = communes.commune_insee
),

final as (
    select
        annee,
        commune_insee,
        nom_commune,
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
