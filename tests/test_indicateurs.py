"""The indicator views against values worked out by hand on tests/fixtures/indicateurs/.

The fixture (5 SIAE, 2022-2024) is loaded with the real loader. Every expected value below
was computed by hand from the CSV files; the comment beside it shows the computation.
Hours: 1607 h = 1 ETP, so 803.5 h = 0.5, 1205.25 h = 0.75, 482.1 h = 0.3, 321.4 h = 0.2,
642.8 h = 0.4. Days: 2022 and 2023 have 365, 2024 has 366.

The SIAE:
  A 11111111000016 Jardins du Nord         ACI  97411 Saint-Denis   NORD  every return, 3 years
  B 22222222000014 Bâtiment Sud Insertion  EI   97416 Saint-Pierre  SUD   no finances in 2023
  C 33333333000012 Services Tampon         AI   97422 Le Tampon     SUD   2023-2024, no salaries return in 2024
  D 44444444000010 Recyclerie de l'Ouest   ACI  97415 Saint-Paul    OUEST 2024 only, no return at all
  E 55555555000014 Intérim Solidaire Nord  ETTI 97418 Sainte-Marie  NORD  2023-2024, no personnel return in
                                                                          2023, chiffre d'affaires 0 in 2023
"""

from __future__ import annotations


import pytest
from conftest import fixture_warehouse

import contract_doc
from warehouse.db import connect_read

A, B, C, D, E = "11111111000016", "22222222000014", "33333333000012", "44444444000010", "55555555000014"


@pytest.fixture(scope="module")
def con():
    c = connect_read(fixture_warehouse())
    yield c
    c.close()


def rows(con, sql: str, params: dict | None = None) -> list[dict]:
    rel = con.sql(sql, params=params)
    names = rel.columns
    return [dict(zip(names, r)) for r in rel.fetchall()]


def approx_row(expected: dict) -> dict:
    """Floats compared to 1e-9, everything else (text, booleans, NULL, counts) exactly."""
    return {k: pytest.approx(v, rel=1e-9, abs=1e-9) if isinstance(v, float) else v for k, v in expected.items()}


def assert_rows(actual: list[dict], expected: list[dict], key: tuple[str, ...]) -> None:
    assert [tuple(r[k] for k in key) for r in actual] == [tuple(r[k] for k in key) for r in expected]
    for got, want in zip(actual, expected):
        assert set(got) == set(want), (set(got) ^ set(want))
        assert got == approx_row(want), tuple(want[k] for k in key)


# ---- indicateurs_siae: every column of every row ----

def _no_salaries() -> dict:
    """The salaries_insertion return is missing: every value it feeds is NULL."""
    return dict(
        nb_salaries=None, nb_entrees=None, nb_sorties=None, etp_insertion=None, taux_realisation_etp=None,
        part_femmes=None, part_rsa=None, part_moins_26=None, part_50_plus=None, nb_sorties_dynamiques=None,
        taux_sortie_dynamique=None, taux_emploi_durable=None, heures_travaillees=None, nb_femmes=None,
        nb_rsa=None, nb_moins_26=None, nb_50_plus=None, nb_sorties_emploi_durable=None, nb_sorties_neutres=None,
    )


def _no_personnel() -> dict:
    return dict(nb_permanents=None, nb_benevoles=None, etp_permanents=None, etp_encadrement=None,
                taux_encadrement=None)


def _no_finances() -> dict:
    return dict(chiffre_affaires=None, financement_public=None, ratio_public_ca=None, fonds_propres=None,
                fonds_propres_pct_ca=None, evolution_ca=None, cout_public_par_etp=None)


