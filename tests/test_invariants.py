"""Invariants of the indicator views: each query in sql/checks/ returns the offending rows.

They run on the hand-built fixture and on the bundled seed data (when there is some), and
each one is shown to catch a fault planted in a copy of the fixture warehouse.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import fixture_warehouse
from warehouse.build import SQL_DIR
from warehouse.db import connect_read, current_file

ROOT = Path(__file__).resolve().parent.parent
SEED_RETURNS = ROOT / "seed_data" / "returns"
CHECKS = sorted((SQL_DIR / "checks").glob("*.sql"))


@pytest.fixture(scope="module")
def fixture_link(tmp_path_factory) -> Path:
    from loaders.load import load_files

    link = fixture_warehouse(tmp_path_factory.mktemp("invariants"))  # a copy: faults are planted in it
    # Demand figures, so that densite_commune and densite_territoire have rows to check.
    [r] = load_files([ROOT / "tests" / "fixtures" / "territoires" / "demande_territoire.csv"], link, user="test")
    assert r.status == "loaded"
    return link


@pytest.fixture(scope="module")
def seed_link(tmp_path_factory) -> Path:
    if not SEED_RETURNS.is_dir() or not any(SEED_RETURNS.rglob("*.*")):
        pytest.skip(f"no seed data: {SEED_RETURNS.relative_to(ROOT)} is missing or empty")
    from loaders.load import load_files

    link = tmp_path_factory.mktemp("seed") / "iae.duckdb"
    results = load_files([SEED_RETURNS], link, user="test")
    if not any(r.status == "loaded" for r in results):
        rejected = [r.name for r in results if r.status == "rejected"]
        pytest.skip(f"the seed data does not load: no file loaded, rejected {rejected}")
    return link


@pytest.fixture(params=["fixture", "seed"])
def warehouse(request) -> Path:
    return request.getfixturevalue(f"{request.param}_link")


def offending(con: duckdb.DuckDBPyConnection, check: Path) -> list[tuple]:
    return con.sql(check.read_text()).fetchall()


def test_there_are_checks():
    assert len(CHECKS) >= 8


@pytest.mark.parametrize("check", CHECKS, ids=lambda p: p.stem)
def test_invariant_holds(warehouse, check):
    con = connect_read(warehouse)
    try:
        bad = offending(con, check)
    finally:
        con.close()
    assert bad == [], f"{check.name}: {len(bad)} offending row(s), first ones: {bad[:5]}"


# A check that cannot fail proves nothing: plant one fault per check in a writable copy and
# make sure the check reports it. Each fault replaces a view by a table with one value changed.
PLANTED = {
    "siae_one_row_per_convention": (
        "indicateurs_siae", "select * from _before union all (select * from _before limit 1)"),
    "siae_shares_within_unit_interval": (
        "indicateurs_siae", "select * replace (case when siret = '11111111000016' and annee = 2022 then 1.5 "
                            "else part_femmes end as part_femmes) from _before"),
    "siae_counts_consistent": (
        "indicateurs_siae", "select * replace (case when siret = '22222222000014' and annee = 2024 then 0 "
                            "else nb_salaries end as nb_salaries) from _before"),
    "territoire_shares_within_unit_interval": (
        "indicateurs_territoire", "select * replace (taux_retour * 2 as taux_retour) from _before"),
    "territoire_totals_equal_details": (
        "indicateurs_territoire", "select * replace (case when bassin = 'TOUS' and type_siae = 'TOUS' and "
                                  "annee = 2023 then nb_salaries + 1 else nb_salaries end as nb_salaries) "
                                  "from _before"),
    "territoire_matches_siae": (
        "indicateurs_territoire", "select * replace (case when bassin = 'SUD' and type_siae = 'TOUS' and "
                                  "annee = 2024 then 0.5 else ratio_public_ca end as ratio_public_ca) "
                                  "from _before"),
    "marts_sum_to_siae": (
        "financement_par_financeur", "select * replace (montant * 2 as montant) from _before"),
    "densite_communes_sum_to_bassins": (
        "densite_commune", "select * replace (case when commune_insee = '97411' and annee = 2024 "
                           "then demandeurs_emploi + 1 else demandeurs_emploi end as demandeurs_emploi) from _before"),
    "offre_matches_territoire": (
        "offre_par_bassin", "select * replace (nb_siae + 1 as nb_siae) from _before"),
}


def test_every_check_has_a_planted_fault():
    assert sorted(PLANTED) == sorted(p.stem for p in CHECKS)


@pytest.mark.parametrize("check", CHECKS, ids=lambda p: p.stem)
def test_check_catches_a_planted_fault(fixture_link, tmp_path, check):
    view, faulty = PLANTED[check.stem]
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(current_file(fixture_link), copy)
    con = duckdb.connect(str(copy))
    try:
        assert offending(con, check) == []
        # The marts are materialised as tables (warehouse.build.refresh): swap one for a faulty copy.
        con.execute(f"create table _before as select * from {view}")
        con.execute(f"drop table {view}")
        con.execute(f"create table {view} as {faulty}")
        assert offending(con, check) != []
    finally:
        con.close()
