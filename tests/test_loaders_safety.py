"""Storing safely: replace a return, reload without change, survive a kill, restore a version."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from conftest import CONVENTIONS, FINANCES, ROOT, SALARIES, SIRET_A, query, snapshot, write_csv
from loaders.load import LOADED, UNCHANGED, load_files
from warehouse.db import connect_read, current_file, list_versions, restore


def test_reload_replaces_the_return_and_keeps_the_old_version(tmp_path, db):
    first = write_csv(tmp_path / "v1" / "s.csv", *SALARIES)
    load_files([first], db)
    # The structure sends a corrected return: one person only, different hours.
    rows = [list(SALARIES[1][0])]
    rows[0][10] = "999"
    second = write_csv(tmp_path / "v2" / "s.csv", SALARIES[0], rows)
    [r] = load_files([second], db)
    assert (r.status, r.new, r.replaced) == (LOADED, 0, 1)
    assert query(db, "select identifiant, heures_travaillees from raw_salaries_insertion") == [("S001", 999.0)]
    events = query(db, "select load_id, action, previous_load_id from return_events order by load_id")
    assert events == [(1, "new", None), (2, "replaced", 1)]
    # The replaced return is still in the previous version.
    previous = list_versions(db)[-2]
    import duckdb

    con = duckdb.connect(str(previous.path), read_only=True)
    assert con.sql("select count(*) from raw_salaries_insertion").fetchall() == [(2,)]
    con.close()


def test_identical_file_twice_changes_nothing(tmp_path, db):
    f = write_csv(tmp_path / "c.csv", *CONVENTIONS)
    load_files([f], db)
    versions = list_versions(db)
    before = snapshot(db)
    [r] = load_files([f], db)
    assert (r.status, r.unchanged) == (UNCHANGED, 2)
    assert list_versions(db) == versions  # no new version written at all
    assert snapshot(db) == before


def test_load_log_records_each_file(tmp_path, db):
    good = write_csv(tmp_path / "c.csv", *CONVENTIONS)
    bad = write_csv(tmp_path / "f.csv", FINANCES[0], [[2024, SIRET_A, "abc", *[""] * 9]])
    load_files([good, bad], db, user="agent.ddets")
    log = query(db, "select load_id, file_name, length(checksum), user_name, templates, row_count, status "
                    "from load_log order by load_id")
    assert log == [(1, "c.csv", 64, "agent.ddets", "conventions", 2, "loaded"),
                   (2, "f.csv", 64, "agent.ddets", "finances", 1, "rejected")]
    assert query(db, "select ligne, colonne, valeur from load_problems") == [(2, "chiffre_affaires", "abc")]


def test_reader_keeps_its_version_while_a_load_runs(tmp_path, db):
    load_files([write_csv(tmp_path / "c.csv", *CONVENTIONS)], db)
    reader = connect_read(db)  # as the app holds it
    load_files([write_csv(tmp_path / "s.csv", *SALARIES)], db)
    assert reader.sql("select count(*) from raw_salaries_insertion").fetchall() == [(0,)]
    reader.close()
    assert query(db, "select count(*) from raw_salaries_insertion") == [(2,)]


def test_restore_brings_back_a_previous_version_as_a_new_one(tmp_path, db):
    load_files([write_csv(tmp_path / "c.csv", *CONVENTIONS)], db)
    load_files([write_csv(tmp_path / "s.csv", *SALARIES)], db)
    n = len(list_versions(db))
    restore(db, n - 1)
    assert len(list_versions(db)) == n + 1
    assert query(db, "select count(*) from raw_salaries_insertion") == [(0,)]
    assert query(db, "select count(*) from raw_conventions") == [(2,)]


def test_restore_from_the_command_line(tmp_path, db):
    load_files([write_csv(tmp_path / "c.csv", *CONVENTIONS)], db)
    load_files([write_csv(tmp_path / "s.csv", *SALARIES)], db)
    out = subprocess.run([sys.executable, "-m", "warehouse", "restore", "1", "--db", str(db)], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "Version 1 remise en service" in out.stdout
    assert query(db, "select count(*) from raw_conventions") == [(2,)]
    out = subprocess.run([sys.executable, "-m", "warehouse", "restore", "99", "--db", str(db)], cwd=ROOT,
                         capture_output=True, text=True)
    assert (out.returncode, out.stderr.strip()) == (
        1, "erreur : La version 99 n'existe pas (voir `python -m warehouse versions`).")


KILLER = """
import sys, time
from pathlib import Path
import loaders.load as load
original = load.store_sheet
def slow(*a, **k):
    n = original(*a, **k)
    print("stored", flush=True)
    time.sleep(60)   # the test kills us here, in the middle of the write
    return n
load.store_sheet = slow
load.load_files([Path(sys.argv[1])], Path(sys.argv[2]))
"""


def test_load_killed_midway_leaves_the_warehouse_intact(tmp_path, db):
    load_files([write_csv(tmp_path / "c.csv", *CONVENTIONS)], db)
    before = snapshot(db)
    current = current_file(db)
    f = write_csv(tmp_path / "s.csv", *SALARIES)
    proc = subprocess.Popen([sys.executable, "-c", KILLER, str(f), str(db)], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout.readline().strip() == "stored"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert current_file(db) == current
    assert snapshot(db) == before
    # The next load works and cleans what the killed one left behind.
    time.sleep(0.1)
    [r] = load_files([f], db)
    assert r.status == LOADED
    assert not list(db.parent.glob("*.versions/*.tmp*"))
    assert query(db, "select count(*) from raw_salaries_insertion") == [(2,)]


def test_cli_exit_codes(tmp_path, db):
    good = write_csv(tmp_path / "c.csv", *CONVENTIONS)
    bad = write_csv(tmp_path / "f.csv", FINANCES[0], [[2024, SIRET_A, "abc", *[""] * 9]])

    def run(*args):
        return subprocess.run([sys.executable, "-m", "loaders", *args, "--db", str(db)], cwd=ROOT,
                              capture_output=True, text=True)

    ok = run("load", str(good))
    assert ok.returncode == 0 and "✓ c.csv : chargé" in ok.stdout
    mixed = run("load", str(bad), str(good))
    assert mixed.returncode == 1
    assert ("f.csv, ligne 2, colonne « chiffre_affaires » : valeur « abc » — nombre attendu (par exemple 1 250,50)"
            in mixed.stdout)
    assert "Traceback" not in mixed.stdout + mixed.stderr
    usage = run("load")
    assert usage.returncode == 2 and "arguments obligatoires manquants" in usage.stderr
    assert run("load", str(tmp_path / "absent.csv")).returncode == 2
    assert run("frobnicate").returncode == 2