EXPECTED_SIAE = [
    dict(
        annee=2022, siret=A, raison_sociale="Jardins du Nord", type_siae="ACI", commune_insee="97411",
        bassin="NORD", nom_commune="Saint-Denis", etp_conventionnes=2.0,
        retour_structure=True, retour_salaries=True, retour_personnel=True, retour_finances=True,
        retour_complet=True,
        nb_salaries=3,  # A01, A02, A03 (A03 entered 2021, left 2022-04-30)
        nb_entrees=2,  # A01 2022-03-01, A02 2022-01-10
        nb_sorties=2,  # A02 2022-09-30 CDI, A03 2022-04-30 DEMENAGEMENT
        heures_travaillees=2089.1,  # 803.5 + 803.5 + 482.1
        etp_insertion=1.3,  # 2089.1 / 1607
        taux_realisation_etp=0.65,  # 1.3 / 2.0
        nb_femmes=1, part_femmes=1 / 3,  # A01
        nb_rsa=2, part_rsa=2 / 3,  # A01, A03
        nb_moins_26=1, part_moins_26=1 / 3,  # A02: 2022 - 2000 = 22
        nb_50_plus=1, part_50_plus=1 / 3,  # A03: 2021 - 1968 = 53
        nb_sorties_dynamiques=1,  # A02 CDI
        nb_sorties_emploi_durable=1,  # A02 CDI
        nb_sorties_neutres=1,  # A03 DEMENAGEMENT
        taux_sortie_dynamique=1.0,  # 1 / (2 - 1)
        taux_emploi_durable=1.0,  # 1 / (2 - 1)
        nb_permanents=2,  # AP1, AP2
        nb_benevoles=1,  # AP3
        etp_permanents=2.0,  # AP1 35/35 + AP2 min(39, 35)/35, whole year
        etp_encadrement=1.0,  # AP2 (ENCADRANT_TECHNIQUE)
        taux_encadrement=1.3,  # 1.3 / 1.0
        chiffre_affaires=100000.0, chiffre_affaires_n1=None, chiffre_affaires_n2=None,
        evolution_ca=None,  # no 2021 finances
        financement_public=65000.0,  # 50000 + 10000 + 5000
        ratio_public_ca=0.65,  # 65000 / 100000
        ratio_public_ca_n1=None, ratio_public_ca_n2=None,
        fonds_propres=20000.0,
        fonds_propres_pct_ca=0.2,  # 20000 / 100000
        fonds_propres_pct_ca_n1=None, fonds_propres_pct_ca_n2=None,
        cout_public_par_etp=50000.0,  # 65000 / 1.3
    ),
    dict(
        annee=2023, siret=A, raison_sociale="Jardins du Nord", type_siae="ACI", commune_insee="97411",
        bassin="NORD", nom_commune="Saint-Denis", etp_conventionnes=2.0,
        retour_structure=True, retour_salaries=True, retour_personnel=True, retour_finances=True,
        retour_complet=True,
        nb_salaries=3,  # A01 (contract from 2022), A04, A05
        nb_entrees=2,  # A04 2023-02-01, A05 2023-05-02
        nb_sorties=2,  # A01 2023-11-30 FORMATION_QUALIFIANTE, A05 2023-08-31 CHOMAGE
        heures_travaillees=3133.65,  # 1205.25 + 1607 + 321.4
        etp_insertion=1.95,  # 3133.65 / 1607
        taux_realisation_etp=0.975,  # 1.95 / 2.0
        nb_femmes=3, part_femmes=1.0,  # 3 / 3
        nb_rsa=1, part_rsa=1 / 3,  # A01
        nb_moins_26=1, part_moins_26=1 / 3,  # A05: 2023 - 1999 = 24
        nb_50_plus=1, part_50_plus=1 / 3,  # A04: 2023 - 1972 = 51
        nb_sorties_dynamiques=1,  # A01 FORMATION_QUALIFIANTE (SORTIE_POSITIVE)
        nb_sorties_emploi_durable=0,
        nb_sorties_neutres=0,
        taux_sortie_dynamique=0.5,  # 1 / (2 - 0)
        taux_emploi_durable=0.0,  # 0 / (2 - 0)
        nb_permanents=3,  # AP1, AP2 (left 2023-03-31), AP4 (from 2023-04-01)
        nb_benevoles=1,  # AP3
        etp_permanents=592.5 / 365,  # AP1 1 + AP2 1 x 90/365 + AP4 17.5/35 x 275/365 = (365 + 90 + 137.5) / 365
        etp_encadrement=227.5 / 365,  # AP2 90/365 + AP4 137.5/365 = 0.6233
        taux_encadrement=1.95 * 365 / 227.5,  # 1.95 / 0.6233 = 3.1286
        chiffre_affaires=120000.0, chiffre_affaires_n1=100000.0, chiffre_affaires_n2=None,
        evolution_ca=0.2,  # 120000 / 100000 - 1
        financement_public=80000.0,  # 60000 + 10000 + 10000
        ratio_public_ca=80000 / 120000,  # 0.6667
        ratio_public_ca_n1=0.65,  # 65000 / 100000
        ratio_public_ca_n2=None,
        fonds_propres=25000.0,
        fonds_propres_pct_ca=25000 / 120000,  # 0.2083
        fonds_propres_pct_ca_n1=0.2,  # 20000 / 100000
        fonds_propres_pct_ca_n2=None,
        cout_public_par_etp=80000 / 1.95,  # 41025.64
    ),
    dict(
        annee=2024, siret=A, raison_sociale="Jardins du Nord", type_siae="ACI", commune_insee="97411",
        bassin="NORD", nom_commune="Saint-Denis", etp_conventionnes=2.5,
        retour_structure=True, retour_salaries=True, retour_personnel=True, retour_finances=True,
        retour_complet=True,
        nb_salaries=2,  # A04 (contract from 2023), A06
        nb_entrees=1,  # A06 2024-01-15
        nb_sorties=1,  # A04 2024-06-30 CDD_MOINS_6_MOIS
        heures_travaillees=2410.5,  # 803.5 + 1607
        etp_insertion=1.5,  # 2410.5 / 1607
        taux_realisation_etp=0.6,  # 1.5 / 2.5
        nb_femmes=1, part_femmes=0.5,  # A04
        nb_rsa=1, part_rsa=0.5,  # A06
        nb_moins_26=0, part_moins_26=0.0,
        nb_50_plus=1, part_50_plus=0.5,  # A04: entered 2023, 2023 - 1972 = 51
        nb_sorties_dynamiques=1,  # A04 CDD_MOINS_6_MOIS (EMPLOI_TRANSITION)
        nb_sorties_emploi_durable=0,
        nb_sorties_neutres=0,
        taux_sortie_dynamique=1.0,  # 1 / 1
        taux_emploi_durable=0.0,  # 0 / 1
        nb_permanents=3,  # AP1, AP4, AP5
        nb_benevoles=1,  # AP3 (indemnified volunteer, still a volunteer)
        etp_permanents=1.5 + 184 / 366,  # AP1 1 + AP4 17.5/35 + AP5 1 x 184/366 (from 2024-07-01, leap year) = 2.0027
        etp_encadrement=0.5 + 184 / 366,  # AP4 0.5 + AP5 0.5027 = 1.0027
        taux_encadrement=549 / 367,  # 1.5 / (367/366) = 1.4959
        chiffre_affaires=150000.0, chiffre_affaires_n1=120000.0, chiffre_affaires_n2=100000.0,
        evolution_ca=0.25,  # 150000 / 120000 - 1
        financement_public=80000.0,  # 70000 + 5000 + 5000
        ratio_public_ca=80000 / 150000,  # 0.5333
        ratio_public_ca_n1=80000 / 120000,  # 0.6667
        ratio_public_ca_n2=0.65,  # 65000 / 100000
        fonds_propres=30000.0,
        fonds_propres_pct_ca=0.2,  # 30000 / 150000
        fonds_propres_pct_ca_n1=25000 / 120000,  # 0.2083
        fonds_propres_pct_ca_n2=0.2,  # 20000 / 100000
        cout_public_par_etp=80000 / 1.5,  # 53333.33
    ),
    dict(
        annee=2022, siret=B, raison_sociale="Bâtiment Sud Insertion", type_siae="EI", commune_insee="97416",
        bassin="SUD", nom_commune="Saint-Pierre", etp_conventionnes=1.0,
        retour_structure=True, retour_salaries=True, retour_personnel=True, retour_finances=True,
        retour_complet=True,
        nb_salaries=2,  # B01 (entered 2021), B02
        nb_entrees=1,  # B02 2022-02-01
        nb_sorties=1,  # B02 2022-07-31 INTERIM
        heures_travaillees=2410.5,  # 1607 + 803.5
        etp_insertion=1.5,  # 2410.5 / 1607
        taux_realisation_etp=1.5,  # 1.5 / 1.0: above 1 is allowed
        nb_femmes=1, part_femmes=0.5,  # B02
        nb_rsa=0, part_rsa=0.0,
        nb_moins_26=0, part_moins_26=0.0,  # B02: 2022 - 1995 = 27
        nb_50_plus=0, part_50_plus=0.0,  # B01: 2021 - 1980 = 41
        nb_sorties_dynamiques=1,  # B02 INTERIM (EMPLOI_TRANSITION)
        nb_sorties_emploi_durable=0,
        nb_sorties_neutres=0,
        taux_sortie_dynamique=1.0,  # 1 / 1
        taux_emploi_durable=0.0,  # 0 / 1
        nb_permanents=2,  # BP1, BP2
        nb_benevoles=0,
        etp_permanents=1.8,  # BP1 1 + BP2 28/35 x 365/365 (2022-01-01 to 2022-12-31 inclusive)
        etp_encadrement=0.8,  # BP2
        taux_encadrement=1.875,  # 1.5 / 0.8
        chiffre_affaires=200000.0, chiffre_affaires_n1=None, chiffre_affaires_n2=None,
        evolution_ca=None,
        financement_public=30000.0,  # aides_etat only, empty cells = 0
        ratio_public_ca=0.15,  # 30000 / 200000
        ratio_public_ca_n1=None, ratio_public_ca_n2=None,
        fonds_propres=None,  # not given
        fonds_propres_pct_ca=None,
        fonds_propres_pct_ca_n1=None, fonds_propres_pct_ca_n2=None,
        cout_public_par_etp=20000.0,  # 30000 / 1.5
    ),
    dict(
        annee=2023, siret=B, raison_sociale="Bâtiment Sud Insertion", type_siae="EI", commune_insee="97416",
        bassin="SUD", nom_commune="Saint-Pierre", etp_conventionnes=1.0,
        retour_structure=True, retour_salaries=True, retour_personnel=True, retour_finances=False,
        retour_complet=False,  # no finances
        nb_salaries=1,  # B01
        nb_entrees=0,
        nb_sorties=1,  # B01 2023-12-31 RAISONS_SANTE
        heures_travaillees=1607.0,
        etp_insertion=1.0,  # 1607 / 1607
        taux_realisation_etp=1.0,  # 1.0 / 1.0
        nb_femmes=0, part_femmes=0.0,
        nb_rsa=0, part_rsa=0.0,
        nb_moins_26=0, part_moins_26=0.0,
        nb_50_plus=0, part_50_plus=0.0,
        nb_sorties_dynamiques=0,
        nb_sorties_emploi_durable=0,
        nb_sorties_neutres=1,  # RAISONS_SANTE
        taux_sortie_dynamique=None,  # 0 / (1 - 1): denominator 0
        taux_emploi_durable=None,  # 0 / (1 - 1)
        nb_permanents=1,  # BP1
        nb_benevoles=0,
        etp_permanents=1.0,
        etp_encadrement=0.0,  # BP1 is DIRECTION
        taux_encadrement=None,  # 1.0 / 0
        chiffre_affaires=None,  # finances missing: NULL, not 0
        chiffre_affaires_n1=200000.0, chiffre_affaires_n2=None,
        evolution_ca=None,
        financement_public=None,
        ratio_public_ca=None,
        ratio_public_ca_n1=0.15,  # 30000 / 200000
        ratio_public_ca_n2=None,
        fonds_propres=None,
        fonds_propres_pct_ca=None,
        fonds_propres_pct_ca_n1=None,  # fonds_propres 2022 not given
        fonds_propres_pct_ca_n2=None,
        cout_public_par_etp=None,
    ),
    dict(
        annee=2024, siret=B, raison_sociale="Bâtiment Sud Insertion", type_siae="EI", commune_insee="97416",
        bassin="SUD", nom_commune="Saint-Pierre", etp_conventionnes=1.0,
        retour_structure=True, retour_salaries=True, retour_personnel=True, retour_finances=True,
        retour_complet=True,
        nb_salaries=1,  # B03
        nb_entrees=1,  # B03 2024-03-01
        nb_sorties=0,
        heures_travaillees=1205.25,
        etp_insertion=0.75,  # 1205.25 / 1607
        taux_realisation_etp=0.75,  # 0.75 / 1.0
        nb_femmes=1, part_femmes=1.0,
        nb_rsa=1, part_rsa=1.0,
        nb_moins_26=0, part_moins_26=0.0,
        nb_50_plus=1, part_50_plus=1.0,  # 2024 - 1960 = 64
        nb_sorties_dynamiques=0,
        nb_sorties_emploi_durable=0,
        nb_sorties_neutres=0,
        taux_sortie_dynamique=None,  # no exit: 0 / 0
        taux_emploi_durable=None,
        nb_permanents=2,  # BP1, BP3
        nb_benevoles=0,
        etp_permanents=2.0,  # 1 + 1
        etp_encadrement=1.0,  # BP3 ACCOMPAGNATEUR_SOCIOPRO
        taux_encadrement=0.75,  # 0.75 / 1.0
        chiffre_affaires=250000.0,
        chiffre_affaires_n1=None,  # no 2023 finances
        chiffre_affaires_n2=200000.0,
        evolution_ca=None,  # n-1 unknown
        financement_public=50000.0,  # 40000 + 10000
        ratio_public_ca=0.2,  # 50000 / 250000
        ratio_public_ca_n1=None,
        ratio_public_ca_n2=0.15,  # 30000 / 200000
        fonds_propres=50000.0,
        fonds_propres_pct_ca=0.2,  # 50000 / 250000
        fonds_propres_pct_ca_n1=None,
        fonds_propres_pct_ca_n2=None,  # fonds_propres 2022 not given
        cout_public_par_etp=50000 / 0.75,  # 66666.67
    ),
    dict(
        annee=2023, siret=C, raison_sociale="Services Tampon", type_siae="AI", commune_insee="97422",
        bassin="SUD", nom_commune="Le Tampon", etp_conventionnes=1.0,
        retour_structure=True, retour_salaries=True, retour_personnel=True, retour_finances=True,
        retour_complet=True,
        nb_salaries=2,  # C01, C02
        nb_entrees=2,
        nb_sorties=1,  # C01 2023-10-15 CDD_6_MOIS_PLUS
        heures_travaillees=1124.9,  # 642.8 + 482.1
        etp_insertion=0.7,  # 1124.9 / 1607
        taux_realisation_etp=0.7,  # 0.7 / 1.0
        nb_femmes=1, part_femmes=0.5,  # C01
        nb_rsa=0, part_rsa=0.0,
        nb_moins_26=1, part_moins_26=0.5,  # C01: 2023 - 2003 = 20
        nb_50_plus=0, part_50_plus=0.0,  # C02: 2023 - 1975 = 48
        nb_sorties_dynamiques=1,  # CDD_6_MOIS_PLUS (EMPLOI_DURABLE)
        nb_sorties_emploi_durable=1,
        nb_sorties_neutres=0,
        taux_sortie_dynamique=1.0,  # 1 / 1
        taux_emploi_durable=1.0,  # 1 / 1
        nb_permanents=1,  # CP1
        nb_benevoles=1,  # CP2
        etp_permanents=1.0,
        etp_encadrement=0.0,
        taux_encadrement=None,  # 0.7 / 0
        chiffre_affaires=40000.0, chiffre_affaires_n1=None, chiffre_affaires_n2=None,
        evolution_ca=None,
        financement_public=50000.0,  # 30000 + 20000
        ratio_public_ca=1.25,  # 50000 / 40000: above 1 is allowed
        ratio_public_ca_n1=None, ratio_public_ca_n2=None,
        fonds_propres=-15000.0,
        fonds_propres_pct_ca=-0.375,  # -15000 / 40000
        fonds_propres_pct_ca_n1=None, fonds_propres_pct_ca_n2=None,
        cout_public_par_etp=50000 / 0.7,  # 71428.57
    ),
    dict(
        annee=2024, siret=C, raison_sociale="Services Tampon", type_siae="AI", commune_insee="97422",
        bassin="SUD", nom_commune="Le Tampon", etp_conventionnes=1.0,
        retour_structure=True, retour_salaries=False, retour_personnel=True, retour_finances=True,
        retour_complet=False,  # no salaries_insertion return
        **_no_salaries(),
        nb_permanents=2,  # CP1, CP3 (CP2 no longer listed)
        nb_benevoles=0,
        etp_permanents=1.4,  # CP1 1 + CP3 14/35
        etp_encadrement=0.4,  # CP3 ACCOMPAGNATEUR_SOCIOPRO
        taux_encadrement=None,  # etp_insertion unknown
        chiffre_affaires=45000.0, chiffre_affaires_n1=40000.0, chiffre_affaires_n2=None,
        evolution_ca=0.125,  # 45000 / 40000 - 1
        financement_public=32000.0,
        ratio_public_ca=32000 / 45000,  # 0.7111
        ratio_public_ca_n1=1.25,  # 50000 / 40000
        ratio_public_ca_n2=None,
        fonds_propres=-5000.0,
        fonds_propres_pct_ca=-5000 / 45000,  # -0.1111
        fonds_propres_pct_ca_n1=-0.375,  # -15000 / 40000
        fonds_propres_pct_ca_n2=None,
        cout_public_par_etp=None,  # etp_insertion unknown
    ),
    dict(
        annee=2024, siret=D, raison_sociale="Recyclerie de l'Ouest", type_siae="ACI", commune_insee="97415",
        bassin="OUEST", nom_commune="Saint-Paul", etp_conventionnes=3.0,
        retour_structure=False, retour_salaries=False, retour_personnel=False, retour_finances=False,
        retour_complet=False,  # no return at all: everything NULL, nothing 0
        **_no_salaries(),
        **_no_personnel(),
        **_no_finances(),
        chiffre_affaires_n1=None, chiffre_affaires_n2=None,
        ratio_public_ca_n1=None, ratio_public_ca_n2=None,
        fonds_propres_pct_ca_n1=None, fonds_propres_pct_ca_n2=None,
    ),
    dict(
        annee=2023, siret=E, raison_sociale="Intérim Solidaire Nord", type_siae="ETTI", commune_insee="97418",
        bassin="NORD", nom_commune="Sainte-Marie", etp_conventionnes=0.5,
        retour_structure=True, retour_salaries=True, retour_personnel=False, retour_finances=True,
        retour_complet=False,  # no personnel_permanent return
        nb_salaries=1,  # E01
        nb_entrees=1,
        nb_sorties=1,  # E01 2023-12-15 CDI
        heures_travaillees=803.5,
        etp_insertion=0.5,  # 803.5 / 1607
        taux_realisation_etp=1.0,  # 0.5 / 0.5
        nb_femmes=0, part_femmes=0.0,
        nb_rsa=0, part_rsa=0.0,
        nb_moins_26=0, part_moins_26=0.0,  # 2023 - 1990 = 33
        nb_50_plus=0, part_50_plus=0.0,
        nb_sorties_dynamiques=1,
        nb_sorties_emploi_durable=1,
        nb_sorties_neutres=0,
        taux_sortie_dynamique=1.0,  # 1 / 1
        taux_emploi_durable=1.0,  # 1 / 1
        **_no_personnel(),
        chiffre_affaires=0.0, chiffre_affaires_n1=None, chiffre_affaires_n2=None,
        evolution_ca=None,
        financement_public=10000.0,
        ratio_public_ca=None,  # 10000 / 0: NULL, not an error
        ratio_public_ca_n1=None, ratio_public_ca_n2=None,
        fonds_propres=5000.0,
        fonds_propres_pct_ca=None,  # 5000 / 0
        fonds_propres_pct_ca_n1=None, fonds_propres_pct_ca_n2=None,
        cout_public_par_etp=20000.0,  # 10000 / 0.5
    ),
    dict(
        annee=2024, siret=E, raison_sociale="Intérim Solidaire Nord", type_siae="ETTI", commune_insee="97418",
        bassin="NORD", nom_commune="Sainte-Marie", etp_conventionnes=1.0,
        retour_structure=True, retour_salaries=True, retour_personnel=True, retour_finances=True,
        retour_complet=True,
        nb_salaries=2,  # E02, E03
        nb_entrees=2,
        nb_sorties=2,  # E02 2024-12-31 DEMENAGEMENT, E03 2024-11-30 RUPTURE
        heures_travaillees=1928.4,  # 1607 + 321.4
        etp_insertion=1.2,  # 1928.4 / 1607
        taux_realisation_etp=1.2,  # 1.2 / 1.0
        nb_femmes=1, part_femmes=0.5,  # E02
        nb_rsa=1, part_rsa=0.5,  # E02
        nb_moins_26=1, part_moins_26=0.5,  # E03: 2024 - 2001 = 23
        nb_50_plus=1, part_50_plus=0.5,  # E02: 2024 - 1970 = 54
        nb_sorties_dynamiques=0,  # DEMENAGEMENT is NEUTRE, RUPTURE is AUTRE_SORTIE
        nb_sorties_emploi_durable=0,
        nb_sorties_neutres=1,
        taux_sortie_dynamique=0.0,  # 0 / (2 - 1)
        taux_emploi_durable=0.0,  # 0 / (2 - 1)
        nb_permanents=1,  # EP1
        nb_benevoles=0,
        etp_permanents=182 / 366,  # 35/35 x 182/366 (2024-01-01 to 2024-06-30) = 0.4973
        etp_encadrement=182 / 366,
        taux_encadrement=1.2 * 366 / 182,  # 1.2 / 0.4973 = 2.4132
        chiffre_affaires=80000.0, chiffre_affaires_n1=0.0, chiffre_affaires_n2=None,
        evolution_ca=None,  # 80000 / 0 - 1: NULL
        financement_public=20000.0,
        ratio_public_ca=0.25,  # 20000 / 80000
        ratio_public_ca_n1=None,  # 10000 / 0
        ratio_public_ca_n2=None,
        fonds_propres=8000.0,
        fonds_propres_pct_ca=0.1,  # 8000 / 80000
        fonds_propres_pct_ca_n1=None,  # 5000 / 0
        fonds_propres_pct_ca_n2=None,
        cout_public_par_etp=20000 / 1.2,  # 16666.67
    ),
]

