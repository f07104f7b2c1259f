"""Statistical secrecy: no published cell under the threshold, none recoverable from totals."""

from __future__ import annotations

import random

import polars as pl
import pytest

from warehouse.secrecy import TERRITOIRE, Spec, _relations, protect

SPEC = Spec(dims=("bassin", "type_siae"), persons=("nb",), money=("ca",), structures="n_siae",
            derived={"part": ("nb",)})


def _table(cells: dict[tuple[str, str], tuple[int, float, int]]) -> pl.DataFrame:
    """Detail cells (bassin, type) -> (nb, ca, n_siae); the TOUS margins are summed here."""
    rows = dict(cells)
    for b in {b for b, _ in cells}:
        parts = [v for (bb, _), v in cells.items() if bb == b]
        rows[(b, "TOUS")] = tuple(sum(x) for x in zip(*parts))
    for t in {t for _, t in cells}:
        parts = [v for (_, tt), v in cells.items() if tt == t]
        rows[("TOUS", t)] = tuple(sum(x) for x in zip(*parts))
    rows[("TOUS", "TOUS")] = tuple(sum(x) for x in zip(*cells.values()))
    return pl.DataFrame(
        [{"annee": 2025, "bassin": b, "type_siae": t, "nb": v[0], "ca": float(v[1]), "n_siae": v[2],
          "part": 0.5} for (b, t), v in sorted(rows.items())]
    )


def _cell(df, b, t, col):
    return df.filter((pl.col("bassin") == b) & (pl.col("type_siae") == t))[col][0]


def test_small_count_is_hidden_with_its_neighbours_computed_by_hand():
    df = _table({("NORD", "ACI"): (3, 100, 4), ("NORD", "EI"): (10, 200, 4),
                 ("SUD", "ACI"): (8, 300, 4), ("SUD", "EI"): (12, 400, 4)})
    out = protect(df, SPEC)
    # NORD/ACI = 3 < 5 is hidden; NORD total then gives it away unless NORD/EI is hidden too;
    # then the EI total needs SUD/EI hidden, and the ACI total needs SUD/ACI hidden.
    hidden = {(r["bassin"], r["type_siae"]) for r in out.filter(pl.col("nb").is_null()).to_dicts()}
    assert hidden == {("NORD", "ACI"), ("NORD", "EI"), ("SUD", "ACI"), ("SUD", "EI")}
    assert _cell(out, "NORD", "ACI", "_secret_nb") == "secret statistique : moins de 5 personnes"
    assert _cell(out, "SUD", "EI", "_secret_nb").startswith("secret statistique : masqué pour")
    assert _cell(out, "NORD", "ACI", "part") is None  # a share of a hidden count is hidden too
    assert _cell(out, "TOUS", "TOUS", "nb") == 33
    assert _cell(out, "NORD", "TOUS", "nb") == 13
    assert out["ca"].null_count() == 0  # 4 structures everywhere: money is published


def test_money_over_fewer_than_three_structures_is_hidden():
    df = _table({("NORD", "ACI"): (50, 100, 2), ("NORD", "EI"): (50, 200, 5),
                 ("SUD", "ACI"): (50, 300, 5), ("SUD", "EI"): (50, 400, 5)})
    out = protect(df, SPEC)
    assert _cell(out, "NORD", "ACI", "ca") is None
    assert _cell(out, "NORD", "ACI", "_secret_ca") == "secret statistique : moins de 3 structures"
    assert out["nb"].null_count() == 0


def _assert_safe(out: pl.DataFrame, spec: Spec, cols: list[str]):
    relations = _relations(out, spec)
    for col in cols:
        values = out[col].to_list()
        assert not [v for v in values if v is not None and 0 < v < 5 and col in spec.persons], col
        for total, parts in relations:
            hidden = [i for i in (total, *parts) if values[i] is None and out[f"_secret_{col}"][i] is not None]
            assert len(hidden) != 1, (col, out[total].to_dicts(), [out[p].to_dicts() for p in parts])


@pytest.mark.parametrize("seed", range(30))
def test_no_hidden_cell_can_be_recovered_by_subtraction(seed):
    rng = random.Random(seed)
    bassins = ["NORD", "EST", "OUEST", "SUD"][: rng.randint(2, 4)]
    types = ["ACI", "AI", "EI", "ETTI", "EITI"][: rng.randint(2, 5)]
    cells = {(b, t): (rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 40]), rng.randint(0, 900), rng.randint(1, 6))
             for b in bassins for t in types}
    out = protect(_table(cells), SPEC)
    _assert_safe(out, SPEC, ["nb"] + (["ca"] if "_secret_ca" in out.columns else []))


