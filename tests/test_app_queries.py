"""warehouse.queries: filters and scope applied in SQL, results equal to the views."""

from __future__ import annotations

import inspect

import polars as pl
import pytest
from conftest import fixture_warehouse

from warehouse import queries as q
from warehouse.db import connect_read
from warehouse.scope import Filters, Scope

A, B, C, D, E = "11111111000016", "22222222000014", "33333333000012", "44444444000010", "55555555000014"
ADMIN = Scope.admin()


@pytest.fixture(scope="module")
def con():
    c = connect_read(fixture_warehouse())
    yield c
    c.close()


def view(con, sql: str, **params) -> pl.DataFrame:
    return con.sql(sql, params=params or None).pl()


def test_every_query_takes_filters_and_scope():
    functions = [f for name, f in inspect.getmembers(q, inspect.isfunction)
                 if f.__module__ == q.__name__ and not name.startswith("_")]
    assert len(functions) >= 12
    for f in functions:
        assert list(inspect.signature(f).parameters)[:3] == ["con", "f", "scope"], f.__name__


def test_filter_options(con):
    assert q.annees(con, Filters(), ADMIN).rows() == [(2022, 2, True), (2023, 4, True), (2024, 5, True)]
    assert q.bassins(con, Filters(), ADMIN)["bassin"].to_list() == ["NORD", "OUEST", "SUD"]
    assert q.types_siae(con, Filters(), ADMIN)["type_siae"].to_list() == ["ACI", "AI", "EI", "ETTI"]


@pytest.mark.parametrize(("filters", "kwargs", "keys"), [
    (Filters(2024), {}, [(2024, "TOUS", "TOUS")]),
    (Filters(2024), {"depuis": 2022}, [(2022, "TOUS", "TOUS"), (2023, "TOUS", "TOUS"), (2024, "TOUS", "TOUS")]),
    (Filters(2024, bassins=("SUD",)), {}, [(2024, "SUD", "TOUS")]),
    (Filters(2024, types=("ACI",), bassins=("NORD",)), {}, [(2024, "NORD", "ACI")]),
    (Filters(2024, bassins=("NORD", "SUD")), {}, [(2024, "NORD", "TOUS"), (2024, "SUD", "TOUS")]),
    (Filters(2024), {"par_bassin": True}, [(2024, "NORD", "TOUS"), (2024, "OUEST", "TOUS"), (2024, "SUD", "TOUS")]),
    (Filters(2024, types=("AI", "EI")), {}, [(2024, "TOUS", "AI"), (2024, "TOUS", "EI")]),
])
def test_territoire_picks_the_view_rows_of_the_selection(con, filters, kwargs, keys):
    got = q.territoire(con, filters, ADMIN, **kwargs)
    assert got.select("annee", "bassin", "type_siae").rows() == keys
    expected = view(con, "select * from indicateurs_territoire order by annee, bassin, type_siae")
    expected = expected.filter(pl.concat_str("annee", "bassin", "type_siae", separator="|").is_in(
        ["|".join(map(str, k)) for k in keys]))
    assert got.equals(expected)


def test_territoire_hand_values(con):
    row = q.territoire(con, Filters(2024), ADMIN).row(0, named=True)
    assert (row["nb_siae"], row["nb_salaries"], row["taux_retour"]) == (5, 5, 0.6)
    assert row["ratio_public_ca"] == pytest.approx(182000 / 525000)


