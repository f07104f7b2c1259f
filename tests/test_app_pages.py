"""Every page of the app under AppTest, on the hand-computed fixture warehouse.

Numbers shown are compared with the views queried directly (formatted the same way), and
with a few values worked out by hand in tests/test_indicateurs.py. The fixture has SIAE A
(ACI, Nord), B (EI, Sud), C (AI, Sud), D (ACI, Ouest, 2024 only, no return) and E (ETTI,
Nord), 2022 to 2024.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest
from browser_helpers import ROOT, iae_db
from conftest import fixture_warehouse
from streamlit.testing.v1 import AppTest

from ui import labels
from ui.format import NNBSP, arrondir, fmt_valeur
from ui.navigation import PAGES
from warehouse.db import connect_read

A, B, C, D, E = "11111111000016", "22222222000014", "33333333000012", "44444444000010", "55555555000014"


@pytest.fixture(scope="module", autouse=True)
def warehouse():
    with iae_db(fixture_warehouse()) as link:
        yield link


def territoire(link: Path, annee: int, bassin: str = "TOUS", type_siae: str = "TOUS") -> dict:
    con = connect_read(link)
    try:
        rows = con.sql("select * from indicateurs_territoire where annee = $a and bassin = $b and type_siae = $t",
                       params=dict(a=annee, b=bassin, t=type_siae)).pl()
    finally:
        con.close()
    assert rows.height == 1
    return rows.row(0, named=True)


def run(page: str | None = None, query: dict | None = None, at: AppTest | None = None) -> AppTest:
    if at is None:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params.update(query or {})
        at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def expected_metrics(row: dict, prev: dict | None, cols: list[str]) -> dict[str, str]:
    from ui.format import fmt_evolution

    out = {}
    for c in cols:
        unit = labels.unite(c)
        out[labels.colonne(c)] = (fmt_valeur(row[c], unit, court=True),
                                  (fmt_evolution(row[c], prev[c], unit, court=True) if prev else None) or "")
    return out


KEY_FIGURES = ["nb_siae", "nb_salaries", "etp_insertion", "taux_realisation_etp", "taux_sortie_dynamique",
               "taux_emploi_durable", "ratio_public_ca", "taux_retour"]


# ---------- every page ----------

@pytest.mark.parametrize("spec", PAGES, ids=lambda p: p.url_path)
def test_every_page_opens_without_error(spec):
    at = run(None if spec.default else spec.path)
    assert not at.error
    assert at.title[0].value == spec.title
    text = " ".join(str(getattr(e, "value", "")) for e in [*at.markdown, *at.caption, *at.info])
    assert "Traceback" not in text


@pytest.mark.parametrize("spec", PAGES, ids=lambda p: p.url_path)
def test_every_page_reruns_through_app_py(spec):
    """A pages/ folder makes Streamlit run a page file alone first (ui.page.hors_application)."""
    source = (ROOT / spec.path).read_text()
    assert re.search(r"page\.(filtres|entete)\(", source), spec.path
    at = run(None if spec.default else spec.path)
    at.run()  # a second run keeps the sidebar: app.py ran, not the page file alone
    assert at.sidebar.selectbox(key="annee").value == 2024


@pytest.mark.parametrize("spec", [p for p in PAGES if p.needs_data], ids=lambda p: p.url_path)
def test_no_raw_column_name_or_code_in_tables(spec):
    at = run(None if spec.default else spec.path)
    for grid in at.dataframe:
        config = json.loads(grid.proto.columns)
        shown = grid.value
        assert set(shown.columns) <= set(config), set(shown.columns) - set(config)
        for col, cfg in config.items():
            if cfg.get("hidden"):
                continue
            assert not re.fullmatch(r"[a-z0-9_]+", cfg["label"]), (spec.path, col, cfg["label"])
        for col in ("bassin", "type_siae"):
            if col in shown.columns:
                assert not {"TOUS", "NORD", "SUD", "EST", "OUEST"} & set(shown[col]), (spec.path, col)


# ---------- filters ----------

def test_default_year_is_the_latest_with_returns(warehouse):
    at = run()
    assert at.sidebar.selectbox(key="annee").value == 2024
    shown = metrics(at)
    want = expected_metrics(territoire(warehouse, 2024), territoire(warehouse, 2023), KEY_FIGURES)
    assert {k: shown[k] for k in want} == want
    # by hand (tests/test_indicateurs.py): 5 SIAE, 5 employees, 3 complete returns of 5
    assert shown["Nombre de SIAE"] == ("5", "+1")
    assert shown["Salariés en insertion"] == ("5", "-2")
    assert shown["Taux de retour"] == (f"60,0{NNBSP}%", f"+10,0{NNBSP}pts")
    assert shown["Financement public / CA"][0] == f"34,7{NNBSP}%"  # 182 000 / 525 000


def test_each_filter_changes_the_figures(warehouse):
    at = run()
    at.sidebar.selectbox(key="annee").set_value(2023).run()
    assert metrics(at)["Nombre de SIAE"] == ("4", "+2")
    want = expected_metrics(territoire(warehouse, 2023), territoire(warehouse, 2022), KEY_FIGURES)
    assert {k: metrics(at)[k] for k in want} == want

    at.sidebar.multiselect(key="bassins").set_value(["NORD"]).run()
    row = territoire(warehouse, 2023, "NORD")
    assert metrics(at)["Salariés en insertion"][0] == "4"
    assert metrics(at)["Taux de sortie dynamique"][0] == fmt_valeur(row["taux_sortie_dynamique"], "pourcentage")
    assert metrics(at)["Taux de sortie dynamique"][0] == f"66,7{NNBSP}%"  # (1 + 1) / 3

    at.sidebar.multiselect(key="types").set_value(["ETTI"]).run()
    assert metrics(at)["Salariés en insertion"][0] == "1"  # E01
    assert metrics(at)["Taux de réalisation des ETP"][0] == f"100,0{NNBSP}%"


def test_several_basins_show_one_row_per_basin(warehouse):
    at = run()
    at.sidebar.multiselect(key="bassins").set_value(["NORD", "SUD"]).run()
    assert not at.metric
    assert "Plusieurs bassins" in at.info[0].value
    grid = at.dataframe[0].value
    assert list(grid["bassin"]) == ["Nord", "Sud"]
    assert list(grid["nb_salaries"]) == [territoire(warehouse, 2024, b)["nb_salaries"] for b in ("NORD", "SUD")]


def test_reset_button_restores_the_default_view():
    at = run()
    at.sidebar.selectbox(key="annee").set_value(2022).run()
    at.sidebar.multiselect(key="bassins").set_value(["SUD"]).run()
    at.sidebar.button(key="reinitialiser").click().run()
    assert at.sidebar.selectbox(key="annee").value == 2024
    assert at.sidebar.multiselect(key="bassins").value == []


def test_a_shared_link_gives_the_same_view(warehouse):
    """A URL with filters (as Streamlit writes them: basins by label) reproduces the view."""
    chosen = run()
    chosen.sidebar.selectbox(key="annee").set_value(2023).run()
    chosen.sidebar.multiselect(key="bassins").set_value(["NORD"]).run()
    linked = run(query={"annee": "2023", "bassins": "Nord"})
    assert linked.sidebar.selectbox(key="annee").value == 2023
    assert linked.sidebar.multiselect(key="bassins").value == ["NORD"]
    assert metrics(linked) == metrics(chosen)
    assert metrics(linked)["Nombre de SIAE"][0] == "2"  # A and E

    bassins = run("pages/bassins.py", query={"annee": "2022", "types": "ACI"})
    assert list(bassins.dataframe[0].value["bassin"]) == ["Nord"]  # 2022: the only ACI is A


def test_filters_follow_the_user_from_page_to_page(warehouse):
    at = run()
    at.sidebar.selectbox(key="annee").set_value(2023).run()
    at.sidebar.multiselect(key="bassins").set_value(["SUD"]).run()
    run("pages/finances.py", at=at)
    assert at.sidebar.selectbox(key="annee").value == 2023
    row = territoire(warehouse, 2023, "SUD")
    assert metrics(at)["Chiffre d'affaires"][0] == fmt_valeur(row["chiffre_affaires"], "euros")
    assert metrics(at)["Chiffre d'affaires"][0] == f"40{NNBSP}000{NNBSP}€"  # C only: B sent no accounts


# ---------- pages ----------

def test_bassins_side_by_side_and_projection(warehouse):
    at = run("pages/bassins.py")
    grid = at.dataframe[0].value
    assert list(grid["bassin"]) == ["Nord", "Ouest", "Sud"]
    for b, n in zip(("NORD", "OUEST", "SUD"), grid["nb_salaries"]):
        expected = territoire(warehouse, 2024, b)["nb_salaries"]
        assert (None if pd_null(n) else n) == expected
    assert len(at.get("vega_lite_chart")) >= 6  # basins with no value for an indicator say why instead

    at.toggle(key="projection").set_value(True).run()
    assert not at.exception
    assert at.title[0].value.startswith("Bassin Nord · 2024")
    at.segmented_control(key="bassin_projete").set_value("SUD").run()
    shown = metrics(at)
    assert at.title[0].value.startswith("Bassin Sud · 2024")
    assert shown["Salariés en insertion"][0] == "1"  # B03; C sent no salaries return
    assert shown["Taux de sortie dynamique"][0] == "—"  # no exit: 0 / 0
    assert shown["Taux de retour"] == (f"50,0{NNBSP}%", "0")  # 2024: B complete, C not; 2023: C complete, B not
    # La Réunion's figure beside the basin's: 5 SIAE in 2024, 3 of them with their four returns
    reunion = [c.value for c in at.caption if c.value.startswith("La Réunion")]
    assert reunion[0] == "La Réunion : **5**" and f"La Réunion : **60,0{NNBSP}%**" in reunion


def pd_null(v) -> bool:
    return v is None or v != v


def test_structures_list_search_sort_and_incomplete_returns():
    at = run("pages/structures.py")
    grid = at.dataframe[0].value
    assert len(grid) == 5
    assert list(grid["raison_sociale"]) == sorted(grid["raison_sociale"])
    at.text_input(key="recherche").set_value("Tampon").run()
    assert list(at.dataframe[0].value["siret"]) == [C]
    at.text_input(key="recherche").set_value("").run()
    at.selectbox(key="tri").set_value("chiffre_affaires").run()
    at.toggle(key="decroissant").set_value(True).run()
    assert list(at.dataframe[0].value["siret"]) == [B, A, E, C, D]
    at.toggle(key="incomplets").set_value(True).run()
    assert sorted(at.dataframe[0].value["siret"]) == [C, D]


def test_fiche_siae_from_a_link():
    at = run("pages/fiche_siae.py", query={"siret": A})
    assert at.selectbox(key="fiche_siret").value == A
    assert at.header[0].value == "Jardins du Nord"
    shown = metrics(at)
    assert shown["Chiffre d'affaires"] == (f"150{NNBSP}000{NNBSP}€", f"+30{NNBSP}000{NNBSP}€")
    assert shown["Financement public / CA"][0] == f"53,3{NNBSP}%"  # 80 000 / 150 000
    # the detail says the years, each beside the group's median (issue #12: not "n-2", "n-1")
    detail = at.table[0].value
    assert list(detail.columns) == ["Indicateur", "2022", "Médiane 2022", "2023", "Médiane 2023", "2024",
                                    "Médiane 2024"]
    ca = detail[detail["Indicateur"] == "Chiffre d'affaires"].iloc[0]
    assert ca["2024"] == ca["Médiane 2024"] == f"150{NNBSP}000{NNBSP}€"  # alone in its group
    assert "1 SIAE en 2024" in " ".join(c.value for c in at.caption)


def test_fiche_siae_of_a_structure_without_returns():
    at = run("pages/fiche_siae.py", query={"siret": D})
    assert "❌ Finances : pas de retour" in " ".join(m.value for m in at.markdown)
    assert metrics(at)["Chiffre d'affaires"][0] == "—"
    assert any("aucune valeur" in i.value for i in at.info)  # empty charts say why


def test_fiche_siae_without_choice_says_what_to_do():
    at = run("pages/fiche_siae.py")
    assert "Choisissez une SIAE" in at.info[0].value


def test_publics(warehouse):
    at = run("pages/publics.py")
    row, prev = territoire(warehouse, 2024), territoire(warehouse, 2023)
    want = expected_metrics(row, prev, ["nb_salaries", "nb_entrees", "nb_sorties", "part_femmes", "part_rsa"])
    assert {k: metrics(at)[k] for k in want} == want
    profil = at.dataframe[0].value
    sexe = profil[profil["dimension_libelle"] == "Sexe"]
    assert dict(zip(sexe["libelle"], sexe["nb_salaries"])) == {"Femme": 3, "Homme": 2}
    sorties = at.dataframe[1].value
    assert dict(zip(sorties["motif_libelle"], sorties["nb_sorties"])) == {
        "CDD de moins de 6 mois": 1, "Rupture du contrat": 1, "Déménagement": 1}


def test_personnel(warehouse):
    at = run("pages/personnel.py")
    shown = metrics(at)
    assert shown["ETP permanents"][0] == "5,9"  # A 2.0027 + B 2.0 + C 1.4 + E 0.4973
    assert shown["ETP d'encadrement"][0] == fmt_valeur(territoire(warehouse, 2024)["etp_encadrement"], "etp")
    assert shown["Bénévoles"][0] == "1"  # AP3
    per_siae = at.dataframe[0].value
    assert len(per_siae) == 5


def test_finances(warehouse):
    at = run("pages/finances.py")
    row, prev = territoire(warehouse, 2024), territoire(warehouse, 2023)
    want = expected_metrics(row, prev, ["chiffre_affaires", "financement_public", "ratio_public_ca",
                                        "fonds_propres_pct_ca"])
    assert {k: metrics(at)[k] for k in want} == want
    assert metrics(at)["Chiffre d'affaires"][0] == f"525{NNBSP}000{NNBSP}€"
    funders = at.dataframe[0].value
    assert funders[funders["annee"] == 2024]["montant"].sum() == 182000.0
    siae = at.dataframe[1].value
    b = siae[siae["raison_sociale"] == "Bâtiment Sud Insertion"].iloc[0]
    assert (b["chiffre_affaires_n2"], b["chiffre_affaires"]) == (200000.0, 250000.0)


def test_referentiel_lists_the_catalogue_and_follows_links():
    from warehouse import catalogue

    at = run("pages/referentiel.py")
    assert f"{len(catalogue.INDICATORS)} indicateur(s)" in at.caption[1].value
    text = " ".join(m.value for m in at.markdown)
    for ind in catalogue.INDICATORS.values():
        assert ind.label in text
    linked = run("pages/referentiel.py", query={"indicateurs": ["taux_sortie_dynamique", "part_rsa"]})
    assert linked.multiselect(key="referentiel_indicateurs").value == ["taux_sortie_dynamique", "part_rsa"]
    assert "2 indicateur(s)" in linked.caption[1].value


def test_referentiel_grouped_by_theme_with_formulas_in_words():
    """The glossary reads by theme, every indicator in one theme, and no formula names a column
    or a code (issue #12: "etp_conventionnes de la convention", "EMPLOI_DURABLE")."""
    from warehouse import catalogue

    themes = [n for names in catalogue.THEMES.values() for n in names]
    assert sorted(themes) == sorted(catalogue.INDICATORS)  # each once
    at = run("pages/referentiel.py")
    assert [h.value for h in at.subheader][:6] == ["Structures et conventions", "Publics et bénéficiaires",
                                                   "Sorties", "Personnel permanent", "Finances", "Retours"]
    for ind in catalogue.INDICATORS.values():
        assert not re.search(r"[A-Za-z]+_[A-Za-z]+|[A-Z]{5,}", ind.formula), (ind.name, ind.formula)
        assert not re.search(r"[A-Za-z]+_[A-Za-z]+|[A-Z]{5,}", ind.territoire), (ind.name, ind.territoire)
    assert catalogue.INDICATORS["etp_conventionnes"].formula == "ETP conventionnés inscrits dans la convention de l'année"


INDICATOR_PAGES = ["pages/vue_ensemble.py", "pages/bassins.py", "pages/structures.py", "pages/publics.py",
                   "pages/personnel.py", "pages/finances.py"]


def test_every_indicator_page_links_to_the_glossary():
    for path in INDICATOR_PAGES:
        at = run(None if path == PAGES[0].path else path)
        links = at.get("page_link")
        assert any("Définitions" in str(link.proto) for link in links), path


def test_without_warehouse_the_officer_is_told_what_to_do(tmp_path):
    with iae_db(tmp_path / "absent.duckdb"):
        for spec in PAGES:
            at = run(None if spec.default else spec.path)
            if spec.needs_data:
                assert "Aucune donnée n'est encore chargée" in at.warning[0].value
                assert "make run" in at.warning[0].value
            else:
                assert [w.icon for w in at.warning] == ["🔓"]  # only the local-mode banner


def test_an_empty_selection_says_why(warehouse):
    at = run(query={"annee": "2022", "bassins": "Ouest"})  # D only exists in 2024
    assert "Aucune SIAE conventionnée en 2022" in at.info[0].value
    for page in ("pages/bassins.py", "pages/structures.py", "pages/publics.py", "pages/personnel.py",
                 "pages/finances.py"):
        run(page, at=at)
        assert at.info, page


def test_pages_use_catalogue_labels_for_metrics():
    at = run()
    for label in metrics(at):
        assert label in {labels.colonne(c) for c in KEY_FIGURES}


def test_exports_offered_for_every_table():
    at = run("pages/structures.py")
    keys = [b.key for b in at.get("download_button")]
    assert {"xlsx_structures", "csv_structures"} <= set(keys)


def test_page_table_frames_are_the_view_rows(warehouse):
    """The Structures grid holds exactly indicateurs_siae for the filters (numbers, not text)."""
    at = run("pages/structures.py")
    grid = pl.from_pandas(at.dataframe[0].value)
    con = connect_read(warehouse)
    try:
        view = con.sql("select * from indicateurs_siae where annee = 2024 order by raison_sociale").pl()
    finally:
        con.close()
    assert grid["siret"].to_list() == view["siret"].to_list()
    shown = arrondir(view, {c: labels.unite(c) for c in view.columns})  # rounded as shown, one rule
    for col in ("chiffre_affaires", "ratio_public_ca", "taux_sortie_dynamique", "etp_insertion"):
        assert grid[col].to_list() == pytest.approx(shown[col].to_list(), nan_ok=True), col
    # by hand: B's public funding 80 000 over 150 000 of turnover, 0.5333… shown as 53,3 %
    assert 0.533 in grid["ratio_public_ca"].to_list()


def test_a_new_load_shows_at_the_next_rerun_without_restart(tmp_path):
    """The cached read-only connection is keyed on the version file: a load swaps the link,
    the next rerun reads the new version, with no lock error."""
    import shutil

    from conftest import FIXTURE_DIR, luhn_siret

    from loaders.load import load_files

    link = fixture_warehouse(tmp_path)
    with iae_db(link):
        at = run()
        assert metrics(at)["Nombre de SIAE"][0] == "5"
        extra = tmp_path / "new" / "conventions.csv"
        extra.parent.mkdir()
        shutil.copy(FIXTURE_DIR / "conventions.csv", extra)
        with extra.open("a") as fh:
            fh.write(f"2024;{luhn_siret('9999999900001')};Nouvelle Régie de Quartier;ACI;97411;2.0\n")
        assert all(r.status != "rejected" for r in load_files([extra], link, user="t"))  # while the app reads
        at.run()
        assert not at.exception
        assert metrics(at)["Nombre de SIAE"][0] == "6"
        assert "version 2" in " ".join(c.value for c in at.sidebar.caption)


def test_every_type_or_basin_chosen_is_no_filter(warehouse):
    """Choosing all five types (or all four basins) shows the overview's key figures, the same as
    no choice at all, not the per-group table of a partial selection (issue #12)."""
    at = run()
    sans = metrics(at)
    multi = at.sidebar.multiselect(key="types")
    at = multi.set_value(["ACI", "AI", "EI", "EITI", "ETTI"]).run()
    assert not any("sélection partielle" in i.value for i in at.info)
    assert metrics(at) == sans and sans["Nombre de SIAE"][0] == "5"
    assert at.session_state["_filtres"].types == ()
    bassins = at.sidebar.multiselect(key="bassins")
    at = bassins.set_value(["EST", "NORD", "OUEST", "SUD"]).run()
    assert metrics(at) == sans and at.session_state["_filtres"].bassins == ()
    at = at.sidebar.multiselect(key="types").set_value(["ACI", "EI"]).run()  # a partial choice still filters
    assert at.session_state["_filtres"].types == ("ACI", "EI")
