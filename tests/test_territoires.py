"""Issue #16, offer and need: the demande_territoire template, the densite_territoire view
computed by hand, the map, the « Territoires » page for an officer and for a committee.

The fixture warehouse (tests/test_indicateurs.py) plus tests/fixtures/territoires/
demande_territoire.csv (French CSV: `;`, Windows-1252, labels as headers, thousands by a space).
2024 by basin in the fixture (indicateurs_territoire, type TOUS, checked by hand there):
  NORD  2 SIAE, 3.5 ETP conventionnés, 4 salariés, 2.7 ETP insertion, 2 au RSA
  OUEST 1 SIAE, 3.0 ETP, no salaries return (NULL)
  SUD   2 SIAE, 2.0 ETP, 1 salarié, 0.75 ETP insertion, 1 au RSA
  EST   no SIAE
Demand 2024: Saint-Denis 97411 (NORD) 20 000 DE, 9 000 LD, 10 000 RSA, 100 000 pop;
Sainte-Marie 97418 (NORD) 5 000, 2 000, 2 500, 20 000; Saint-Pierre 97416 (SUD) 10 000, 4 500, 5 000,
55 000; Le Tampon 97422 (SUD) 8 000, -, 4 000, 52 000; Saint-Paul 97415 (OUEST) 12 000, 5 000, -, 68 000;
Saint-Benoît 97410 (EST) 4 000, 1 800, 2 000, 22 000. 2023: Saint-Denis 21 000 DE only.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl
import pytest
from browser_helpers import ROOT, iae_db
from conftest import fixture_warehouse, query, snapshot, write_csv
from streamlit.testing.v1 import AppTest

import contract_doc
from loaders.load import load_files
from ui import carte, export
from warehouse import queries_territoires
from warehouse.db import connect_read
from warehouse.scope import Filters, Scope

DEMANDE = ROOT / "tests" / "fixtures" / "territoires" / "demande_territoire.csv"
HEADER = ["annee", "commune_insee", "demandeurs_emploi", "demandeurs_longue_duree", "beneficiaires_rsa",
          "jeunes_moins_26", "population_15_64"]


@pytest.fixture(scope="module")
def link(tmp_path_factory) -> Path:
    link = fixture_warehouse(tmp_path_factory.mktemp("territoires"))
    [r] = load_files([DEMANDE], link, user="tests")
    assert (r.status, r.new, r.errors) == ("loaded", 7, [])
    return link


@pytest.fixture(scope="module")
def con(link):
    c = connect_read(link)
    yield c
    c.close()


# ---------- loading ----------

def test_loading_the_same_file_again_changes_nothing(tmp_path):
    link = fixture_warehouse(tmp_path)
    load_files([DEMANDE], link)
    before = snapshot(link)
    [r] = load_files([DEMANDE], link)
    assert (r.status, r.new, r.replaced, r.unchanged) == ("unchanged", 0, 0, 7)
    assert snapshot(link) == before


def test_a_file_replaces_its_annee_commune_rows_only_and_the_old_stays_recoverable(tmp_path):
    link = fixture_warehouse(tmp_path)
    load_files([DEMANDE], link)
    newer = write_csv(tmp_path / "demande_2024_bis.csv", HEADER, [
        [2024, "97411", "19 500", "", "9 800", "", "100 000"],  # an empty figure becomes NULL
        [2025, "97411", "19 000", "8 000", "9 500", "2 500", "99 000"],
    ])
    [r] = load_files([newer], link)
    assert (r.status, r.new, r.replaced, r.unchanged) == ("loaded", 1, 1, 0)
    rows = query(link, "select annee, commune_insee, demandeurs_emploi, demandeurs_longue_duree "
                       "from raw_demande_territoire order by annee, commune_insee")
    assert rows == [
        (2023, "97411", 21000, None),
        (2024, "97410", 4000, 1800), (2024, "97411", 19500, None), (2024, "97415", 12000, 5000),
        (2024, "97416", 10000, 4500), (2024, "97418", 5000, 2000), (2024, "97422", 8000, None),
        (2025, "97411", 19000, 8000),
    ]
    versions = sorted((link.parent / f"{link.name}.versions").glob("*.duckdb"))
    old = query(versions[-2], "select demandeurs_emploi from raw_demande_territoire "
                              "where annee = 2024 and commune_insee = '97411'")
    assert old == [(20000,)]


def test_a_bad_file_is_refused_whole_with_a_french_report_naming_row_and_column(tmp_path):
    link = fixture_warehouse(tmp_path)
    before = snapshot(link)
    bad = tmp_path / "demande_erreurs.csv"
    bad.write_bytes(("Année;Commune INSEE;Demandeurs d'emploi;Foyers bénéficiaires du RSA\r\n"
                     "2024;97411;20 000;10 000\r\n"
                     "2024;97499;1 000;500\r\n"
                     "2024;97416;-5;100\r\n"
                     "2024;97422;;100\r\n").encode("cp1252"))
    [r] = load_files([bad], link)
    assert r.status == "rejected"
    found = {(p.ligne, p.colonne, p.valeur) for p in r.errors}
    assert found == {(3, "Commune INSEE", "97499"), (4, "Demandeurs d'emploi", "-5"), (5, "Demandeurs d'emploi", None)}
    assert all(p.fichier == "demande_erreurs.csv" for p in r.errors)
    assert any("commune inconnue" in p.regle for p in r.errors)
    assert snapshot(link) == before


# ---------- the view, by hand ----------

def test_densite_territoire_columns_follow_the_contract(con):
    cols = con.sql("select * from densite_territoire limit 0").columns
    assert cols == ["annee", "bassin", *contract_doc.view_columns("densite_territoire")]


def test_densite_territoire_2024_by_hand(con):
    got = {r[0]: r[1:] for r in con.sql(
        "select bassin, demandeurs_emploi, demandeurs_longue_duree, beneficiaires_rsa, population_15_64, nb_siae, "
        "etp_conventionnes, nb_salaries, etp_insertion, nb_salaries_rsa, etp_conventionnes_pour_1000_de, "
        "salaries_pour_1000_de, salaries_rsa_pour_1000_rsa from densite_territoire where annee = 2024").fetchall()}
    a = pytest.approx
    assert got == {
        # 20 000 + 5 000; 9 000 + 2 000; 10 000 + 2 500; 100 000 + 20 000; 1000 x 3.5 / 25 000; 1000 x 4 / 25 000;
        # 1000 x 2 / 12 500
        "NORD": (25000, 11000, 12500, 120000, 2, 3.5, 4, a(2.7), 2, a(0.14), a(0.16), a(0.16)),
        # no SIAE: 0, and ratios 0 over a known demand
        "EST": (4000, 1800, 2000, 22000, 0, 0.0, 0, 0.0, 0, 0.0, 0.0, 0.0),
        # no salaries return: NULL; RSA not given: NULL; 1000 x 3 / 12 000
        "OUEST": (12000, 5000, None, 68000, 1, 3.0, None, None, None, a(0.25), None, None),
        # Le Tampon gave no long-term figure: 4 500 only; 1000 x 2 / 18 000; 1000 x 1 / 18 000; 1000 x 1 / 9 000
        "SUD": (18000, 4500, 9000, 107000, 2, 2.0, 1, a(0.75), 1, a(1 / 9), a(1 / 18), a(1 / 9)),
        # the department: 59 000 DE; 22 300; 23 500; 317 000; 5 SIAE 8.5 ETP 5 salariés 3 RSA
        "TOUS": (59000, 22300, 23500, 317000, 5, 8.5, 5, a(3.45), 3, a(8500 / 59000), a(5000 / 59000),
                 a(3000 / 23500)),
    }


def test_a_year_of_demand_covers_every_basin_and_sums_only_the_communes_that_gave_the_figure(con):
    got = con.sql("select bassin, demandeurs_emploi, beneficiaires_rsa from densite_territoire "
                  "where annee = 2023 order by bassin").fetchall()
    assert got == [("EST", None, None), ("NORD", 21000, None), ("OUEST", None, None), ("SUD", None, None),
                   ("TOUS", 21000, None)]
    assert con.sql("select distinct annee from densite_territoire order by 1").fetchall() == [(2023,), (2024,)]


def test_communes_add_up_to_their_basin(con):
    diff = con.sql("""
        select c.annee, c.bassin from (
            select annee, bassin, sum(nb_siae) n, sum(etp_conventionnes) e, sum(demandeurs_emploi) d
            from densite_commune group by all) c
        join densite_territoire t using (annee, bassin)
        where c.n <> t.nb_siae or abs(c.e - t.etp_conventionnes) > 1e-9 or c.d is distinct from t.demandeurs_emploi
    """).fetchall()
    assert diff == []
    # Sainte-Marie: E, 1 ETP, 2 salariés, 1 au RSA for 5 000 DE and 2 500 RSA
    row = con.sql("select etp_conventionnes_pour_1000_de, salaries_pour_1000_de, salaries_rsa_pour_1000_rsa "
                  "from densite_commune where annee = 2024 and commune_insee = '97418'").fetchall()
    assert row == [(pytest.approx(0.2), pytest.approx(0.4), pytest.approx(0.4))]


# ---------- secrecy ----------

def test_restricted_readers_get_no_person_count_neither_by_commune_nor_by_basin(con):
    f = Filters(annee=2024)
    cta = Scope(bassins=("SUD",), secret_statistique=True, personnes=False)
    for rows in (queries_territoires.densite_communes(con, f, cta), queries_territoires.densite(con, f, cta)):
        for col in queries_territoires.SECRETS:
            assert rows[col].null_count() == rows.height, col
            assert set(rows[f"_secret_{col}"]) == {queries_territoires.RAISON_SECRET}
        assert rows["nb_siae"].sum() > 0 and rows["demandeurs_emploi"].null_count() < rows.height
    admin = queries_territoires.densite(con, f, Scope.admin())
    assert admin.filter(pl.col("bassin") == "NORD")["nb_salaries"].to_list() == [4]
    assert "_secret_nb_salaries" not in admin.columns


def test_the_export_of_a_restricted_table_writes_s_and_says_why(con):
    rows = queries_territoires.densite(con, Filters(annee=2024), Scope(secret_statistique=True))
    t = export.Table(df=rows, colonnes=("bassin", "demandeurs_emploi", "nb_salaries"), nom="x", titre="x")
    data = pl.read_csv(io.BytesIO(export.csv_bytes(t)), separator=";", infer_schema=False)
    assert set(data["Salariés en insertion"]) == {"s"}
    assert data["Secret statistique"].str.contains("réservé aux agents de l'État").all()


# ---------- the map ----------

def test_map_spec_is_valid_mercator_with_basin_borders_and_french_tooltips(con):
    communes = queries_territoires.densite_communes(con, Filters(annee=2024), Scope.admin())
    formes = carte.contours()
    assert set(communes["commune_insee"]) == set(formes)  # the 24 communes have their outline
    chart = carte.carte_communes(communes, "etp_conventionnes_pour_1000_de", formes,
                                 details=("nb_siae", "demandeurs_emploi"))
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert spec["projection"] == {"type": "mercator"}
    layers = spec["layer"]
    assert [layer["mark"]["type"] for layer in layers] == ["geoshape", "geoshape", "circle", "text"]
    borders = spec["datasets"][layers[1]["data"]["name"]]
    assert sorted(b["properties"]["bassin"] for b in borders) == ["EST", "NORD", "OUEST", "SUD"]
    tips = [t["title"] for t in layers[0]["encoding"]["tooltip"]]
    assert tips[:3] == ["Commune", "Bassin", "ETP conventionnés pour 1 000 demandeurs"]
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    # one disc per commune with SIAE, with their number: Saint-Denis, Sainte-Marie, Saint-Paul, Saint-Pierre, Tampon
    sent = carte.charts.vega_lite(chart)  # what the page sends: the same outlines, the discs as Arrow
    assert sent["datasets"]["communes"] == spec["datasets"]["communes"]
    assert sent["datasets"]["bassins"] == borders
    assert any(isinstance(v, bytes) and v for v in sent["datasets"].values())  # the discs' frame
    saint_denis = next(f for f in spec["datasets"][layers[0]["data"]["name"]]
                       if f["properties"]["commune"] == "Saint-Denis")
    assert saint_denis["properties"]["etp_conventionnes_pour_1000_de"] == pytest.approx(0.125)  # 2.5 x 1000 / 20 000


@pytest.mark.parametrize("grand", [False, True])
def test_the_legend_title_is_printed_whole(con, grand):
    import vl_convert

    communes = queries_territoires.densite_communes(con, Filters(annee=2024), Scope.admin())
    chart = carte.carte_communes(communes, "etp_conventionnes_pour_1000_de", carte.contours(), grand=grand)
    chart.width = 700  # "container" has no width outside a page
    svg = vl_convert.vegalite_to_svg(chart.to_dict()).replace("&#160;", "\u00a0").replace("&nbsp;", "\u00a0")
    assert "…" not in svg  # Vega ends a title cut by titleLimit with an ellipsis (it did at 260 px)
    assert carte.titre_legende("etp_conventionnes_pour_1000_de") == ["ETP conventionnés pour", "1\u00a0000 demandeurs"]
    assert all(f">{line}<" in svg for line in carte.titre_legende("etp_conventionnes_pour_1000_de"))


def test_outlines_are_wound_for_d3_and_a_basin_border_leaves_out_inner_edges():
    formes = carte.contours()
    geom = carte.geometrie_d3(formes["97411"]["polygons"])
    assert carte.aire_signee(geom["coordinates"][0][0]) < 0  # exterior ring clockwise
    nord = pl.DataFrame({"commune_insee": ["97411", "97418"], "bassin": ["NORD", "NORD"]})
    [border] = carte.bordures_bassins(nord, formes)
    n_edges = sum(len(r) - 1 for c in ("97411", "97418") for p in formes[c]["polygons"] for r in p)
    assert 0 < len(border["geometry"]["coordinates"]) < n_edges  # the shared Saint-Denis/Sainte-Marie edge is gone


# ---------- the page ----------

def _run(link, user: dict | None, query: dict) -> AppTest:
    with iae_db(link):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        if user:
            at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                                  "client_id": "id", "client_secret": "secret",
                                  "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}
            at.user = user
        at.query_params.update(query)
        at.run()
        at.switch_page("pages/territoires.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_page_for_an_officer_shows_the_basin_table_with_the_department_line(link):
    at = _run(link, None, {"annee": "2024"})
    table = at.dataframe[0].value
    assert list(table["bassin"]) == ["Est", "Nord", "Ouest", "Sud", "Tous les bassins"]
    assert list(table["nb_salaries"])[1] == 4
    assert any("6 commune(s) sur 24" in c.value for c in at.caption)
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert [s.get("projection") for s in specs].count({"type": "mercator"}) == 1


def test_page_for_a_committee_hides_the_person_counts(link, tmp_path, monkeypatch):
    users = tmp_path / "utilisateurs.toml"
    users.write_text('[[utilisateur]]\nemail = "cta.sud@example.org"\nrole = "cta"\nbassins = ["SUD"]\n',
                     encoding="utf-8")
    monkeypatch.setenv("IAE_UTILISATEURS", str(users))
    at = _run(link, {"is_logged_in": True, "email": "cta.sud@example.org"}, {"annee": "2024"})
    table = at.dataframe[0].value
    for col in ("nb_salaries", "nb_salaries_rsa", "salaries_pour_1000_de", "salaries_rsa_pour_1000_rsa"):
        assert set(table[col]) == {"secret"}, col
    assert list(table["nb_siae"]) == [0, 2, 1, 2, 5]


def test_without_demand_figures_the_page_says_what_to_load():
    with iae_db(fixture_warehouse()):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params.update({"annee": "2024"})
        at.run()
        at.switch_page("pages/territoires.py").run()
    assert not at.exception
    assert "Aucun chiffre de demande" in at.warning[0].value


@pytest.mark.parametrize("page_file", ["pages/territoires.py", "pages/bassins.py"])
@pytest.mark.parametrize("lien", ["SUD", "sud", "Sud"])
def test_a_projection_link_opens_its_basin_by_code_or_label(link, page_file, lien):
    # A link typed with the code used to open the first basin (Est here, Nord on « Bassins »).
    with iae_db(link):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params.update({"annee": "2024", "projection": "true", "bassin_projete": lien})
        at.run()
        at.switch_page(page_file).run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.title[0].value.startswith("Bassin Sud · 2024")
        assert not [w.value for w in at.warning if "Session State" in w.value]
        # A click afterwards is not overridden by the link.
        at.segmented_control(key="bassin_projete").set_value("NORD").run()
        assert at.title[0].value.startswith("Bassin Nord · 2024")
