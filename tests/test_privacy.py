"""Erasing a person everywhere, old versions included, and the retention limit."""

from __future__ import annotations

import subprocess
import sys

import duckdb

from conftest import CONVENTIONS, PERSONNEL, ROOT, SALARIES, SIRET_A, write_csv
from loaders.load import load_files
from warehouse.db import list_versions
from warehouse.privacy import apply_retention


def _count_everywhere(db, where: str) -> list[int]:
    counts = []
    for v in list_versions(db):
        con = duckdb.connect(str(v.path), read_only=True)
        counts.append(con.sql(f"select count(*) from raw_salaries_insertion where {where}").fetchall()[0][0]
                      + con.sql(f"select count(*) from raw_personnel_permanent where {where}").fetchall()[0][0])
        con.close()
    return counts


def test_erase_a_person_in_every_version_from_the_command_line(tmp_path, db):
    load_files([write_csv(tmp_path / "c.csv", *CONVENTIONS)], db)
    load_files([write_csv(tmp_path / "s.csv", *SALARIES)], db)
    rows = [list(SALARIES[1][0])]
    rows[0][10] = "500"
    load_files([write_csv(tmp_path / "s2.csv", SALARIES[0], rows)], db)  # a later version, S001 again
    assert _count_everywhere(db, "identifiant = 'S001'") == [0, 1, 1]
    out = subprocess.run([sys.executable, "-m", "warehouse", "erase", "--siret", SIRET_A, "--identifiant", "S001",
                          "--db", str(db)], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ("1 ligne(s) effacée(s) dans la version en service ; 3 version(s) réécrite(s) "
                                  "sans cette personne.")
    assert _count_everywhere(db, "identifiant = 'S001'") == [0, 0, 0]
    # The aggregates were recomputed without the person.
    con = duckdb.connect(str(list_versions(db)[-1].path), read_only=True)
    assert con.sql("select nb_salaries from indicateurs_siae where siret = $s", params={"s": SIRET_A}).fetchall() == [
        (0,)]
    con.close()


def test_retention_erases_old_person_rows_only(tmp_path, db):
    old = [list(r) for r in PERSONNEL[1]]
    for r in old:
        r[0], r[10] = 2014, "01/01/2010"
    results = load_files([write_csv(tmp_path / "p_old.csv", PERSONNEL[0], old),
                          write_csv(tmp_path / "p.csv", *PERSONNEL)], db)
    assert [r.status for r in results] == ["loaded", "loaded"]
    done = apply_retention(db, keep_years=10, this_year=2026)  # keeps 2016 onwards
    assert done.rows == 2
    assert _count_everywhere(db, "annee = 2014") == [0]
    assert _count_everywhere(db, "annee = 2024") == [2]


def test_audit_log_records_loads_restores_and_erasures(tmp_path, db):
    from warehouse import audit

    load_files([write_csv(tmp_path / "s.csv", *SALARIES)], db, user="agent.ddets")
    subprocess.run([sys.executable, "-m", "warehouse", "erase", "--siret", SIRET_A, "--identifiant", "S002",
                    "--db", str(db)], cwd=ROOT, check=True, capture_output=True)
    audit.path_for(db).open("a").write('{"cut by a cra')  # a crash mid-line must not hide the rest
    log = audit.read(db)
    assert log["evenement"].to_list() == ["Effacement de données individuelles", "Chargement de fichiers"]
    assert log["utilisateur"][1] == "agent.ddets"
    assert log["details"][1] == "fichiers : 1, acceptes : 1, refuses : 0"