# docs/CONTRACT.md section 4, in order: the public interface of the two views.
CONTRACT_SIAE_COLUMNS = contract_doc.view_columns("indicateurs_siae")
CONTRACT_TERRITOIRE_COLUMNS = contract_doc.view_columns("indicateurs_territoire")


def test_contract_columns_come_first(con):
    siae = con.sql("select * from indicateurs_siae limit 0").columns
    territoire = con.sql("select * from indicateurs_territoire limit 0").columns
    assert siae[: len(CONTRACT_SIAE_COLUMNS)] == CONTRACT_SIAE_COLUMNS
    assert territoire[: len(CONTRACT_TERRITOIRE_COLUMNS)] == CONTRACT_TERRITOIRE_COLUMNS


def test_retour_flags_are_booleans_never_null(con):
    flags = [c for c in CONTRACT_SIAE_COLUMNS if c.startswith("retour_")]
    types = dict(con.sql("select column_name, column_type from (describe indicateurs_siae)").fetchall())
    assert {types[c] for c in flags} == {"BOOLEAN"}
    nulls = " + ".join(f"count(*) filter (where {c} is null)" for c in flags)
    assert con.sql(f"select {nulls} from indicateurs_siae").fetchall() == [(0,)]


def test_indicateurs_siae_every_value(con):
    actual = rows(con, "select * from indicateurs_siae order by siret, annee")
    assert_rows(actual, EXPECTED_SIAE, ("siret", "annee"))


