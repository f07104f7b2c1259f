"""The copy of the current version made ahead for the next write (warehouse.db.copy_ahead).

What could go wrong, written first: a write starting from a copy that is not the current
version (an older one, a copy cut short, a copy made before an erasure), so that data
comes back or goes missing. Each test plants one of those and checks the write does not use it.
"""

from __future__ import annotations

import filecmp
import time

import duckdb

from conftest import CONVENTIONS, SALARIES, SIRET_A, query, write_csv
from loaders.load import LOADED, load_files
from warehouse import db as wdb
from warehouse.privacy import erase_person


def _spare_of_current(link, timeout: float = 30.0):
    """The finished copy ahead of the current version (the copier runs detached)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        spare = wdb.spare_of(wdb.current_file(link))
        if spare.exists():
            return spare
        time.sleep(0.05)
    raise AssertionError("aucune copie d'avance de la version en service")


def _no_copy(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the write copied the version instead of taking the copy made ahead")
    monkeypatch.setattr(wdb.shutil, "copyfile", refuse)


def test_a_load_leaves_a_copy_of_the_new_version_and_the_next_load_takes_it(tmp_path, db, monkeypatch):
    load_files([write_csv(tmp_path / "c.csv", *CONVENTIONS)], db)
    spare = _spare_of_current(db)
    assert filecmp.cmp(spare, wdb.current_file(db), shallow=False)
    _no_copy(monkeypatch)
    [r] = load_files([write_csv(tmp_path / "s.csv", *SALARIES)], db)
    assert r.status == LOADED
    assert not spare.exists()  # taken: it became the new version
    assert query(db, "select count(*) from raw_conventions") == [(2,)]  # what the copy held is there
    assert query(db, "select count(*) from raw_salaries_insertion") == [(2,)]
    assert filecmp.cmp(_spare_of_current(db), wdb.current_file(db), shallow=False)


def test_a_copy_of_another_version_or_cut_short_is_never_used(tmp_path, db):
    load_files([write_csv(tmp_path / "c.csv", *CONVENTIONS)], db)
    _spare_of_current(db)
    load_files([write_csv(tmp_path / "s.csv", *SALARIES)], db)
    _spare_of_current(db)
    folder = wdb.versions_dir(db)
    older, current = wdb.list_versions(db)[0], wdb.current_file(db)
    # A stale copy of the older version (garbage inside), and a copy of the current one cut short.
    stale = wdb.spare_of(older.path)
    stale.write_bytes(b"not a warehouse")
    cut = wdb.spare_of(current)
    cut.unlink()
    (folder / (cut.name + ".partielle12345")).write_bytes(b"half")
    [r] = load_files([write_csv(tmp_path / "s2.csv", SALARIES[0], SALARIES[1][:1])], db)
    assert r.status == LOADED
    assert query(db, "select count(*) from raw_conventions") == [(2,)]
    assert not stale.exists()
    assert not (folder / (cut.name + ".partielle12345")).exists()


def test_a_restore_starts_from_the_version_restored_not_from_the_copy_ahead(tmp_path, db):
    load_files([write_csv(tmp_path / "c.csv", *CONVENTIONS)], db)
    load_files([write_csv(tmp_path / "s.csv", *SALARIES)], db)
    _spare_of_current(db)
    wdb.restore(db, 1)
    assert query(db, "select count(*) from raw_salaries_insertion") == [(0,)]


def test_an_erased_person_does_not_come_back_through_the_copy_ahead(tmp_path, db):
    """The attacker: the copy ahead was made before the erasure; a later load must not start
    from it, or the person erased everywhere is back in the current version."""
    load_files([write_csv(tmp_path / "c.csv", *CONVENTIONS)], db)
    load_files([write_csv(tmp_path / "s.csv", *SALARIES)], db)
    _spare_of_current(db)
    erase_person(db, SIRET_A, "S001")
    load_files([write_csv(tmp_path / "c2.csv", CONVENTIONS[0], [[2025, *CONVENTIONS[1][0][1:]]])], db)
    assert query(db, "select count(*) from raw_salaries_insertion where identifiant = 'S001'") == [(0,)]
    assert query(db, "select count(*) from raw_conventions") == [(3,)]


def test_the_copy_ahead_waits_while_a_write_holds_the_lock(tmp_path, db):
    """A copy made while a write runs could catch a version half written (privacy rewrites
    version files in place): the copier waits for the writer lock, shared."""
    load_files([write_csv(tmp_path / "c.csv", *CONVENTIONS)], db)
    spare = _spare_of_current(db)
    with wdb.writer_lock(db):
        wdb.discard_spares(db)
        proc = wdb.copy_ahead(db)
        time.sleep(1.0)
        assert proc.poll() is None and not list(spare.parent.glob(f"*{wdb.SPARE_SUFFIX}*"))
    assert proc.wait(timeout=30) == 0
    assert filecmp.cmp(spare, wdb.current_file(db), shallow=False)


def test_a_version_changed_in_place_after_its_copy_ahead_is_copied_again(tmp_path, db):
    """A version file written outside a load (an old warehouse upgraded by hand, a backup copied
    back over it) no longer matches the copy made ahead: the next write copies it afresh."""
    load_files([write_csv(tmp_path / "c.csv", *CONVENTIONS)], db)
    _spare_of_current(db)
    con = duckdb.connect(str(wdb.current_file(db)))
    con.execute("insert into meta values ('ajoute_a_la_main', 'oui')")
    con.close()
    load_files([write_csv(tmp_path / "s.csv", *SALARIES)], db)
    assert query(db, "select value from meta where key = 'ajoute_a_la_main'") == [("oui",)]


def test_a_load_that_changes_nothing_still_leaves_a_copy_for_the_next(tmp_path, db, monkeypatch):
    """The copy made ahead is taken, then thrown away with the version when every file was
    already loaded as is: a new one is made, or the next load would copy for itself."""
    conventions = write_csv(tmp_path / "c.csv", *CONVENTIONS)
    load_files([conventions], db)
    _spare_of_current(db)
    [r] = load_files([conventions], db)
    assert r.status == "unchanged"
    _spare_of_current(db)
    _no_copy(monkeypatch)
    assert load_files([write_csv(tmp_path / "s.csv", *SALARIES)], db)[0].status == LOADED
