"""points_attention against values worked out by hand on tests/fixtures/points_attention/.

The fixture (2024, La Réunion): 10 ACI (NORD 5, SUD 3, OUEST 2), 5 EI (SUD 3, NORD 2), 1 AI
(EST), each with 1 ETP conventionné (Sud Propreté: 0), chiffre d'affaires 100 000 €, public
funding 10 000 € x k (ACI k = 1..10 -> ratio_public_ca 0.1..1.0; EI 0.2, 0.4, 0.6 in SUD,
0.3, 0.5 in NORD). One integration employee: 1607 h = 1 ETP, except Sainte-Clotilde
1205.25 h (0.75) and Ravine Blanche 1928.4 h (1.2). Earlier years: accounts only.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from loaders.load import load_files
from warehouse.db import connect_read

FIXTURE = ROOT / "tests" / "fixtures" / "points_attention"

BELLEPIERRE, BUTOR, CLOTILDE, CHAUDRON = "10000001000015", "10000001000023", "10000001000031", "10000001000049"
RAVINE, SAVANNA = "10000001000064", "10000001000106"
BATI_SUD, MENUISERIE, SUD_PROPRETE, NORD_BATIMENT = "10000002000014", "10000002000022", "10000002000030", "10000002000048"
EST = "10000003000013"


def build_fixture(folder: Path) -> Path:
    link = folder / "iae.duckdb"
    results = load_files(sorted(FIXTURE.glob("*.csv")), link, user="tests")
    assert all(r.status == "loaded" for r in results), [(r.name, r.errors) for r in results]
    return link


@pytest.fixture(scope="module")
def link(tmp_path_factory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("points"))


def points(link: Path) -> list[tuple]:
    con = connect_read(link)
    try:
        return con.sql("select annee, siret, raison_sociale, type_siae, bassin, regle, valeur, seuil "
                       "from points_attention order by siret, regle").fetchall()
    finally:
        con.close()


EXPECTED = [
    (2024, BELLEPIERRE, "Jardins de Bellepierre", "ACI", "NORD", "BAISSE_CA",
     -0.5, -0.3),  # 100 000 / 200 000 - 1
    (2024, BELLEPIERRE, "Jardins de Bellepierre", "ACI", "NORD", "FONDS_PROPRES_NEGATIFS_3_ANS",
     -3000.0, 0.0),  # -1000 (2022), -2000 (2023), -3000 (2024): valeur = 2024's
    (2024, CLOTILDE, "Recyclerie de Sainte-Clotilde", "ACI", "NORD", "SOUS_REALISATION_ETP",
     0.75, 0.8),  # 1205.25 h / 1607 = 0.75 ETP for 1 conventionné
    (2024, RAVINE, "Ravine Blanche Nature", "ACI", "SUD", "SUR_REALISATION_ETP",
     1.2, 1.1),  # 1928.4 / 1607 = 1.2
    (2024, SAVANNA, "Savanna Récup", "ACI", "OUEST", "DEPENDANCE_PUBLIQUE",
     1.0, 0.91),  # 10 ACI ratios 0.1..1.0: h = 9 x 0.9 = 8.1 -> 0.9 + 0.1 x (1.0 - 0.9) = 0.91
    (2024, SAVANNA, "Savanna Récup", "ACI", "OUEST", "RETOUR_MANQUANT",
     1.0, None),  # no salaries_insertion return
    (2024, SUD_PROPRETE, "Sud Propreté", "EI", "SUD", "RETOUR_MANQUANT",
     2.0, None),  # no structure, no personnel
    (2024, EST, "Services à domicile de l'Est", "AI", "EST", "RETOUR_MANQUANT",
     4.0, None),  # nothing received
]


def test_every_point_by_hand(link):
    """What does not fire is as much the test as what does:
    - Atelier du Butor: fonds propres -2000 (2023), -3000 (2024) but 2022 empty (NULL): no 3-year rule;
      its sales fell 20 % (100 000 / 125 000 - 1 = -0.2), above -0.30;
    - Sainte-Clotilde: 2023 sales 0, so evolution_ca is NULL: no BAISSE_CA;
    - Sud Propreté: 0 ETP conventionné, taux_realisation_etp NULL: neither ETP rule;
    - Savanna Récup: no salaries return, taux NULL: no ETP rule;
    - EI (5 SIAE with a ratio, fewer than 10): no decile, Sud Propreté's 0.6 does not fire;
    - 2022, 2023: accounts without an agreement are no SIAE of conventions."""
    got = points(link)
    assert [r[:6] for r in got] == [r[:6] for r in EXPECTED]
    for g, e in zip(got, EXPECTED):
        assert g[6] == pytest.approx(e[6], abs=1e-9) and (g[7] == e[7] if e[7] is None
                                                           else g[7] == pytest.approx(e[7], abs=1e-9)), e


def test_thresholds_come_from_the_configuration_and_rebuild_the_marts(tmp_path, monkeypatch, capsys):
    """Stricter settings: sous-réalisation below 0.70 (Sainte-Clotilde's 0.75 no longer fires),
    the decile over at least 11 ACI (only 10: DEPENDANCE_PUBLIQUE disappears). The thresholds
    are in the build fingerprint: `python -m warehouse init` sees the warehouse out of date
    and rebuilds the marts (so would the next load)."""
    from warehouse.__main__ import init

    link = build_fixture(tmp_path)
    before = {(r[1], r[5]) for r in points(link)}
    assert (CLOTILDE, "SOUS_REALISATION_ETP") in before and (SAVANNA, "DEPENDANCE_PUBLIQUE") in before
    init(link)
    assert "déjà à jour" in capsys.readouterr().out
    config = tmp_path / "observatoire.toml"
    config.write_text("[points_attention]\nsous_realisation_etp = 0.70\ndependance_publique_min_siae = 11\n")
    monkeypatch.setenv("IAE_CONFIG", str(config))
    init(link)
    assert "prêt" in capsys.readouterr().out
    after = {(r[1], r[5]) for r in points(link)}
    assert after == before - {(CLOTILDE, "SOUS_REALISATION_ETP"), (SAVANNA, "DEPENDANCE_PUBLIQUE")}


# ---- position among peers (warehouse.queries_attention), and statistical secrecy ----

def lire(link: Path, nom: str, scope, annee: int = 2024, **options):
    from warehouse import queries_attention
    from warehouse.scope import Filters

    con = connect_read(link)
    try:
        return getattr(queries_attention, nom)(con, Filters(annee=annee), scope, **options)
    finally:
        con.close()


def cta(*bassins: str):
    from warehouse.scope import Scope
    return Scope(bassins=bassins, secret_statistique=True, personnes=False)


def position(df, indicateur: str, groupe: str, annee: int = 2024) -> dict:
    rows = df.filter((df["indicateur"] == indicateur) & (df["groupe"] == groupe) & (df["annee"] == annee))
    assert rows.height == 1
    return rows.row(0, named=True)


def test_attacker_cta_of_a_basin_holding_3_of_5_gets_no_department_quartiles(link):
    """The 5 EI: 3 in SUD, 2 in NORD. Were the department's EI quartiles published, a SUD
    committee, knowing its 3 structures' figures, could subtract them and read NORD's 2. So
    for a restricted reader neither the department nor the basin (3 < 5) is compared; an
    officer (admin) gets the department quartiles."""
    from warehouse.scope import Scope

    for scope in (cta("SUD"), cta("NORD")):
        mine = BATI_SUD if scope.bassins == ("SUD",) else NORD_BATIMENT
        df = lire(link, "positions_pairs", scope, siret=mine)
        for groupe in ("DEPARTEMENT", "BASSIN"):
            p = position(df, "ratio_public_ca", groupe)
            assert not p["publie"] and (p["q1"], p["mediane"], p["q3"], p["quartile"]) == (None,) * 4, (scope, groupe)
            assert "moins de 5 structures comparables" in p["motif"]
    admin = position(lire(link, "positions_pairs", Scope.admin(), siret=BATI_SUD), "ratio_public_ca", "DEPARTEMENT")
    # EI ratios 0.2, 0.3, 0.4, 0.5, 0.6: q1 = 0.3, median 0.4, q3 0.5; Bâti Sud's 0.2 is in the first quartile
    assert (admin["publie"], admin["nb_valeurs"], admin["valeur"], admin["quartile"]) == (True, 5, 0.2, 1)
    assert (admin["q1"], admin["mediane"], admin["q3"]) == pytest.approx((0.3, 0.4, 0.5))


def test_quartiles_of_a_type_in_the_department_and_the_basin(link):
    """ACI ratio_public_ca 0.1..1.0 (NORD 0.1-0.5, SUD 0.6-0.8, OUEST 0.9-1.0). Department: every
    basin's complement is 0 or >= 3 (outside NORD 5, SUD 7, OUEST 8): published for a committee
    too. quantile_cont over 10: q1 h = 2.25 -> 0.325, median 0.55, q3 h = 6.75 -> 0.775.
    NORD basin, 5 ACI: q1 0.2, median 0.3, q3 0.4. Sainte-Clotilde 0.3: department quartile 1
    (<= 0.325), basin quartile 2 (<= the median)."""
    df = lire(link, "positions_pairs", cta("NORD"), siret=CLOTILDE)
    dep, bas = position(df, "ratio_public_ca", "DEPARTEMENT"), position(df, "ratio_public_ca", "BASSIN")
    assert (dep["publie"], dep["nb_valeurs"], dep["quartile"]) == (True, 10, 1)
    assert (dep["q1"], dep["mediane"], dep["q3"]) == pytest.approx((0.325, 0.55, 0.775))
    assert (bas["publie"], bas["nb_valeurs"], bas["quartile"]) == (True, 5, 2)
    assert (bas["q1"], bas["mediane"], bas["q3"]) == pytest.approx((0.2, 0.3, 0.4))
    # taux_realisation_etp: 9 ACI with a value (Savanna Récup has no salaries return)
    assert position(df, "taux_realisation_etp", "DEPARTEMENT")["nb_valeurs"] == 9
    assert position(df, "taux_realisation_etp", "DEPARTEMENT")["valeur"] == pytest.approx(0.75)
    assert {r for r in df["indicateur"]} == {"taux_realisation_etp", "taux_sortie_dynamique", "taux_emploi_durable",
                                             "ratio_public_ca", "fonds_propres_pct_ca", "cout_public_par_etp",
                                             "taux_encadrement"}


def test_peer_rows_only_about_a_siae_in_scope(link):
    """A SUD committee asking for a NORD structure gets nothing (the scope is applied in SQL)."""
    assert lire(link, "positions_pairs", cta("SUD"), siret=CLOTILDE).is_empty()
    assert lire(link, "points_attention", cta("SUD"), siret=BELLEPIERRE).is_empty()
    sud = lire(link, "points_attention", cta("SUD"))
    assert set(sud["siret"]) == {RAVINE, SUD_PROPRETE}


# ---- the page, as an officer and as a committee ----

USERS = """
[[utilisateur]]
email = "admin@ddets.gouv.fr"
role = "admin"

[[utilisateur]]
email = "cta.sud@example.org"
role = "cta"
bassins = ["SUD"]

[[utilisateur]]
email = "direction@bellepierre.re"
role = "structure"
sirets = ["10000001000015"]
"""
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "id", "client_secret": "secret",
        "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}


@pytest.fixture(scope="module")
def app(link, tmp_path_factory):
    from browser_helpers import iae_db

    users = tmp_path_factory.mktemp("users") / "utilisateurs.toml"
    users.write_text(USERS, encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv("IAE_UTILISATEURS", str(users))
    with iae_db(link):
        yield link
    mp.undo()


def run_as(email: str, path: str, query: dict | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email}
    at.query_params.update(query or {})
    at.run()
    at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_page_admin_sees_every_flagged_structure_most_points_first(app):
    at = run_as("admin@ddets.gouv.fr", "pages/points_attention.py")
    assert at.title[0].value == "Points d'attention"
    liste = at.dataframe[0].value
    # 2 points each first (alphabetical), then 1 point each
    assert list(liste["raison_sociale"]) == ["Jardins de Bellepierre", "Savanna Récup", "Ravine Blanche Nature",
                                             "Recyclerie de Sainte-Clotilde", "Services à domicile de l'Est",
                                             "Sud Propreté"]
    assert list(liste["nb_points"]) == [2, 2, 1, 1, 1, 1]
    comptes = at.dataframe[1].value.set_index("regle_libelle")
    assert comptes.loc["Retours incomplets"].to_dict() == {"Est": 1, "Nord": 0, "Ouest": 1, "Sud": 1, "Total": 3}
    assert comptes.loc["ETP sous-réalisés", "Nord"] == 1
    detail = at.dataframe[2].value
    bellepierre = detail[detail["siret"] == BELLEPIERRE].set_index("regle_libelle")["valeur_texte"].to_dict()
    assert bellepierre == {"Forte baisse du chiffre d'affaires": "-50,0\u202f%",
                           "Fonds propres négatifs trois ans de suite": "-3\u202f000\u202f€"}
    # filter by rule: only the missing returns
    at.multiselect(key="attention_regles").set_value(["RETOUR_MANQUANT"]).run()
    assert set(at.dataframe[0].value["siret"]) == {SAVANNA, SUD_PROPRETE, EST}


def test_page_committee_sees_only_its_basin(app):
    at = run_as("cta.sud@example.org", "pages/points_attention.py")
    assert set(at.dataframe[0].value["siret"]) == {RAVINE, SUD_PROPRETE}
    assert [c for c in at.dataframe[1].value.columns if c not in ("regle_libelle", "Total")] == ["Sud"]


def test_page_filters_type_and_basin_of_the_sidebar(app):
    at = run_as("admin@ddets.gouv.fr", "pages/points_attention.py", query={"types": "EI"})
    assert set(at.dataframe[0].value["siret"]) == {SUD_PROPRETE}
    at = run_as("admin@ddets.gouv.fr", "pages/points_attention.py", query={"bassins": "Nord"})
    assert set(at.dataframe[0].value["siret"]) == {BELLEPIERRE, CLOTILDE}


# ---- the Fiche SIAE block and the dialogue sheet ----

def test_fiche_siae_shows_points_strip_and_offers_the_sheet(app):
    at = run_as("admin@ddets.gouv.fr", "pages/fiche_siae.py", query={"siret": BELLEPIERRE})
    shown = " ".join(m.value for m in at.markdown)
    assert "Forte baisse du chiffre d'affaires** : -50,0\u202f%" in shown
    assert "Fonds propres négatifs trois ans de suite** : -3\u202f000\u202f€ (seuil : 0\u202f€)" in shown
    assert "📄 Fiche du dialogue de gestion 2024 (PDF)" in [c.proto.label for c in at.get("download_button")]


def test_committee_gets_the_strip_but_not_the_sheet(app):
    at = run_as("cta.sud@example.org", "pages/fiche_siae.py", query={"siret": BATI_SUD})
    assert [c.proto.label for c in at.get("download_button") if "dialogue" in c.proto.label] == []
    strip = [e for e in at.main if getattr(e, "type", "") == "vega_lite_chart"][-1]
    assert "Position parmi les EI" in strip.proto.spec  # a committee still sees where it stands
    assert "Aucun point d'attention cette année." in " ".join(m.value for m in at.markdown)


def test_french_typography():
    from documents.pdf import typo

    assert typo("Bassin : Nord ; « retours » reçus ! Pourquoi ?") == \
        "Bassin\xa0: Nord\u202f; «\xa0retours\xa0» reçus\u202f! Pourquoi\u202f?"
    assert typo("12:30 et http://x") == "12:30 et http://x"  # no space added where French puts none


def test_a_structure_gets_its_own_sheet_and_no_points_page(app):
    at = run_as("direction@bellepierre.re", "pages/fiche_siae.py")
    assert at.header[0].value == "Jardins de Bellepierre"  # its own sheet opens at once
    assert "📄 Fiche du dialogue de gestion 2024 (PDF)" in [c.proto.label for c in at.get("download_button")]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/points_attention.py")  # not in a structure's navigation


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_dialogue_sheet_pdf(link, tmp_path):
    """The sheet of Jardins de Bellepierre, 2024: its name, year, key figures as the views give
    them, its two points, sources and page numbers; page 1 rendered to PNG for a look."""
    import subprocess

    from pypdf import PdfReader

    from documents import fiche_dialogue
    from warehouse import queries, queries_attention
    from warehouse.scope import Filters, Scope

    con = connect_read(link)
    f, s = Filters(annee=2024), Scope.admin()
    fiche = queries.fiche_siae(con, f, s, siret=BELLEPIERRE)
    positions = queries_attention.positions_pairs(con, f, s, siret=BELLEPIERRE)
    pts = queries_attention.points_attention(con, f, s, siret=BELLEPIERRE)
    con.close()
    data = fiche_dialogue.fiche_pdf(fiche, positions, pts, annee=2024, version="version 2 du 01/12/2026 à 09:00")
    import io
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2 and reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.1)  # A4
    text = pdf_text(data)
    flat = " ".join(text.split())
    assert "Jardins de Bellepierre" in text and "Dialogue de gestion 2024" in text
    # the view's figures, formatted: CA 100 000 €, ratio 10 %, fonds propres -3 000 €; ACI medians
    # of the ratio: NORD 0.1..0.5 -> 30 %, department 0.1..1.0 -> 55 %; 0.1 is in the first quartile
    assert "Financement public / CA — — 10,0 % 30,0 % 55,0 % 1er quartile" in flat.replace("\u202f", " ")
    assert "Chiffre d'affaires — — 100 000 €" in flat.replace("\u202f", " ")
    assert "Forte baisse du chiffre d'affaires : -50,0 % (seuil : -30,0 %)" in flat.replace("\u202f", " ").replace("\xa0", " ")
    assert "Fonds propres négatifs trois ans de suite : -3 000 € (seuil : 0 €)" in flat.replace("\u202f", " ").replace("\xa0", " ")
    assert "Page 1 / 2" in text and "Page 2 / 2" in text
    assert "Sources : registre des conventions" in flat.replace("\xa0", " ") and "version 2 du 01/12/2026" in flat
    assert "reçu\u202f;" in text  # French typography (fpdf2 writes a no-break space as a space)
    out = tmp_path / "fiche.pdf"
    out.write_bytes(data)
    from browser_helpers import SCREENSHOTS
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) absent : la page 1 n'est pas rendue en image")
    SCREENSHOTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile", str(out),
                    str(SCREENSHOTS / "fiche_dialogue_page1")], check=True)
    assert (SCREENSHOTS / "fiche_dialogue_page1.png").stat().st_size > 20_000


# ---- in the browser: the page, the Fiche SIAE block, the sheet downloaded ----

def test_browser_points_page_and_dialogue_sheet_download(link, tmp_path):
    from browser_helpers import CHROMIUM, SCREENSHOTS, chromium, streamlit_server, wait_for_app

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} absent : tests dans le navigateur ignorés")
    SCREENSHOTS.mkdir(exist_ok=True)
    with streamlit_server(link) as url, chromium() as browser:
        ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR", accept_downloads=True)
        ctx.set_default_timeout(30_000)
        page = ctx.new_page()
        page.goto(f"{url}/points_attention")
        wait_for_app(page, 30_000)
        page.wait_for_selector('[data-testid="stDataFrame"]')
        assert "6 structure(s) avec au moins un point d'attention, 8 point(s) en tout." in page.locator(
            '[data-testid="stMain"]').inner_text()
        page.screenshot(path=str(SCREENSHOTS / "points_attention_1366x768.png"), full_page=True)
        page.goto(f"{url}/fiche_siae?siret={BELLEPIERRE}")
        wait_for_app(page, 30_000)
        button = page.get_by_role("button", name="📄 Fiche du dialogue de gestion 2024 (PDF)")
        button.scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        page.screenshot(path=str(SCREENSHOTS / "fiche_siae_attention_1366x768.png"))
        with page.expect_download(timeout=60_000) as dl:
            button.click()
        assert dl.value.suggested_filename == f"dialogue_gestion_{BELLEPIERRE}_2024.pdf"
        pdf = tmp_path / dl.value.suggested_filename
        dl.value.save_as(pdf)
        assert pdf.read_bytes().startswith(b"%PDF") and "Jardins de Bellepierre" in pdf_text(pdf.read_bytes())
        ctx.close()


def test_strip_places_the_year_and_the_move_from_the_year_before():
    """On the quartile scale Q1 = 1, median = 2, Q3 = 3: 2024's 0.5 between the median 0.4 and
    Q3 0.6 sits at 2.5; 2023's 0.15, half an interquartile range (0.2) below Q1 0.25, at 0.5."""
    import polars as pl

    from ui import attention

    rows = [dict(annee=a, indicateur="ratio_public_ca", groupe=g, valeur=v, nb_valeurs=6, publie=True, q1=q1,
                 mediane=m, q3=q3, quartile=qt)
            for a, v, q1, m, q3, qt in ((2024, 0.5, 0.2, 0.4, 0.6, 3), (2023, 0.15, 0.25, 0.3, 0.45, 1))
            for g in ("BASSIN", "DEPARTEMENT")]
    bande = attention.bande_pairs(pl.DataFrame(rows), 2024)
    r = bande.filter(pl.col("groupe") == "DEPARTEMENT").row(0, named=True)
    assert (r["position"], r["position_n1"]) == pytest.approx((2.5, 0.5))
    assert (r["valeur"], r["valeur_n1"], r["quartile"]) == ("50,0\u202f%", "15,0\u202f%", "3e quartile (médiane à Q3)")
    assert r["ligne"] == "Financement public / CA · département"
    assert bande.height == 2  # the other indicators have no row in this frame
