-- one row per (annee, siret, alerte): a consistency warning on a SIAE's returns; it does
-- not block a load, it asks an officer to check
with

siae as (
    select * from indicateurs_siae
),

structure as (
    select * from stg_structure
),

conventions as (
    select * from stg_conventions
),

returns as (
    select * from stg_returns
),

communes as (
    select * from stg_communes
),

-- Thresholds: well above the agreement, or a sales jump an officer would want explained.
settings as (
    select 1.2 as seuil_realisation_etp, 0.5 as seuil_variation_ca
),

commune_differente as (
    select
        structure.annee, structure.siret, 'COMMUNE_DIFFERENTE' as alerte,
        'Commune déclarée différente de la convention' as alerte_libelle,
        'Retour structure : ' || coalesce(declared.nom, structure.commune_insee) || ' ; convention : '
            || coalesce(conventions.nom_commune, conventions.commune_insee) as detail
    from structure
    inner join conventions using (annee, siret)
    left join communes as declared on declared.commune_insee = structure.commune_insee
    where structure.commune_insee <> conventions.commune_insee
),

etp_depasse as (
    select
        annee, siret, 'ETP_REALISES_ELEVES' as alerte,
        'ETP réalisés très au-dessus des ETP conventionnés' as alerte_libelle,
        'Taux de réalisation : ' || round(taux_realisation_etp * 100)::integer || ' %' as detail
    from siae, settings
    where taux_realisation_etp > seuil_realisation_etp
),

sans_beneficiaire as (
    select
        annee, siret, 'SANS_BENEFICIAIRE' as alerte,
        'Retour sans salarié en insertion' as alerte_libelle,
        case when retour_salaries then 'Aucun salarié en insertion présent dans l''année'
            else 'Fiche structure ou finances reçue, mais pas la liste des salariés en insertion' end as detail
    from siae
    where (retour_structure or retour_finances or retour_personnel)
        and (not retour_salaries or nb_salaries = 0)
),

variation_ca as (
    select
        annee, siret, 'VARIATION_CA' as alerte,
        'Chiffre d''affaires en forte variation sur un an' as alerte_libelle,
        'Évolution : ' || case when evolution_ca > 0 then '+' else '' end
            || round(evolution_ca * 100)::integer || ' %' as detail
    from siae, settings
    where abs(evolution_ca) > seuil_variation_ca
),

sans_convention as (
    select distinct
        returns.annee, returns.siret, 'RETOUR_SANS_CONVENTION' as alerte,
        'Retour d''une structure absente du registre des conventions' as alerte_libelle,
        'Modèle : ' || returns.template as detail
    from returns
    anti join conventions using (annee, siret)
    where returns.template <> 'conventions'
),

alertes as (
    select * from commune_differente
    union all select * from etp_depasse
    union all select * from sans_beneficiaire
    union all select * from variation_ca
    union all select * from sans_convention
),

final as (
    select
        alertes.annee,
        alertes.siret,
        conventions.raison_sociale,
        conventions.bassin,
        conventions.type_siae,
        alertes.alerte,
        alertes.alerte_libelle,
        alertes.detail
    from alertes
    left join conventions using (annee, siret)
)

select * from final
