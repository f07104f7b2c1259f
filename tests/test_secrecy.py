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
