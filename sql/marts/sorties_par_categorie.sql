-- one row per (annee, siret, motif_sortie): exits of integration employees in annee
with

conventions as (
    select * from stg_conventions
),

salaries as (
    select * from stg_salaries_insertion
),

exits as (
    select
        annee,
        siret,
        categorie_sortie as categorie,
        categorie_sortie_libelle as categorie_libelle,
        categorie_sortie_rang as categorie_rang,
        est_sortie_dynamique as dynamique,
        motif_sortie,
        motif_libelle,
        count(*) as nb_sorties
    from salaries
    where est_present and est_sortie
    group by all
),

final as (
    select
        exits.annee,
        exits.siret,
        conventions.bassin,
        conventions.type_siae,
        exits.categorie,
        exits.categorie_libelle,
        exits.categorie_rang,
        exits.dynamique,
        exits.motif_sortie,
        exits.motif_libelle,
        exits.nb_sorties
    from exits
    inner join conventions
        on conventions.annee = exits.annee and conventions.siret = exits.siret
)

select * from final