# ---- indicateurs_territoire: detail and total rows, every column ----

EXPECTED_TERRITOIRE = {
    (2022, "TOUS", "TOUS"): dict(  # A + B
        nb_siae=2, nb_retours_complets=2,
        taux_retour=1.0,  # 2 / 2
        nb_salaries=5,  # 3 + 2
        nb_entrees=3,  # 2 + 1
        nb_sorties=3,  # 2 + 1
        etp_conventionnes=3.0,  # 2.0 + 1.0
        etp_insertion=2.8,  # 1.3 + 1.5
        taux_realisation_etp=2.8 / 3.0,  # both salaries returns received: 0.9333
        taux_sortie_dynamique=1.0,  # (1 + 1) / ((2 - 1) + (1 - 0))
        taux_emploi_durable=0.5,  # (1 + 0) / 2
        part_femmes=0.4,  # (1 + 1) / 5
        part_rsa=0.4,  # (2 + 0) / 5
        etp_permanents=3.8,  # 2.0 + 1.8
        etp_encadrement=1.8,  # 1.0 + 0.8
        chiffre_affaires=300000.0,  # 100000 + 200000
        financement_public=95000.0,  # 65000 + 30000
        ratio_public_ca=95000 / 300000,  # 0.3167
        fonds_propres_pct_ca=0.2,  # B has no fonds_propres: 20000 / 100000 (A only)
        nb_retours_salaries=2, nb_retours_finances=2,
        nb_sorties_dynamiques=2, nb_sorties_emploi_durable=1, nb_sorties_neutres=1, nb_femmes=2, nb_rsa=2,
    ),
    (2023, "TOUS", "TOUS"): dict(  # A, B, C, E
        nb_siae=4,
        nb_retours_complets=2,  # A, C (B lacks finances, E lacks personnel)
        taux_retour=0.5,  # 2 / 4
        nb_salaries=7,  # 3 + 1 + 2 + 1
        nb_entrees=5,  # 2 + 0 + 2 + 1
        nb_sorties=5,  # 2 + 1 + 1 + 1
        etp_conventionnes=4.5,  # 2.0 + 1.0 + 1.0 + 0.5
        etp_insertion=4.15,  # 1.95 + 1.0 + 0.7 + 0.5
        taux_realisation_etp=4.15 / 4.5,  # 0.9222
        taux_sortie_dynamique=0.75,  # (1 + 0 + 1 + 1) / (5 - 1 neutral)
        taux_emploi_durable=0.5,  # (0 + 0 + 1 + 1) / 4
        part_femmes=4 / 7,  # (3 + 0 + 1 + 0) / 7
        part_rsa=1 / 7,  # A01 only
        etp_permanents=2 + 592.5 / 365,  # A 1.6233 + B 1.0 + C 1.0 (E: no return) = 3.6233
        etp_encadrement=227.5 / 365,  # A 0.6233 + B 0 + C 0
        chiffre_affaires=160000.0,  # A 120000 + C 40000 + E 0 (B: no return)
        financement_public=140000.0,  # 80000 + 50000 + 10000
        ratio_public_ca=0.875,  # 140000 / 160000
        fonds_propres_pct_ca=0.09375,  # (25000 - 15000 + 5000) / 160000
        nb_retours_salaries=4, nb_retours_finances=3,
        nb_sorties_dynamiques=3, nb_sorties_emploi_durable=2, nb_sorties_neutres=1, nb_femmes=4, nb_rsa=1,
    ),
    (2023, "NORD", "TOUS"): dict(  # A, E
        nb_siae=2, nb_retours_complets=1,  # A
        taux_retour=0.5,
        nb_salaries=4,  # 3 + 1
        nb_entrees=3,  # 2 + 1
        nb_sorties=3,  # 2 + 1
        etp_conventionnes=2.5,  # 2.0 + 0.5
        etp_insertion=2.45,  # 1.95 + 0.5
        taux_realisation_etp=0.98,  # 2.45 / 2.5
        taux_sortie_dynamique=2 / 3,  # (1 + 1) / (3 - 0)
        taux_emploi_durable=1 / 3,  # (0 + 1) / 3
        part_femmes=0.75,  # (3 + 0) / 4
        part_rsa=0.25,  # (1 + 0) / 4
        etp_permanents=592.5 / 365,  # A only (E: no return) = 1.6233
        etp_encadrement=227.5 / 365,  # 0.6233
        chiffre_affaires=120000.0,  # 120000 + 0
        financement_public=90000.0,  # 80000 + 10000
        ratio_public_ca=0.75,  # 90000 / 120000
        fonds_propres_pct_ca=0.25,  # (25000 + 5000) / 120000
        nb_retours_salaries=2, nb_retours_finances=2,
        nb_sorties_dynamiques=2, nb_sorties_emploi_durable=1, nb_sorties_neutres=0, nb_femmes=3, nb_rsa=1,
    ),
    (2024, "TOUS", "TOUS"): dict(  # A, B, C, D, E
        nb_siae=5,
        nb_retours_complets=3,  # A, B, E
        taux_retour=0.6,  # 3 / 5
        nb_salaries=5,  # A 2 + B 1 + E 2 (C, D: no return)
        nb_entrees=4,  # 1 + 1 + 2
        nb_sorties=3,  # 1 + 0 + 2
        etp_conventionnes=8.5,  # 2.5 + 1.0 + 1.0 + 3.0 + 1.0
        etp_insertion=3.45,  # 1.5 + 0.75 + 1.2
        taux_realisation_etp=3.45 / 4.5,  # over the SIAE with a salaries return: 2.5 + 1.0 + 1.0 = 4.5
        taux_sortie_dynamique=0.5,  # (1 + 0 + 0) / (3 - 1 neutral)
        taux_emploi_durable=0.0,  # 0 / 2
        part_femmes=0.6,  # (1 + 1 + 1) / 5
        part_rsa=0.6,  # (1 + 1 + 1) / 5
        etp_permanents=5.9,  # A (1.5 + 184/366) + B 2.0 + C 1.4 + E 182/366 = 1.5 + 1 + 2.0 + 1.4
        etp_encadrement=2.9,  # A (0.5 + 184/366) + B 1.0 + C 0.4 + E 182/366 = 0.5 + 1 + 1.0 + 0.4
        chiffre_affaires=525000.0,  # 150000 + 250000 + 45000 + 80000
        financement_public=182000.0,  # 80000 + 50000 + 32000 + 20000
        ratio_public_ca=182000 / 525000,  # 0.3467
        fonds_propres_pct_ca=83000 / 525000,  # (30000 + 50000 - 5000 + 8000) / 525000 = 0.1581
        nb_retours_salaries=3, nb_retours_finances=4,
        nb_sorties_dynamiques=1, nb_sorties_emploi_durable=0, nb_sorties_neutres=1, nb_femmes=3, nb_rsa=3,
    ),
    (2024, "TOUS", "ACI"): dict(  # A, D
        nb_siae=2, nb_retours_complets=1,  # A
        taux_retour=0.5,
        nb_salaries=2, nb_entrees=1, nb_sorties=1,  # A only
        etp_conventionnes=5.5,  # 2.5 + 3.0
        etp_insertion=1.5,
        taux_realisation_etp=0.6,  # 1.5 / 2.5 (D sent no salaries return)
        taux_sortie_dynamique=1.0,  # 1 / 1
        taux_emploi_durable=0.0,
        part_femmes=0.5, part_rsa=0.5,
        etp_permanents=1.5 + 184 / 366,
        etp_encadrement=0.5 + 184 / 366,
        chiffre_affaires=150000.0, financement_public=80000.0,
        ratio_public_ca=80000 / 150000,
        fonds_propres_pct_ca=0.2,  # 30000 / 150000
        nb_retours_salaries=1, nb_retours_finances=1,
        nb_sorties_dynamiques=1, nb_sorties_emploi_durable=0, nb_sorties_neutres=0, nb_femmes=1, nb_rsa=1,
    ),
    (2024, "SUD", "TOUS"): dict(  # B, C
        nb_siae=2, nb_retours_complets=1,  # B
        taux_retour=0.5,
        nb_salaries=1, nb_entrees=1, nb_sorties=0,  # B only (C: no salaries return)
        etp_conventionnes=2.0,  # 1.0 + 1.0
        etp_insertion=0.75,
        taux_realisation_etp=0.75,  # 0.75 / 1.0 (B's etp_conventionnes only)
        taux_sortie_dynamique=None,  # 0 / 0
        taux_emploi_durable=None,
        part_femmes=1.0, part_rsa=1.0,  # 1 / 1
        etp_permanents=3.4,  # 2.0 + 1.4
        etp_encadrement=1.4,  # 1.0 + 0.4
        chiffre_affaires=295000.0,  # 250000 + 45000
        financement_public=82000.0,  # 50000 + 32000
        ratio_public_ca=82000 / 295000,  # 0.2780
        fonds_propres_pct_ca=45000 / 295000,  # (50000 - 5000) / 295000 = 0.1525
        nb_retours_salaries=1, nb_retours_finances=2,
        nb_sorties_dynamiques=0, nb_sorties_emploi_durable=0, nb_sorties_neutres=0, nb_femmes=1, nb_rsa=1,
    ),
    (2024, "OUEST", "ACI"): dict(  # D, no return at all
        nb_siae=1, nb_retours_complets=0,
        taux_retour=0.0,
        nb_salaries=None, nb_entrees=None, nb_sorties=None,
        etp_conventionnes=3.0,
        etp_insertion=None,
        taux_realisation_etp=None,
        taux_sortie_dynamique=None, taux_emploi_durable=None,
        part_femmes=None, part_rsa=None,
        etp_permanents=None, etp_encadrement=None,
        chiffre_affaires=None, financement_public=None,
        ratio_public_ca=None, fonds_propres_pct_ca=None,
        nb_retours_salaries=0, nb_retours_finances=0,
        nb_sorties_dynamiques=None, nb_sorties_emploi_durable=None, nb_sorties_neutres=None, nb_femmes=None,
        nb_rsa=None,
    ),
    (2024, "NORD", "ETTI"): dict(  # E
        nb_siae=1, nb_retours_complets=1,
        taux_retour=1.0,
        nb_salaries=2, nb_entrees=2, nb_sorties=2,
        etp_conventionnes=1.0,
        etp_insertion=1.2,
        taux_realisation_etp=1.2,
        taux_sortie_dynamique=0.0,  # 0 / (2 - 1)
        taux_emploi_durable=0.0,
        part_femmes=0.5, part_rsa=0.5,
        etp_permanents=182 / 366, etp_encadrement=182 / 366,
        chiffre_affaires=80000.0, financement_public=20000.0,
        ratio_public_ca=0.25, fonds_propres_pct_ca=0.1,
        nb_retours_salaries=1, nb_retours_finances=1,
        nb_sorties_dynamiques=0, nb_sorties_emploi_durable=0, nb_sorties_neutres=1, nb_femmes=1, nb_rsa=1,
    ),
}


