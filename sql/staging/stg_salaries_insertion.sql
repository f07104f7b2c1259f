-- one row per (annee, siret, identifiant, date_entree): an integration contract in the return of annee
with

salaries as (
    select * from raw_salaries_insertion
),

motifs as (
    select * from ref_motif_sortie
),

constantes as (
    select * from ref_constantes
),

dated as (
    select
        *,
        make_date(annee, 1, 1) as debut_annee,
        make_date(annee, 12, 31) as fin_annee,
        year(date_entree) - annee_naissance as age_entree
    from salaries
),

final as (
    select
        dated.annee,
        dated.siret,
        dated.identifiant,
        dated.sexe,
        dated.annee_naissance,
        dated.age_entree,
        -- the age bands' one home: marts count tranche_age, never the age itself
        case
            when dated.age_entree < constantes.age_jeunes then 'MOINS_26'
            when dated.age_entree < constantes.age_seniors then '26_49'
            else '50_PLUS'
        end as tranche_age,
        dated.orientation,
        dated.statut_entree,
        dated.date_agrement,
        dated.type_contrat,
        dated.heures_hebdo_contrat,
        dated.heures_travaillees,
        dated.commune_travail,
        dated.difficultes,
        dated.actions,
        dated.accompagnement_social,
        dated.partenaires,
        dated.date_entree,
        dated.date_sortie,
        dated.motif_sortie,
        motifs.libelle as motif_libelle,
        motifs.categorie as categorie_sortie,
        motifs.categorie_libelle as categorie_sortie_libelle,
        motifs.categorie_rang as categorie_sortie_rang,
        dated.date_entree <= dated.fin_annee
            and (dated.date_sortie is null or dated.date_sortie >= dated.debut_annee) as est_present,
        dated.date_entree between dated.debut_annee and dated.fin_annee as est_entree,
        coalesce(dated.date_sortie between dated.debut_annee and dated.fin_annee, false) as est_sortie,
        coalesce(motifs.dynamique, false) as est_sortie_dynamique,
        coalesce(motifs.categorie = 'EMPLOI_DURABLE', false) as est_emploi_durable,
        coalesce(motifs.categorie = 'NEUTRE', false) as est_sortie_neutre
    from dated
    left join motifs using (motif_sortie)
    cross join constantes
)

select * from final
