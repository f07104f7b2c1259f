-- one row per (annee, siret)
with

structure as (
    select * from raw_structure
),

final as (
    select
        annee,
        siret,
        statut_juridique,
        code_ape,
        activite_principale,
        autres_activites,
        commune_insee,
        reseau,
        reseau is not null as adhere_reseau,
        evolution_activite,
        part_ca_particuliers,
        part_ca_entreprises,
        part_ca_associations,
        part_ca_collectivites,
        concurrence,
        evolution_aire_geographique,
        effectif_insertion_prevu_n1,
        formation_salaries,
        formation_permanents
    from structure
)

select * from final