def test_indicateurs_territoire_levels(con):
    keys = con.sql("select annee, bassin, type_siae from indicateurs_territoire order by all").fetchall()
    expected = []
    detail = {2022: [("NORD", "ACI"), ("SUD", "EI")],
              2023: [("NORD", "ACI"), ("NORD", "ETTI"), ("SUD", "AI"), ("SUD", "EI")],
              2024: [("NORD", "ACI"), ("NORD", "ETTI"), ("OUEST", "ACI"), ("SUD", "AI"), ("SUD", "EI")]}
    for annee, pairs in detail.items():
        basins = {b for b, _ in pairs}
        types = {t for _, t in pairs}
        expected += [(annee, b, t) for b, t in pairs]
        expected += [(annee, b, "TOUS") for b in basins] + [(annee, "TOUS", t) for t in types]
        expected.append((annee, "TOUS", "TOUS"))
    assert keys == sorted(expected)


@pytest.mark.parametrize("key", list(EXPECTED_TERRITOIRE), ids=lambda k: "-".join(map(str, k)))
def test_indicateurs_territoire_row(con, key):
    annee, bassin, type_siae = key
    actual = rows(con, "select * from indicateurs_territoire where annee = $annee and bassin = $bassin "
                       "and type_siae = $type_siae", dict(annee=annee, bassin=bassin, type_siae=type_siae))
    assert len(actual) == 1
    expected = dict(annee=annee, bassin=bassin, type_siae=type_siae, **EXPECTED_TERRITOIRE[key])
    assert set(actual[0]) == set(expected), set(actual[0]) ^ set(expected)
    assert actual[0] == approx_row(expected)


