"""points_attention against values worked out by hand on tests/fixtures/points_attention/.

The fixture (2024, La Réunion): 10 ACI (NORD 5, SUD 3, OUEST 2), 5 EI (SUD 3, NORD 2), 1 AI
(EST), each with 1 ETP conventionné (Sud Propreté: 0), chiffre d'affaires 100 000 €, public
funding 10 000 € x k (ACI k = 1..10 -> ratio_public_ca 0.1..1.0; EI 0.2, 0.4, 0.6 in SUD,
0.3, 0.5 in NORD). One integration employee: 1607 h = 1 ETP, except Sainte-Clotilde
1205.25 h (0.75) and Ravine Blanche 1928.4 h (1.2). Earlier years: accounts only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from loaders.load import load_files
from warehouse.db import connect_read

FIXTURE = ROOT / "tests" / "fixtures" / "points_attention"

BELLEPIERRE, BUTOR, CLOTILDE, CHAUDRON = "10000001000015", "10000001000023", "10000001000031", "10000001000049"
RAVINE, SAVANNA = "10000001000064", "10000001000106"
BATI_SUD, MENUISERIE, SUD_PROPRETE, NORD_BATIMENT = "10000002000014", "10000002000022", "10000002000030", "10000002000048"
EST = "10000003000013"


def build_fixture(folder: Path) -> Path:
    link = folder / "iae.duckdb"
    results = load_files(sorted(FIXTURE.glob("*.csv")), link, user="tests")
    assert all(r.status == "loaded" for r in results), [(r.name, r.errors) for r in results]
    return link


@pytest.fixture(scope="module")
def link(tmp_path_factory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("points"))


def points(link: Path) -> list[tuple]:
    con = connect_read(link)
    try:
        return con.sql("select annee, siret, raison_sociale, type_siae, bassin, regle, valeur, seuil "
                       "from points_attention order by siret, regle").fetchall()
    finally:
        con.close()


EXPECTED = [
    (2024, BELLEPIERRE, "Jardins de Bellepierre", "ACI", "NORD", "BAISSE_CA",
     -0.5, -0.3),  # 100 000 / 200 000 - 1
    (2024, BELLEPIERRE, "Jardins de Bellepierre", "ACI", "NORD", "FONDS_PROPRES_NEGATIFS_3_ANS",
     -3000.0, 0.0),  # -1000 (2022), -2000 (2023), -3000 (2024): valeur = 2024's
    (2024, CLOTILDE, "Recyclerie de Sainte-Clotilde", "ACI", "NORD", "SOUS_REALISATION_ETP",
     0.75, 0.8),  # 1205.25 h / 1607 = 0.75 ETP for 1 conventionné
    (2024, RAVINE, "Ravine Blanche Nature", "ACI", "SUD", "SUR_REALISATION_ETP",
     1.2, 1.1),  # 1928.4 / 1607 = 1.2
    (2024, SAVANNA, "Savanna Récup", "ACI", "OUEST", "DEPENDANCE_PUBLIQUE",
     1.0, 0.91),  # 10 ACI ratios 0.1..1.0: h = 9 x 0.9 = 8.1 -> 0.9 + 0.1 x (1.0 - 0.9) = 0.91
    (2024, SAVANNA, "Savanna Récup", "ACI", "OUEST", "RETOUR_MANQUANT",
     1.0, None),  # no salaries_insertion return
    (2024, SUD_PROPRETE, "Sud Propreté", "EI", "SUD", "RETOUR_MANQUANT",
     2.0, None),  # no structure, no personnel
    (2024, EST, "Services à domicile de l'Est", "AI", "EST", "RETOUR_MANQUANT",
     4.0, None),  # nothing received
]


def test_every_point_by_hand(link):
    """What does not fire is as much the test as what does:
    - Atelier du Butor: fonds propres -2000 (2023), -3000 (2024) but 2022 empty (NULL): no 3-year rule;
      its sales fell 20 % (100 000 / 125 000 - 1 = -0.2), above -0.30;
    - Sainte-Clotilde: 2023 sales 0, so evolution_ca is NULL: no BAISSE_CA;
    - Sud Propreté: 0 ETP conventionné, taux_realisation_etp NULL: neither ETP rule;
    - Savanna Récup: no salaries return, taux NULL: no ETP rule;
    - EI (5 SIAE with a ratio, fewer than 10): no decile, Sud Propreté's 0.6 does not fire;
    - 2022, 2023: accounts without an agreement are no SIAE of conventions."""
    got = points(link)
    assert [r[:6] for r in got] == [r[:6] for r in EXPECTED]
    for g, e in zip(got, EXPECTED):
        assert g[6] == pytest.approx(e[6], abs=1e-9) and (g[7] == e[7] if e[7] is None
                                                           else g[7] == pytest.approx(e[7], abs=1e-9)), e


def test_thresholds_come_from_the_configuration_and_rebuild_the_marts(tmp_path, monkeypatch, capsys):
    """Stricter settings: sous-réalisation below 0.70 (Sainte-Clotilde's 0.75 no longer fires),
    the decile over at least 11 ACI (only 10: DEPENDANCE_PUBLIQUE disappears). The thresholds
    are in the build fingerprint: `python -m warehouse init` sees the warehouse out of date
    and rebuilds the marts (so would the next load)."""
    from warehouse.__main__ import init

    link = build_fixture(tmp_path)
    before = {(r[1], r[5]) for r in points(link)}
    assert (CLOTILDE, "SOUS_REALISATION_ETP") in before and (SAVANNA, "DEPENDANCE_PUBLIQUE") in before
    init(link)
    assert "déjà à jour" in capsys.readouterr().out
    config = tmp_path / "observatoire.toml"
    config.write_text("[points_attention]\nsous_realisation_etp = 0.70\ndependance_publique_min_siae = 11\n")
    monkeypatch.setenv("IAE_CONFIG", str(config))
    init(link)
    assert "prêt" in capsys.readouterr().out
    after = {(r[1], r[5]) for r in points(link)}
    assert after == before - {(CLOTILDE, "SOUS_REALISATION_ETP"), (SAVANNA, "DEPENDANCE_PUBLIQUE")}
