"""A load recomputes only the mart rows it can change (warehouse.build.refresh with `changes`:
the marts that read what it wrote, the years it touched, the SIAE it touched); after any
sequence of loads, replacements, refused files and restores, the marts must equal a full
rebuild, row for row (`except all` both ways)."""

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


@pytest.mark.parametrize("seed, one_by_one", [(1, True), (2, True), (3, False)])
def test_incremental_marts_equal_a_full_rebuild(tmp_path, monkeypatch, seed, one_by_one):
    """`one_by_one`: a load recomputes only its SIAE's rows of the per-SIAE marts (a few SIAE);
    otherwise whole years (many SIAE)."""
    if not one_by_one:
        monkeypatch.setattr(build, "MAX_SIAE_ONE_BY_ONE", 0)
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
        changes = build.changes_since(con, last + 1)
        assert changes.years == {int(annee)} == {2022}
        assert {'raw_finances', 'returns'} <= changes.tables and 'raw_salaries_insertion' not in changes.tables
        ca = con.sql("select chiffre_affaires from indicateurs_siae where annee = 2022 and siret = ?",
                     params=[siret]).fetchall()
    finally:
        con.close()
    assert ca == [(100001,)]


def test_a_mart_is_recomputed_only_after_a_load_of_what_it_reads():
    reads = build.tables_read()
    assert "raw_finances" in reads["indicateurs_siae"] and "raw_finances" in reads["points_attention"]
    # through indicateurs_territoire, which reads indicateurs_siae
    assert {"raw_finances", "raw_salaries_insertion", "returns"} <= reads["densite_territoire"]
    assert {"raw_objectifs", "load_log"} <= reads["suivi_objectifs"]
    # a late finances return leaves the salaried people's distributions alone
    assert "raw_finances" not in reads["publics_repartition"] | reads["sorties_par_categorie"]
    assert "raw_salaries_insertion" in reads["publics_repartition"]


def _rows_by_siae(con: duckdb.DuckDBPyConnection, marts: list[str]) -> dict[tuple[str, str], list[tuple]]:
    """Each mart's rows that have a SIAE, by (mart, siret), sorted."""
    out: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for m in marts:
        for row in con.sql(f"select siret, * exclude (siret) from {m} where siret is not null").fetchall():
            out[(m, row[0])].append(row)
    return {k: sorted(v, key=repr) for k, v in out.items()}


# A SIAE's returns changed as much as a return can: turnover x 100, equity deep negative,
# all its people but one gone.
_UPHEAVAL = ["update raw_finances set chiffre_affaires = chiffre_affaires * 100 + 1e6, fonds_propres = -1e6 "
             "where siret = $s",
             "delete from raw_salaries_insertion where siret = $s and rowid not in "
             "(select min(rowid) from raw_salaries_insertion where siret = $s)",
             "delete from raw_personnel_permanent where siret = $s and rowid not in "
             "(select min(rowid) from raw_personnel_permanent where siret = $s)"]


@pytest.mark.parametrize("fixture", ["indicateurs", "points_attention"])
def test_a_per_siae_mart_row_reads_only_its_own_siae(tmp_path, fixture):
    """What PER_SIAE_MARTS declares: upheaving one SIAE's returns changes no other SIAE's rows of
    those marts. The same sweep must see another mart (peer medians) move for other SIAE, or it
    could not catch a mart wrongly declared."""
    link = tmp_path / "wh" / "iae.duckdb"
    load_files(sorted((FIXTURE_DIR.parent / fixture).glob("*.csv")), link, user="tests")
    shutil.copyfile(current_file(link), tmp_path / "base.duckdb")
    with_siret = [m for m in MARTS if m not in {"densite_commune", "densite_territoire", "indicateurs_territoire",
                                                "offre_par_bassin", "suivi_objectifs"}]
    base = duckdb.connect(str(tmp_path / "base.duckdb"), read_only=True)
    before = _rows_by_siae(base, with_siret)
    sirets = [r[0] for r in base.sql("select distinct siret from raw_conventions order by 1").fetchall()]
    base.close()
    seen_moving_elsewhere: set[str] = set()
    for siret in sirets:
        shutil.copyfile(tmp_path / "base.duckdb", tmp_path / "copy.duckdb")
        con = duckdb.connect(str(tmp_path / "copy.duckdb"))
        try:
            for statement in _UPHEAVAL:
                con.execute(statement, {"s": siret})
            build.refresh(con)
            after = _rows_by_siae(con, with_siret)
        finally:
            con.close()
        for (mart, other) in before.keys() | after.keys():
            if other != siret and before.get((mart, other)) != after.get((mart, other)):
                assert mart not in build.PER_SIAE_MARTS, f"{mart} : les lignes de {other} changent avec {siret}"
                seen_moving_elsewhere.add(mart)
    if fixture == "points_attention":
        assert "points_attention" in seen_moving_elsewhere