# ---- the page marts ----

def test_publics_repartition(con):
    actual = con.sql("select dimension, modalite, libelle, nb_salaries from publics_repartition "
                     "where annee = 2022 and siret = $s order by dimension, rang", params={"s": A}).fetchall()
    assert actual == [
        ("difficulte", "LOGEMENT", "Logement", 1),  # A01
        ("difficulte", "SANTE", "Santé", 1),  # A03
        ("difficulte", "MOBILITE", "Mobilité", 1),  # A01
        ("orientation", "FRANCE_TRAVAIL", "France Travail (ex-Pôle emploi, ex-ANPE)", 1),  # A01
        ("orientation", "MISSION_LOCALE", "Mission locale", 1),  # A02
        ("orientation", "DEPARTEMENT", "Département", 1),  # A03
        ("sexe", "F", "Femme", 1),
        ("sexe", "M", "Homme", 2),
        ("statut_entree", "RSA", "Bénéficiaire du RSA (ex-RMI/API)", 2),  # A01, A03
        ("statut_entree", "JEUNE_SANS_QUALIFICATION", "Jeune sans qualification", 1),
        ("tranche_age", "MOINS_26", "Moins de 26 ans", 1),  # A02 22
        ("tranche_age", "26_49", "26 à 49 ans", 1),  # A01 32
        ("tranche_age", "50_PLUS", "50 ans et plus", 1),  # A03 53
        ("type_contrat", "CDDI", "CDD d'insertion", 3),
    ]
    bassin, type_siae = con.sql("select distinct bassin, type_siae from publics_repartition where siret = $s",
                                params={"s": A}).fetchall()[0]
    assert (bassin, type_siae) == ("NORD", "ACI")


