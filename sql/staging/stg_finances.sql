-- one row per (annee, siret): accounts of the year, in euros
with

finances as (
    select * from raw_finances
),

final as (
    select
        annee,
        siret,
        chiffre_affaires,
        -- an empty funding cell means 0 (docs/CONTRACT.md section 2, finances)
        coalesce(aides_etat, 0) as aides_etat,
        coalesce(aides_departement, 0) as aides_departement,
        coalesce(aides_region, 0) as aides_region,
        coalesce(aides_communes, 0) as aides_communes,
        coalesce(fse, 0) as fse,
        coalesce(autres_aides_publiques, 0) as autres_aides_publiques,
        coalesce(aides_etat, 0) + coalesce(aides_departement, 0) + coalesce(aides_region, 0)
            + coalesce(aides_communes, 0) + coalesce(fse, 0) + coalesce(autres_aides_publiques, 0)
            as financement_public,
        fonds_propres,
        resultat_net,
        total_charges
    from finances
)

select * from final
