"""Statistical secrecy: the primary rules by hand, the audit on random warehouses, the command.

The attacker that reads the pages as a committee member or a structure would is in
tests/test_secret_attaques.py; here are the defence's own checks.
"""

from __future__ import annotations

import random
import subprocess
import sys

import polars as pl
import pytest
from conftest import ROOT, fixture_warehouse
from entrepot_secret import Siae, aleatoire, ecrire, personne

from warehouse import publication, secret_audit, settings
from warehouse.diffusion import SelectionNonPubliee, cellule
from warehouse.scope import Filters

CONF = settings.load()


def _gens(n: int, femmes: int = 0, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    people = [personne(rng, 2025) for _ in range(n)]
    for i, p in enumerate(people):
        p["sexe"] = "F" if i < femmes else "M"
    return people


def _accounts(ca: float, fonds_propres: float | None = None) -> dict:
    return {"chiffre_affaires": ca, "aides": {"ETAT": ca / 4}, "fonds_propres": fonds_propres}


@pytest.fixture(scope="module")
def main_faite(tmp_path_factory):
    """NORD: 3 ACI (6, 7, 8 employees; accounts, one equity), 1 EI (3 employees, accounts).
    SUD: 4 ACI (10 employees each; one holds 90 % of the turnover), 3 EI (12 each)."""
    siaes = [
        Siae("10000000000001", "NORD", "ACI", _gens(6, 3), finances=_accounts(100_000, 20_000)),
        Siae("10000000000002", "NORD", "ACI", _gens(7, 3), finances=_accounts(120_000)),
        Siae("10000000000003", "NORD", "ACI", _gens(8, 4), finances=_accounts(140_000)),
        Siae("10000000000004", "NORD", "EI", _gens(3, 1), finances=_accounts(300_000)),
        Siae("20000000000001", "SUD", "ACI", _gens(10, 5), finances=_accounts(9_000_000)),
        *[Siae(f"2000000000000{i}", "SUD", "ACI", _gens(10, 5), finances=_accounts(330_000)) for i in (2, 3, 4)],
        *[Siae(f"2100000000000{i}", "SUD", "EI", _gens(12, 6), finances=_accounts(200_000)) for i in (1, 2, 3)],
    ]
    return ecrire(tmp_path_factory.mktemp("main") / "w.duckdb", siaes)


def _raison(pub, famille, bassin, type_siae, modalite=publication.SANS_MODALITE):
    c = pub.cellules.filter(pl.col("famille") == famille, pl.col("bassin") == bassin,
                            pl.col("type_siae") == type_siae, pl.col("modalite") == modalite)
    assert c.height == 1, (famille, bassin, type_siae, modalite)
    return c["raison"][0]


def test_primary_rules_computed_by_hand(main_faite):
    contrib = publication.contributions(main_faite, 2025)
    pub = publication.Publication(2025, publication.primaire(
        publication.cellules(contrib, publication.declarants(main_faite, 2025)), CONF))
    # 3 employees in NORD x EI: fewer than 5 persons; its turnover: one structure
    assert _raison(pub, "nb_salaries", "NORD", "EI") == "secret statistique : moins de 5 personnes"
    assert _raison(pub, "chiffre_affaires", "NORD", "EI") == "secret statistique : moins de 3 structures"
    # SUD x ACI: 4 structures but one holds 9,000,000 / 9,990,000 = 90 % > 85 % of the turnover
    assert _raison(pub, "chiffre_affaires", "SUD", "ACI") == \
        "secret statistique : une structure représente plus de 85 % du montant"
    assert _raison(pub, "nb_salaries", "SUD", "ACI") is None  # 40 persons over 4 structures
    # NORD x ACI has 3 sets of accounts but one equity: the equity ratio is over one structure
    assert _raison(pub, "fonds_propres_ca_connu", "NORD", "ACI") == "secret statistique : moins de 3 structures"
    assert _raison(pub, "chiffre_affaires", "NORD", "ACI") is None
    # SUD x EI: 36 employees in 3 structures of 12: published, and so is the women count (18)
    assert _raison(pub, "publics:sexe", "SUD", "EI", "F") is None
    reasons = pub.raisons_territoire().filter(pl.col("bassin") == "NORD", pl.col("type_siae") == "ACI").row(0, named=True)
    assert reasons["_secret_fonds_propres_pct_ca"] == "secret statistique : calculé à partir d'une case masquée"
    assert reasons["_secret_ratio_public_ca"] is None


def test_hiding_a_cell_hides_what_gives_it_back(main_faite):
    """NORD x EI (3 employees) is hidden: NORD's total minus NORD x ACI would give it back, so
    one of them is hidden too, and the audit finds nothing exposed for any reader."""
    pub = publication.publication(main_faite, 2025)
    assert _raison(pub, "nb_salaries", "NORD", "TOUS") is not None or _raison(pub, "nb_salaries", "NORD", "ACI") \
        is not None
    contrib = publication.contributions(main_faite, 2025)
    assert secret_audit.exposees(pub.cellules, contrib, CONF).is_empty()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_warehouses_expose_nothing_and_do_without_prior_knowledge(tmp_path, seed):
    """The audit's own verdict on random departments; and protecting against a reader who
    knows nothing is not enough: committees and structures then narrow hidden cells."""
    con = ecrire(tmp_path / "w.duckdb", aleatoire(seed, n=16))
    contrib = publication.contributions(con, 2025)
    pub = publication.publication(con, 2025)
    assert secret_audit.exposees(pub.cellules, contrib, CONF).is_empty()
    naive = publication.publication(con, 2025, connaissances=False)
    found = secret_audit.exposees(naive.cellules, contrib, CONF)
    assert found.height > 0 and set(found["lecteur"].str.split(" ").list.first()) - {"public"}


def test_a_restricted_selection_is_one_basin_or_all_and_one_type_or_all():
    assert cellule(Filters(2025)) == ("TOUS", "TOUS")
    assert cellule(Filters(2025, types=("ACI",), bassins=("SUD",))) == ("SUD", "ACI")
    with pytest.raises(SelectionNonPubliee, match="au plus un bassin et un type"):
        cellule(Filters(2025, bassins=("NORD", "SUD")))


def test_audit_command_reports_in_french(tmp_path):
    link = fixture_warehouse(tmp_path)
    out = subprocess.run([sys.executable, "-m", "warehouse", "audit-secret", "--db", str(link)],
                         capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Running HiGHS" not in out.stdout + out.stderr
    assert "cases publiables" in out.stdout and "Secret statistique vérifié : aucune case exposée." in out.stdout