def test_sorties_par_categorie(con):
    actual = con.sql("select siret, categorie, motif_sortie, dynamique, nb_sorties from sorties_par_categorie "
                     "where annee = 2024 order by siret, motif_sortie").fetchall()
    assert actual == [
        (A, "EMPLOI_TRANSITION", "CDD_MOINS_6_MOIS", True, 1),  # A04
        (E, "NEUTRE", "DEMENAGEMENT", False, 1),  # E02
        (E, "AUTRE_SORTIE", "RUPTURE", False, 1),  # E03
    ]


def test_financement_par_financeur(con):
    actual = con.sql("select financeur, montant from financement_par_financeur "
                     "where annee = 2024 and siret = $s order by rang", params={"s": A}).fetchall()
    assert actual == [("aides_etat", 70000.0), ("aides_departement", 0.0), ("aides_region", 5000.0),
                      ("aides_communes", 5000.0), ("fse", 0.0), ("autres_aides_publiques", 0.0)]
    # no finances return: no row (B 2023)
    assert con.sql("select count(*) from financement_par_financeur where annee = 2023 and siret = $s",
                   params={"s": B}).fetchall() == [(0,)]


def test_personnel_par_fonction(con):
    actual = rows(con, "select fonction, statut, niveau_diplome, formation_suivie, nb_personnes, etp_permanents "
                       "from personnel_par_fonction where annee = 2023 and siret = $s order by fonction, statut",
                  {"s": A})
    assert actual == [
        approx_row(dict(fonction="ACCOMPAGNATEUR_SOCIOPRO", statut="CDD", niveau_diplome=5, formation_suivie=True,
                        nb_personnes=1, etp_permanents=137.5 / 365)),  # AP4 17.5/35 x 275/365
        approx_row(dict(fonction="ADMINISTRATIF", statut="BENEVOLE", niveau_diplome=None, formation_suivie=None,
                        nb_personnes=1, etp_permanents=0.0)),  # AP3 volunteer: 0 ETP
        approx_row(dict(fonction="DIRECTION", statut="CDI", niveau_diplome=6, formation_suivie=False,
                        nb_personnes=1, etp_permanents=1.0)),  # AP1
        approx_row(dict(fonction="ENCADRANT_TECHNIQUE", statut="CDI", niveau_diplome=4, formation_suivie=True,
                        nb_personnes=1, etp_permanents=90 / 365)),  # AP2 until 2023-03-31
    ]


