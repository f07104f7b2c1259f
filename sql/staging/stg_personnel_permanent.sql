-- one row per (annee, siret, identifiant): a permanent staff member or volunteer in the return of annee
with

personnel as (
    select * from raw_personnel_permanent
),

fonctions as (
    select * from ref_fonction
),

constantes as (
    select * from ref_constantes
),

dated as (
    select
        *,
        make_date(annee, 1, 1) as debut_annee,
        make_date(annee, 12, 31) as fin_annee
    from personnel
),

presence as (
    select
        *,
        date_entree <= fin_annee and (date_sortie is null or date_sortie >= debut_annee) as est_present,
        -- days counted inclusively, clipped to the year
        greatest(
            date_diff(
                'day', greatest(date_entree, debut_annee), least(coalesce(date_sortie, fin_annee), fin_annee)
            ) + 1,
            0
        ) as jours_presents,
        date_diff('day', debut_annee, fin_annee) + 1 as jours_annee
    from dated
),

final as (
    select
        annee,
        siret,
        identifiant,
        sexe,
        annee_naissance,
        statut,
        statut = 'BENEVOLE' as est_benevole,
        benevole_indemnise,
        fonction,
        coalesce(fonctions.encadrement, false) as est_encadrement,
        heures_hebdo,
        niveau_diplome,
        date_entree,
        date_sortie,
        motif_sortie,
        formation_suivie,
        est_present,
        jours_presents,
        jours_annee,
        -- full time is capped at the legal week (35 h); volunteers count for 0 FTE
        case
            when statut <> 'BENEVOLE' and est_present
                then least(heures_hebdo, constantes.heures_hebdo_temps_plein) / constantes.heures_hebdo_temps_plein
                    * jours_presents / jours_annee
            else 0
        end as etp
    from presence
    left join fonctions using (fonction)
    cross join constantes
)

select * from final
