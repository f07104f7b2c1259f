-- one row per (annee, siret) of conventions
with

conventions as (
    select * from stg_conventions
),

returns as (
    select * from stg_returns
),

salaries as (
    select * from stg_salaries_insertion
),

personnel as (
    select * from stg_personnel_permanent
),

finances as (
    select * from stg_finances
),

received as (
    select
        annee,
        siret,
        bool_or(template = 'structure') as retour_structure,
        bool_or(template = 'salaries_insertion') as retour_salaries,
        bool_or(template = 'personnel_permanent') as retour_personnel,
        bool_or(template = 'finances') as retour_finances
    from returns
    group by annee, siret
),

constantes as (
    select * from ref_constantes
),

-- The people of each received return: a received return with no row present counts 0 (the
-- left join from received), a missing return has no row here and stays NULL in joined.
public as (
    select
        received.annee,
        received.siret,
        count(salaries.siret) as nb_salaries,
        count(*) filter (where salaries.est_entree) as nb_entrees,
        count(*) filter (where salaries.est_sortie) as nb_sorties,
        coalesce(sum(salaries.heures_travaillees), 0) as heures_travaillees,
        count(*) filter (where salaries.sexe = 'F') as nb_femmes,
        count(*) filter (where salaries.statut_entree = 'RSA') as nb_rsa,
        count(*) filter (where salaries.tranche_age = 'MOINS_26') as nb_moins_26,
        count(*) filter (where salaries.tranche_age = '50_PLUS') as nb_50_plus,
        count(*) filter (where salaries.est_sortie and salaries.est_sortie_dynamique) as nb_sorties_dynamiques,
        count(*) filter (where salaries.est_sortie and salaries.est_emploi_durable) as nb_sorties_emploi_durable,
        count(*) filter (where salaries.est_sortie and salaries.est_sortie_neutre) as nb_sorties_neutres
    from received
    left join salaries
        on salaries.annee = received.annee and salaries.siret = received.siret and salaries.est_present
    where received.retour_salaries
    group by received.annee, received.siret
),

staff as (
    select
        received.annee,
        received.siret,
        count(*) filter (where not personnel.est_benevole) as nb_permanents,
        count(*) filter (where personnel.est_benevole) as nb_benevoles,
        coalesce(sum(personnel.etp) filter (where not personnel.est_benevole), 0) as etp_permanents,
        coalesce(sum(personnel.etp) filter (where not personnel.est_benevole and personnel.est_encadrement), 0)
            as etp_encadrement
    from received
    left join personnel
        on personnel.annee = received.annee and personnel.siret = received.siret and personnel.est_present
    where received.retour_personnel
    group by received.annee, received.siret
),

joined as (
    select
        conventions.annee,
        conventions.siret,
        conventions.raison_sociale,
        conventions.type_siae,
        conventions.commune_insee,
        conventions.bassin,
        conventions.etp_conventionnes,
        conventions.nom_commune,

        coalesce(received.retour_structure, false) as retour_structure,
        coalesce(received.retour_salaries, false) as retour_salaries,
        coalesce(received.retour_personnel, false) as retour_personnel,
        coalesce(received.retour_finances, false) as retour_finances,

        public.* exclude (annee, siret),
        staff.* exclude (annee, siret),

        finances.chiffre_affaires,
        finances_n1.chiffre_affaires as chiffre_affaires_n1,
        finances_n2.chiffre_affaires as chiffre_affaires_n2,
        finances.financement_public,
        finances_n1.financement_public as financement_public_n1,
        finances_n2.financement_public as financement_public_n2,
        finances.fonds_propres,
        finances_n1.fonds_propres as fonds_propres_n1,
        finances_n2.fonds_propres as fonds_propres_n2
    from conventions
    left join received
        on received.annee = conventions.annee and received.siret = conventions.siret
    left join public
        on public.annee = conventions.annee and public.siret = conventions.siret
    left join staff
        on staff.annee = conventions.annee and staff.siret = conventions.siret
    left join finances
        on finances.annee = conventions.annee and finances.siret = conventions.siret
    left join finances as finances_n1
        on finances_n1.annee = conventions.annee - 1 and finances_n1.siret = conventions.siret
    left join finances as finances_n2
        on finances_n2.annee = conventions.annee - 2 and finances_n2.siret = conventions.siret
),

measured as (
    select
        joined.*,
        joined.heures_travaillees / constantes.heures_annuelles_etp as etp_insertion
    from joined
    cross join constantes
),

final as (
    select
        annee,
        siret,
        raison_sociale,
        type_siae,
        commune_insee,
        bassin,
        etp_conventionnes,

        retour_structure,
        retour_salaries,
        retour_personnel,
        retour_finances,
        retour_structure and retour_salaries and retour_personnel and retour_finances as retour_complet,

        nb_salaries,
        nb_entrees,
        nb_sorties,
        etp_insertion,
        etp_insertion / nullif(etp_conventionnes, 0) as taux_realisation_etp,
        nb_femmes / nullif(nb_salaries, 0) as part_femmes,
        nb_rsa / nullif(nb_salaries, 0) as part_rsa,
        nb_moins_26 / nullif(nb_salaries, 0) as part_moins_26,
        nb_50_plus / nullif(nb_salaries, 0) as part_50_plus,
        nb_sorties_dynamiques,
        nb_sorties_dynamiques / nullif(nb_sorties - nb_sorties_neutres, 0) as taux_sortie_dynamique,
        nb_sorties_emploi_durable / nullif(nb_sorties - nb_sorties_neutres, 0) as taux_emploi_durable,

        nb_permanents,
        nb_benevoles,
        etp_permanents,
        etp_encadrement,
        etp_insertion / nullif(etp_encadrement, 0) as taux_encadrement,

        chiffre_affaires,
        chiffre_affaires_n1,
        chiffre_affaires_n2,
        chiffre_affaires / nullif(chiffre_affaires_n1, 0) - 1 as evolution_ca,
        financement_public,
        financement_public / nullif(chiffre_affaires, 0) as ratio_public_ca,
        financement_public_n1 / nullif(chiffre_affaires_n1, 0) as ratio_public_ca_n1,
        financement_public_n2 / nullif(chiffre_affaires_n2, 0) as ratio_public_ca_n2,
        fonds_propres,
        fonds_propres / nullif(chiffre_affaires, 0) as fonds_propres_pct_ca,
        fonds_propres_n1 / nullif(chiffre_affaires_n1, 0) as fonds_propres_pct_ca_n1,
        fonds_propres_n2 / nullif(chiffre_affaires_n2, 0) as fonds_propres_pct_ca_n2,
        financement_public / nullif(etp_insertion, 0) as cout_public_par_etp,

        -- inputs of the territory ratios (sums of these, never means of the ratios above)
        nom_commune,
        heures_travaillees,
        nb_femmes,
        nb_rsa,
        nb_moins_26,
        nb_50_plus,
        nb_sorties_emploi_durable,
        nb_sorties_neutres
    from measured
)

select * from final