def test_offre_par_bassin(con):
    actual = con.sql("select bassin, bassin_libelle, type_siae, nb_siae, nb_communes, etp_conventionnes "
                     "from offre_par_bassin where annee = 2024 order by bassin, type_siae").fetchall()
    assert actual == [
        ("NORD", "Nord", "ACI", 1, 1, 2.5),
        ("NORD", "Nord", "ETTI", 1, 1, 1.0),
        ("OUEST", "Ouest", "ACI", 1, 1, 3.0),
        ("SUD", "Sud", "AI", 1, 1, 1.0),
        ("SUD", "Sud", "EI", 1, 1, 1.0),
    ]


# ---- inventory: every mart column has its words in the catalogue ----

def test_every_mart_column_is_in_the_catalogue(con):
    from warehouse import catalogue
    from warehouse.build import SQL_DIR

    marts = sorted(p.stem for p in (SQL_DIR / "marts").glob("*.sql"))
    assert sorted(catalogue.VIEWS) == marts
    missing = {}
    for view in marts:
        for col in con.sql(f"select * from {view} limit 0").columns:
            if col not in catalogue.COLUMNS:
                missing.setdefault(view, []).append(col)
            elif col in catalogue.INDICATORS and view not in catalogue.INDICATORS[col].views:
                missing.setdefault(view, []).append(f"{col} (view not listed)")
    assert not missing
    claimed = {(i.name, v) for i in catalogue.INDICATORS.values() for v in i.views}
    present = {(c, v) for v in marts for c in con.sql(f"select * from {v} limit 0").columns}
    assert claimed <= present, claimed - present


def test_catalogue_formats_are_known():
    from warehouse import catalogue

    assert {c.unit for c in catalogue.COLUMNS.values()} <= set(catalogue.UNITS)
    assert catalogue.label("taux_sortie_dynamique") == "Taux de sortie dynamique"
    assert catalogue.fmt("ratio_public_ca") == "pourcentage"
    assert catalogue.label("annee") == "Année"
