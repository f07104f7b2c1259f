-- one row per (annee, siret, financeur): public funding of the year by funder, in euros
with

conventions as (
    select * from stg_conventions
),

finances as (
    select * from stg_finances
),

financeurs as (
    select code as financeur, libelle as financeur_libelle, rang from ref_codes where liste = 'FINANCEUR'
),

long as (
    unpivot (
        select annee, siret, aides_etat, aides_departement, aides_region, aides_communes, fse,
            autres_aides_publiques
        from finances
    )
    on aides_etat, aides_departement, aides_region, aides_communes, fse, autres_aides_publiques
    into name financeur value montant
),

final as (
    select
        long.annee,
        long.siret,
        conventions.bassin,
        conventions.type_siae,
        long.financeur,
        financeurs.financeur_libelle,
        financeurs.rang,
        long.montant
    from long
    inner join conventions
        on conventions.annee = long.annee and conventions.siret = long.siret
    inner join financeurs using (financeur)
)

select * from final
