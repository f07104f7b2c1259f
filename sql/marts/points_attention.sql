-- one row per (annee, siret, regle) that fires: what an officer looks at first before the
-- yearly management dialogue (docs/CONTRACT.md section 4); a rule whose inputs are NULL does not fire
with

siae as (
    select * from indicateurs_siae
),

finances as (
    select * from stg_finances
),

-- config/observatoire.toml [points_attention], copied by warehouse/build.py (one row)
seuils as (
    select * from ref_seuils_attention
),

fonds_propres_negatifs as (
    select
        siae.annee, siae.siret, 'FONDS_PROPRES_NEGATIFS_3_ANS' as regle,
        siae.fonds_propres::double as valeur, seuils.fonds_propres as seuil
    from siae
    cross join seuils
    inner join finances as n1 on n1.siret = siae.siret and n1.annee = siae.annee - 1
    inner join finances as n2 on n2.siret = siae.siret and n2.annee = siae.annee - 2
    where siae.fonds_propres < seuils.fonds_propres
        and n1.fonds_propres < seuils.fonds_propres
        and n2.fonds_propres < seuils.fonds_propres
),

sous_realisation as (
    select
        annee, siret, 'SOUS_REALISATION_ETP' as regle,
        taux_realisation_etp as valeur, seuils.sous_realisation_etp as seuil
    from siae, seuils
    where taux_realisation_etp < seuils.sous_realisation_etp
),

sur_realisation as (
    select
        annee, siret, 'SUR_REALISATION_ETP' as regle,
        taux_realisation_etp as valeur, seuils.sur_realisation_etp as seuil
    from siae, seuils
    where taux_realisation_etp > seuils.sur_realisation_etp
),

baisse_ca as (
    select
        annee, siret, 'BAISSE_CA' as regle,
        evolution_ca as valeur, seuils.baisse_ca as seuil
    from siae, seuils
    where evolution_ca < seuils.baisse_ca
),

-- The ninth decile is the rule's definition (docs/CONTRACT.md; quantile_cont takes a constant).
-- It is a threshold only over enough SIAE: with few, "the highest 10 %" is one structure.
decile_par_type as (
    select
        annee, type_siae,
        quantile_cont(ratio_public_ca, 0.9) as decile
    from siae, seuils
    where ratio_public_ca is not null
    group by annee, type_siae
    having count(*) >= any_value(seuils.dependance_publique_min_siae)
),

dependance_publique as (
    select
        siae.annee, siae.siret, 'DEPENDANCE_PUBLIQUE' as regle,
        siae.ratio_public_ca as valeur, decile_par_type.decile as seuil
    from siae
    inner join decile_par_type using (annee, type_siae)
    where siae.ratio_public_ca > decile_par_type.decile
),

retour_manquant as (
    select
        annee, siret, 'RETOUR_MANQUANT' as regle,
        (4 - retour_structure::integer - retour_salaries::integer - retour_personnel::integer
            - retour_finances::integer)::double as valeur,
        null::double as seuil
    from siae
    where not retour_complet
),

points as (
    select * from fonds_propres_negatifs
    union all select * from sous_realisation
    union all select * from sur_realisation
    union all select * from baisse_ca
    union all select * from dependance_publique
    union all select * from retour_manquant
),

final as (
    select
        points.annee,
        points.siret,
        siae.raison_sociale,
        siae.type_siae,
        siae.bassin,
        points.regle,
        points.valeur,
        points.seuil
    from points
    inner join siae using (annee, siret)
)

select * from final