def test_scope_limits_rows_about_one_siae_in_sql_and_keeps_aggregates(con):
    """A committee (basins) or a structure (SIRETs) sees rows about one SIAE only in its
    scope; aggregates cover every SIAE (a committee compares its basin with the others)."""
    sud = Scope(bassins=("SUD",))
    f = Filters(2024)
    assert set(q.siae(con, f, sud)["bassin"]) == {"SUD"}
    assert q.siae(con, Filters(2024, bassins=("NORD",)), sud).is_empty()  # a filter never widens the scope
    assert q.fiche_siae(con, f, sud, siret=A).is_empty()  # A is in NORD
    assert q.mediane_groupe_siae(con, f, sud, siret=A).is_empty()
    assert q.territoire(con, f, sud)["bassin"].to_list() == ["TOUS"]
    assert q.bassins(con, f, sud)["bassin"].to_list() == ["NORD", "OUEST", "SUD"]
    assert q.publics(con, f, sud).filter(pl.col("dimension") == "sexe")["nb_salaries"].sum() == 5
    one = Scope(sirets=(A,))
    assert q.siae(con, f, one)["siret"].to_list() == [A]
    assert q.fiche_siae(con, f, one, siret=B).is_empty()
    assert q.territoire(con, f, one).height == 1
    nothing = Scope(bassins=())
    for name in ("siae", "annees", "bassins", "territoire", "publics", "sorties", "financement", "offre",
                 "medianes_siae"):
        got = getattr(q, name)(con, f, nothing)
        assert got.is_empty() or (name == "medianes_siae" and got["nb_siae"][0] == 0), name


def test_siae_search_sort_and_incomplete_returns(con):
    f = Filters(2024)
    assert q.siae(con, f, ADMIN).height == 5
    assert q.siae(con, f, ADMIN, recherche="tampon")["siret"].to_list() == [C]  # commune or name
    assert q.siae(con, f, ADMIN, recherche="3333")["siret"].to_list() == [C]
    assert q.siae(con, f, ADMIN, recherche="'; drop table raw_finances; --").is_empty()
    by_ca = q.siae(con, f, ADMIN, tri="chiffre_affaires", decroissant=True)["siret"].to_list()
    assert by_ca == [B, A, E, C, D]  # unknown last
    assert sorted(q.siae(con, f, ADMIN, retours_incomplets=True)["siret"]) == [C, D]
    with pytest.raises(ValueError):
        q.siae(con, f, ADMIN, tri="chiffre_affaires; drop table x")


def test_fiche_and_median_of_the_group(con):
    fiche = q.fiche_siae(con, Filters(2024), ADMIN, siret=A)
    assert fiche["annee"].to_list() == [2022, 2023, 2024]
    assert fiche["chiffre_affaires"].to_list() == [100000.0, 120000.0, 150000.0]
    med = q.mediane_groupe_siae(con, Filters(2024), ADMIN, siret=A)
    # A is the only ACI of the North: the median of its group is itself
    assert med["nb_siae"].to_list() == [1, 1, 1]
    assert med["chiffre_affaires"].to_list() == fiche["chiffre_affaires"].to_list()


def test_medians_equal_polars_medians_of_the_view(con):
    f = Filters(2024)
    med = q.medianes_siae(con, f, ADMIN).row(0, named=True)
    siae = view(con, "select * from indicateurs_siae where annee = 2024")
    for col in q.MEDIAN_COLUMNS:
        assert med[col] == pytest.approx(siae[col].median(), nan_ok=True), col
        assert med[f"nb_valeurs_{col}"] == siae[col].drop_nulls().len()


def test_publics_sorties_financement_personnel_sum_the_views(con):
    f = Filters(2024, bassins=("NORD",))
    publics = q.publics(con, f, ADMIN)
    assert dict(publics.filter(pl.col("dimension") == "sexe").select("modalite", "nb_salaries").rows()) == \
        {"F": 2, "M": 2}  # A: A04 F, A06 M; E: E02 F, E03 M
    raw = view(con, "select sum(nb_salaries) from publics_repartition where annee = 2024 and bassin = 'NORD'")
    assert publics["nb_salaries"].sum() == raw.item()
    sorties = q.sorties(con, Filters(2024), ADMIN)
    assert dict(sorties.select("motif_sortie", "nb_sorties").rows()) == \
        {"CDD_MOINS_6_MOIS": 1, "RUPTURE": 1, "DEMENAGEMENT": 1}
    fin = q.financement(con, Filters(2024), ADMIN)
    assert fin["annee"].unique().sort().to_list() == [2022, 2023, 2024]
    assert fin.filter(pl.col("annee") == 2024)["montant"].sum() == 182000.0
    pers = q.personnel(con, Filters(2024), ADMIN, par="fonction")
    assert pers["etp_permanents"].sum() == pytest.approx(5.9)
    assert q.personnel(con, Filters(2024), ADMIN, par="fonction", benevoles=True)["nb_personnes"].sum() == 1
    with pytest.raises(ValueError):
        q.personnel(con, Filters(2024), ADMIN, par="sexe; drop")


