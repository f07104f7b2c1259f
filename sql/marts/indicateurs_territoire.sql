-- one row per (annee, bassin, type_siae), plus totals where bassin and/or type_siae = 'TOUS'
with

siae as (
    select * from indicateurs_siae
),

aggregated as (
    select
        annee,
        case when grouping(bassin) = 1 then 'TOUS' else bassin end as bassin,
        case when grouping(type_siae) = 1 then 'TOUS' else type_siae end as type_siae,
        count(*) as nb_siae,
        count(*) filter (where retour_complet) as nb_retours_complets,
        -- sums skip the NULLs of missing returns: they run over the SIAE that reported
        sum(nb_salaries)::bigint as nb_salaries,
        sum(nb_entrees)::bigint as nb_entrees,
        sum(nb_sorties)::bigint as nb_sorties,
        sum(etp_conventionnes) as etp_conventionnes,
        sum(etp_insertion) as etp_insertion,
        sum(etp_conventionnes) filter (where retour_salaries) as etp_conventionnes_retour_salaries,
        sum(nb_sorties_dynamiques)::bigint as nb_sorties_dynamiques,
        sum(nb_sorties_emploi_durable)::bigint as nb_sorties_emploi_durable,
        sum(nb_sorties_neutres)::bigint as nb_sorties_neutres,
        sum(nb_femmes)::bigint as nb_femmes,
        sum(nb_rsa)::bigint as nb_rsa,
        sum(etp_permanents) as etp_permanents,
        sum(etp_encadrement) as etp_encadrement,
        sum(chiffre_affaires) as chiffre_affaires,
        sum(financement_public) as financement_public,
        sum(financement_public) filter (where chiffre_affaires is not null) as financement_public_ca_connu,
        sum(chiffre_affaires) filter (where financement_public is not null) as chiffre_affaires_public_connu,
        sum(fonds_propres) filter (where chiffre_affaires is not null) as fonds_propres_ca_connu,
        sum(chiffre_affaires) filter (where fonds_propres is not null) as chiffre_affaires_fonds_propres_connus,
        count(*) filter (where retour_salaries) as nb_retours_salaries,
        count(*) filter (where retour_finances) as nb_retours_finances
    from siae
    group by grouping sets (
        (annee, bassin, type_siae),
        (annee, bassin),
        (annee, type_siae),
        (annee)
    )
),

final as (
    select
        annee,
        bassin,
        type_siae,
        nb_siae,
        nb_retours_complets,
        nb_retours_complets / nullif(nb_siae, 0) as taux_retour,
        nb_salaries,
        nb_entrees,
        nb_sorties,
        etp_conventionnes,
        etp_insertion,
        etp_insertion / nullif(etp_conventionnes_retour_salaries, 0) as taux_realisation_etp,
        nb_sorties_dynamiques / nullif(nb_sorties - nb_sorties_neutres, 0) as taux_sortie_dynamique,
        nb_sorties_emploi_durable / nullif(nb_sorties - nb_sorties_neutres, 0) as taux_emploi_durable,
        nb_femmes / nullif(nb_salaries, 0) as part_femmes,
        nb_rsa / nullif(nb_salaries, 0) as part_rsa,
        etp_permanents,
        etp_encadrement,
        chiffre_affaires,
        financement_public,
        financement_public_ca_connu / nullif(chiffre_affaires_public_connu, 0) as ratio_public_ca,
        fonds_propres_ca_connu / nullif(chiffre_affaires_fonds_propres_connus, 0) as fonds_propres_pct_ca,

        -- inputs of the ratios above, so a reader can check them
        nb_retours_salaries,
        nb_retours_finances,
        nb_sorties_dynamiques,
        nb_sorties_emploi_durable,
        nb_sorties_neutres,
        nb_femmes,
        nb_rsa
    from aggregated
)

select * from final
