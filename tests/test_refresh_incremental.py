"""A load recomputes only the mart rows of the years it touched (warehouse.build.refresh with
`annees`); after any sequence of loads, replacements, refused files and restores, the marts
must equal a full rebuild, row for row (`except all` both ways)."""

from __future__ import annotations

import random
import shutil
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from conftest import FIXTURE_DIR
from loaders.load import load_files
from warehouse import build
from warehouse.db import connect_read, current_file, list_versions, restore

MARTS = sorted(f.stem for f in (build.SQL_DIR / "marts").glob("*.sql"))


def _groups(name: str) -> tuple[str, dict[tuple[str, str], list[str]]]:
    """A fixture file's header, and its rows by (annee, siret): one return each."""
    head, *rows = (FIXTURE_DIR / name).read_text(encoding="utf-8").splitlines()
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in rows:
        annee, siret = r.split(";")[:2]
        out[(annee, siret)].append(r)
    return head, out


def _mutated(rng: random.Random, name: str, rows: list[str]) -> list[str]:
    """The same return, corrected: another turnover, or fewer persons."""
    if name == "finances.csv":
        cells = rows[0].split(";")
        cells[2] = str(rng.choice([-20000, 0, 35000, 90000, 400000]))  # chiffre_affaires
        cells[9] = str(rng.choice([-5000, 0, 12000]))  # fonds_propres
        return [";".join(cells)]
    if len(rows) > 1 and name in ("salaries_insertion.csv", "personnel_permanent.csv"):
        return rng.sample(rows, rng.randint(1, len(rows) - 1))
    return rows


def _write(folder: Path, stem: str, name: str, rows: list[str]) -> Path:
    path = folder / f"{stem}_{name}"
    path.write_text("\n".join([_groups(name)[0], *rows]) + "\n", encoding="utf-8")
    return path


def _first_load(rng: random.Random, link: Path, folder: Path) -> list[tuple[str, tuple[str, str]]]:
    """Every fixture file but a few returns held back to arrive late; the returns held back."""
    late, paths = [], []
    for name in sorted(p.name for p in FIXTURE_DIR.glob("*.csv")):
        _, groups = _groups(name)
        held = set(rng.sample(sorted(groups), rng.randint(0, 3))) if name != "conventions.csv" else set()
        late += [(name, k) for k in sorted(held)]
        paths.append(_write(folder, "00", name, [r for k, rows in sorted(groups.items()) if k not in held
                                                 for r in rows]))
    load_files(paths, link, user="tests")
    return late


def _step(rng: random.Random, link: Path, folder: Path, i: int, late: list) -> str:
    """One thing an officer does: a late return, a corrected one, a refused file, a restore."""
    if rng.random() < 0.15:
        number = rng.choice(list_versions(link)).number
        restore(link, number)
        return f"restauration de la version {number}"
    if late and rng.random() < 0.4:
        name, key = late.pop(rng.randrange(len(late)))
        _write(folder, f"{i:02d}", name, _groups(name)[1][key])
        what = f"retour en retard {name} {'/'.join(key)}"
    else:
        name = rng.choice(["finances.csv", "finances.csv", "salaries_insertion.csv", "personnel_permanent.csv",
                           "structure.csv", "conventions.csv"])
        key = rng.choice(sorted(_groups(name)[1]))
        rows = _mutated(rng, name, _groups(name)[1][key])
        if name == "finances.csv" and rng.random() < 0.2:
            rows = [rows[0].replace(rows[0].split(";")[2], "beaucoup", 1)]  # refused: its return noted so
        _write(folder, f"{i:02d}", name, rows)
        what = f"correction {name} {'/'.join(key)}"
    load_files([folder / f"{i:02d}_{name}"], link, user="tests", confirmer=True)
    return what


def _differences(link: Path, folder: Path) -> dict[str, tuple[int, int]]:
    """Per mart, (rows only in the stored marts, rows only in a full rebuild) of the current version.
    Doubles are compared to 1e-9: a parallel sum adds in any order, so two full rebuilds of the
    same data may already differ in the last bit."""
    copy = folder / "rebuilt.duckdb"
    shutil.copyfile(current_file(link), copy)
    con = duckdb.connect(str(copy))
    try:
        build.refresh(con)
        con.execute(f"attach '{current_file(link)}' as stored (read_only)")
        out = {}
        for m in MARTS:
            cols = ", ".join(f"round({r[0]}, 9)" if r[1] in ("DOUBLE", "FLOAT") else r[0]
                             for r in con.sql(f"describe {m}").fetchall())
            only = [con.sql(f"select count(*) from (select {cols} from {a}.{m} except all select {cols} from {b}.{m})")
                    .fetchall()[0][0] for a, b in (("stored", "main"), ("main", "stored"))]
            if only != [0, 0]:
                out[m] = tuple(only)
        return out
    finally:
        con.close()
        copy.unlink()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_marts_equal_a_full_rebuild(tmp_path, seed):
    rng = random.Random(seed)
    link = tmp_path / "wh" / "iae.duckdb"
    late = _first_load(rng, link, tmp_path)
    history = [f"premier chargement sans {late}"]
    for i in range(1, 11):
        history.append(_step(rng, link, tmp_path, i, late))
        assert _differences(link, tmp_path) == {}, history


def test_a_late_return_touches_its_year_and_the_two_after(tmp_path):
    link = tmp_path / "wh" / "iae.duckdb"
    load_files(sorted(FIXTURE_DIR.glob("*.csv")), link, user="tests")
    head, groups = _groups("finances.csv")
    (annee, siret), rows = next(iter(sorted(groups.items())))
    late = tmp_path / "finances_corrigees.csv"
    late.write_text("\n".join([head, rows[0].replace(";100000;", ";100001;", 1)]) + "\n", encoding="utf-8")
    con = connect_read(link)
    last = con.sql("select max(load_id) from load_log").fetchall()[0][0]
    con.close()
    [result] = load_files([late], link, user="tests")
    assert result.status == "loaded" and result.replaced == 1
    con = connect_read(link)
    try:
        assert build.years_touched(con, last + 1) == {int(annee)} == {2022}
        ca = con.sql("select chiffre_affaires from indicateurs_siae where annee = 2022 and siret = ?",
                     params=[siret]).fetchall()
    finally:
        con.close()
    assert ca == [(100001,)]