def test_statistical_secrecy_is_applied_in_the_query_layer(con):
    """With secrecy on (committee, structure), small counts never leave the query layer."""
    f = Filters(2024, bassins=("NORD",))
    shown = q.territoire(con, f, ADMIN).row(0, named=True)
    assert shown["nb_salaries"] == 4
    secret = q.territoire(con, f, Scope(secret_statistique=True))
    row = secret.row(0, named=True)
    assert (row["annee"], row["bassin"], row["type_siae"]) == (2024, "NORD", "TOUS")
    assert row["nb_salaries"] is None and row["part_femmes"] is None  # 4 persons < 5
    assert row["_secret_nb_salaries"].startswith("secret statistique")
    assert row["nb_siae"] == shown["nb_siae"]  # structures under agreement are public


HOSTILE = ["'; drop table raw_salaries; --", "SUD' or '1'='1", "$annee", "%", "\x00", "x" * 10_000]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_filter_values_are_parameters_never_sql(con, value):
    """Whatever the URL carries into the filters reaches DuckDB as a bound parameter: no
    error, no row it should not match, and every table still there afterwards."""
    f = Filters(2024, types=(value,), bassins=(value,))
    public = Scope(bassins=("SUD",), secret_statistique=True, personnes=False)
    for name, kwargs in [("siae", {"recherche": value}), ("territoire", {}), ("publics", {}), ("sorties", {}),
                         ("personnel", {}), ("financement", {}), ("offre", {}), ("medianes_siae", {}),
                         ("fiche_siae", {"siret": value}), ("mediane_groupe_siae", {"siret": value})]:
        for scope in (ADMIN, public):
            got = getattr(q, name)(con, f, scope, **kwargs)
            assert got.is_empty() or (name == "medianes_siae" and got["nb_siae"][0] == 0), name
    assert con.sql("select count(*) from raw_salaries_insertion").fetchall()[0][0] > 0


def test_medians_over_fewer_than_five_structures_are_hidden_under_secrecy(con):
    """A median is one structure's figure: a structure comparing itself with its peers must
    not read a competitor's turnover there. Restricted readers get medians over fixed groups
    of at least 5 structures that gave the figure; the fixture's groups are smaller."""
    f = Filters(2024)
    structure_b = Scope(sirets=(B,), secret_statistique=True, personnes=False)
    clear = q.mediane_groupe_siae(con, f, ADMIN, siret=B).filter(pl.col("annee") == 2024).row(0, named=True)
    hidden = q.mediane_groupe_siae(con, f, structure_b, siret=B).filter(pl.col("annee") == 2024).row(0, named=True)
    assert clear["nb_siae"] == 1 and clear["chiffre_affaires"] is not None  # B alone in EI, Sud
    assert hidden["chiffre_affaires"] is None
    assert hidden["_secret_chiffre_affaires"] == "secret statistique : médiane sur moins de 5 structures"
    everyone = q.medianes_siae(con, f, structure_b).row(0, named=True)  # 5 SIAE, 4 with accounts
    assert everyone["nb_valeurs_chiffre_affaires"] == 4 and everyone["chiffre_affaires"] is None
    assert everyone["nb_valeurs_etp_conventionnes"] == 5 and everyone["etp_conventionnes"] is not None
    nord = q.medianes_siae(con, Filters(2024, bassins=("NORD",)), structure_b).row(0, named=True)
    assert nord["nb_siae"] == 2 and nord["chiffre_affaires"] is None
