-- one row per (annee, siret, fonction, statut, niveau_diplome, formation_suivie):
-- permanent staff and volunteers present in annee
with

conventions as (
    select * from stg_conventions
),

personnel as (
    select * from stg_personnel_permanent
),

codes as (
    select * from ref_codes
),

niveaux as (
    select code::integer as niveau_diplome, libelle as niveau_diplome_libelle
    from ref_codes
    where liste = 'NIVEAU_DIPLOME'
),

grouped as (
    select
        annee,
        siret,
        fonction,
        statut,
        est_benevole,
        est_encadrement,
        niveau_diplome,
        formation_suivie,
        count(*) as nb_personnes,
        sum(etp) as etp_permanents
    from personnel
    where est_present
    group by all
),

final as (
    select
        grouped.annee,
        grouped.siret,
        conventions.bassin,
        conventions.type_siae,
        grouped.fonction,
        fonctions.libelle as fonction_libelle,
        grouped.statut,
        statuts.libelle as statut_libelle,
        grouped.est_benevole,
        grouped.est_encadrement,
        grouped.niveau_diplome,
        coalesce(niveaux.niveau_diplome_libelle, 'Non renseigné') as niveau_diplome_libelle,
        grouped.formation_suivie,
        grouped.nb_personnes,
        grouped.etp_permanents
    from grouped
    inner join conventions
        on conventions.annee = grouped.annee and conventions.siret = grouped.siret
    left join codes as fonctions
        on fonctions.liste = 'FONCTION' and fonctions.code = grouped.fonction
    left join codes as statuts
        on statuts.liste = 'STATUT_PERMANENT' and statuts.code = grouped.statut
    left join niveaux
        on niveaux.niveau_diplome = grouped.niveau_diplome
)

select * from final
