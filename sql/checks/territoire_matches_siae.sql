-- one row per (annee, bassin, type_siae, colonne) where indicateurs_territoire differs from the
-- same figure recomputed from the rows of indicateurs_siae it covers (nb_siae = rows of
-- indicateurs_siae; ratios as sums over the SIAE that reported their inputs), and one row per
-- (annee, bassin, type_siae) of indicateurs_siae with no territory row
-- must return no rows
with

siae as (
    select * from indicateurs_siae
),

territoire as (
    select * from indicateurs_territoire
),

recomputed as (
    select
        territoire.annee,
        territoire.bassin,
        territoire.type_siae,
        count(siae.siret) as nb_siae,
        count(siae.siret) filter (where siae.retour_complet) as nb_retours_complets,
        sum(siae.nb_salaries) as nb_salaries,
        sum(siae.etp_conventionnes) as etp_conventionnes,
        sum(siae.etp_insertion) as etp_insertion,
        sum(siae.etp_insertion)
            / nullif(sum(case when siae.retour_salaries then siae.etp_conventionnes end), 0)
            as taux_realisation_etp,
        sum(siae.etp_permanents) as etp_permanents,
        sum(siae.chiffre_affaires) as chiffre_affaires,
        sum(siae.financement_public) as financement_public,
        sum(case when siae.chiffre_affaires is not null then siae.financement_public end)
            / nullif(sum(case when siae.financement_public is not null then siae.chiffre_affaires end), 0)
            as ratio_public_ca,
        sum(case when siae.chiffre_affaires is not null then siae.fonds_propres end)
            / nullif(sum(case when siae.fonds_propres is not null then siae.chiffre_affaires end), 0)
            as fonds_propres_pct_ca
    from territoire
    left join siae
        on siae.annee = territoire.annee
        and (territoire.bassin = 'TOUS' or siae.bassin is not distinct from territoire.bassin)
        and (territoire.type_siae = 'TOUS' or siae.type_siae is not distinct from territoire.type_siae)
    group by territoire.annee, territoire.bassin, territoire.type_siae
),

expected as (
    select annee, bassin, type_siae, colonne, attendu
    from recomputed
    unpivot include nulls (attendu for colonne in (
            nb_siae, nb_retours_complets, nb_salaries, etp_conventionnes, etp_insertion, taux_realisation_etp,
            etp_permanents, chiffre_affaires, financement_public, ratio_public_ca, fonds_propres_pct_ca
    ))
),

actual as (
    select annee, bassin, type_siae, colonne, valeur
    from territoire
    unpivot include nulls (valeur for colonne in (
            nb_siae, nb_retours_complets, nb_salaries, etp_conventionnes, etp_insertion, taux_realisation_etp,
            etp_permanents, chiffre_affaires, financement_public, ratio_public_ca, fonds_propres_pct_ca
    ))
),

differences as (
    select
        actual.annee,
        actual.bassin,
        actual.type_siae,
        actual.colonne,
        actual.valeur,
        expected.attendu
    from actual
    inner join expected
        on expected.annee = actual.annee
        and expected.bassin is not distinct from actual.bassin
        and expected.type_siae is not distinct from actual.type_siae
        and expected.colonne = actual.colonne
    where round(actual.valeur::double, 6) is distinct from round(expected.attendu::double, 6)
),

uncovered as (
    select distinct
        siae.annee,
        siae.bassin,
        siae.type_siae,
        'ligne de détail absente' as colonne,
        null::double as valeur,
        null::double as attendu
    from siae
    anti join territoire
        on territoire.annee = siae.annee
        and territoire.bassin is not distinct from siae.bassin
        and territoire.type_siae is not distinct from siae.type_siae
),

final as (
    select * from differences
    union all
    select * from uncovered
)

select * from final