def test_territory_view_of_the_fixture_is_safe(tmp_path):
    from test_indicateurs import fixture_warehouse

    from warehouse.db import connect_read

    con = connect_read(fixture_warehouse(tmp_path))
    df = con.sql("select * from indicateurs_territoire order by all").pl()
    con.close()
    out = protect(df, TERRITOIRE)
    assert out.height == df.height
    small = df.filter((pl.col("nb_salaries") > 0) & (pl.col("nb_salaries") < 5))
    assert small.height > 0  # the fixture has small cells: the test proves something
    cols = [c for c in TERRITOIRE.persons + TERRITOIRE.money if f"_secret_{c}" in out.columns]
    _assert_safe(out, TERRITOIRE, cols)


# ---------- the distributions a committee or a structure reads (warehouse.queries) ----------

BASSINS = ("NORD", "EST", "OUEST", "SUD")
TYPES = ("ACI", "AI", "EI")


def _random_publics(seed: int):
    """An in-memory publics_repartition: 2 dimensions, small and large counts by SIAE."""
    import duckdb

    rng = random.Random(seed)
    rows = []
    for s in range(rng.randint(6, 14)):
        bassin, type_siae = rng.choice(BASSINS), rng.choice(TYPES)
        for dim, modalites in (("sexe", ("F", "H")), ("age", ("M26", "26_49", "50P", None))):
            for m in modalites:
                rows.append((2025, f"{s:014d}", bassin, type_siae, dim, dim, m, str(m), 0,
                             rng.choice([0, 1, 2, 3, 6, 12])))
    con = duckdb.connect()
    con.execute("create table publics_repartition (annee int, siret varchar, bassin varchar, type_siae varchar, "
                "dimension varchar, dimension_libelle varchar, modalite varchar, libelle varchar, rang int, "
                "nb_salaries bigint)")
    con.executemany("insert into publics_repartition values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    # the territory table publishes the number of employees (= each partition's total)
    con.execute("""
        create table indicateurs_territoire as
        select annee, coalesce(bassin, 'TOUS') as bassin, coalesce(type_siae, 'TOUS') as type_siae,
            count(distinct siret) as nb_siae, sum(nb_salaries)::bigint as nb_salaries
        from publics_repartition where dimension = 'sexe'
        group by grouping sets ((annee, bassin, type_siae), (annee, bassin), (annee, type_siae), (annee))
    """)
    return con


def _selections():
    for bassins in [(), *((b,) for b in BASSINS), ("NORD", "SUD")]:
        for types in [(), *((t,) for t in TYPES), ("ACI", "EI")]:
            yield bassins, types


@pytest.mark.parametrize("seed", range(12))
def test_distributions_publish_no_small_count_and_nothing_recoverable_across_selections(seed):
    """Every selection a committee can make: no count of 1 to 4 persons is published, and no
    hidden count is the difference of published ones (a dimension's total, or the same
    modality in all basins minus the others)."""
    from warehouse import queries as q
    from warehouse.queries import Filters, Scope

    con = _random_publics(seed)
    secret = Scope(bassins=("SUD",), secret_statistique=True, personnes=False)
    published: dict[tuple, dict] = {}
    for bassins, types in _selections():
        f = Filters(2025, types=types, bassins=bassins)
        clear = q.publics(con, f, Scope())
        out = q.publics(con, f, secret)
        assert out.select("dimension", "modalite").rows() == clear.select("dimension", "modalite").rows()
        shown = [v for v in out["nb_salaries"].to_list() if v is not None]
        assert not [v for v in shown if 0 < v < 5], (bassins, types)
        for row, before in zip(out.iter_rows(named=True), clear.iter_rows(named=True)):
            if row["nb_salaries"] is not None:
                assert row["nb_salaries"] == before["nb_salaries"]  # what is shown is true
            else:
                assert row["_secret_nb_salaries"].startswith("secret statistique")
        published[(bassins, types)] = {(r["dimension"], r["modalite"]): r["nb_salaries"]
                                       for r in out.iter_rows(named=True)}

    for key, cells in published.items():
        # a dimension sums to the number of employees, published on the same page when the
        # territory table shows it: one hidden modality would be that total minus the others
        if len(key[0]) > 1 or len(key[1]) > 1:
            continue  # several basins or types: the page shows one territory row per group, no total
        terr = q.territoire(con, Filters(2025, types=key[1], bassins=key[0]), secret)["nb_salaries"].to_list()
        for dim in ("sexe", "age"):
            part = [v for (d, _), v in cells.items() if d == dim]
            if terr and terr[0] is not None and part:
                assert sum(v is None for v in part) != 1, (key, dim, part, terr)
    for types in [(), *((t,) for t in TYPES)]:
        # one modality: all basins = the sum of each basin's
        everything = published[((), types)]
        for cell, total in everything.items():
            parts = [published[((b,), types)].get(cell, 0) for b in BASSINS]
            if total is not None:
                assert sum(v is None for v in parts) != 1, (types, cell, parts)
