"""The returns workflow in headless Chromium, on a running app: upload a bad file and read its
report, add a good one, load it, and see the figures change on other pages of the same
session (no restart); the blank workbook downloaded from the Modèles page, filled and loaded;
a file over the upload limit; restoring an earlier version. Screenshots at 1366x768 go to
tests/screenshots/ (ignored by git) for a person to look at.

The app runs against a private copy of the fixture warehouse (built with the real loader from
tests/fixtures/indicateurs). The tests of this module run in order on that one warehouse.
Uses Debian's /usr/bin/chromium; never `playwright install`.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from browser_helpers import CHROMIUM, SCREENSHOTS, streamlit_server, wait_for_app
from conftest import fixture_warehouse

pytest.importorskip("playwright.sync_api", reason="paquet playwright absent (requirements.txt)")
if not CHROMIUM.exists():
    pytest.skip(f"Chromium absent : {CHROMIUM} introuvable. `make test` l'installe en root "
                "(apt-get install chromium) ; sinon les tests dans le navigateur sont ignorés.",
                allow_module_level=True)

# browser and page: the same Chromium fixtures as test_browser (one home)
from test_browser import WAIT, assert_clean, browser, first_metric, go_to, open_page, page  # noqa: E402, F401
from test_retours_pages import D, finances_d_faux, remplir, salaries_c  # noqa: E402

from ui.navigation import page as spec  # noqa: E402

UPLOAD = '[data-testid="stFileUploader"] input[type=file]'
IMPORT, QUALITE, HISTORIQUE, MODELES, VUE = (spec(p) for p in (
    "pages/import_retours.py", "pages/qualite.py", "pages/historique.py", "pages/modeles.py",
    "pages/vue_ensemble.py"))


@pytest.fixture(scope="module")
def entrepot(tmp_path_factory):
    return fixture_warehouse(tmp_path_factory.mktemp("retours_navigateur"))


@pytest.fixture(scope="module")
def app_url(entrepot):
    with streamlit_server(entrepot) as url:
        yield url


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}_1366x768.png"))


def deposer(page, *paths, attendu: str) -> None:
    """Drop files on the uploader as a user does, and wait for the check to say `attendu`."""
    page.set_input_files(UPLOAD, [str(p) for p in paths])
    page.get_by_text(attendu).first.wait_for(timeout=WAIT)
    wait_for_app(page, WAIT)


def charger(page, bouton: str) -> None:
    page.get_by_role("button", name=bouton).click()
    page.get_by_text("Chargement du ").first.wait_for(timeout=WAIT)
    wait_for_app(page, WAIT)


def test_upload_a_bad_file_then_a_good_one_and_see_the_figures_change(page, app_url, tmp_path):
    bad = tmp_path / "finances_D.csv"
    bad.write_bytes(finances_d_faux())
    good = tmp_path / "salaries_C.csv"
    good.write_bytes(salaries_c())

    open_page(page, app_url)
    assert first_metric(page, "Salariés en insertion") == "5"
    go_to(page, IMPORT)
    assert "Glissez-déposez vos fichiers ici" in page.evaluate(
        """() => getComputedStyle(document.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span'),
                                  '::before').content""")

    # a bad file: refused, its report as a table, nothing to load
    deposer(page, bad, attendu="1 fichier vérifié : 0 accepté, 1 refusé")
    report = page.locator('[data-testid="stTable"]').first
    headers = [h.strip() for h in report.locator("th").all_inner_texts()]
    assert headers == ["Feuille", "Ligne", "Colonne", "Valeur", "Règle"]
    assert "beaucoup" in report.inner_text() and "nombre attendu" in report.inner_text()
    assert page.get_by_role("button", name="Aucun fichier à charger").is_disabled()
    with page.expect_download(timeout=WAIT) as dl:
        page.get_by_role("button", name=re.compile("Rapport \\(CSV\\)")).first.click()
    assert dl.value.suggested_filename == "rapport_finances_D.csv"
    text = (tmp_path / "rapport.csv")
    dl.value.save_as(text)
    assert "finances_D.csv;;2;chiffre_affaires;beaucoup;" in text.read_text(encoding="utf-8-sig")
    assert_clean(page, "import, fichier refusé")
    shot(page, "import_retours_refus")

    # a good file added to the drop zone: one accepted, one refused; only the accepted one loads
    deposer(page, good, attendu="2 fichiers vérifiés : 1 accepté, 1 refusé")
    shot(page, "import_retours_verification")
    charger(page, "Charger le fichier accepté")
    assert "1 fichier chargé" in page.locator('[data-testid="stAlertContentSuccess"]').inner_text()
    assert_clean(page, "import, bilan")
    shot(page, "import_retours_bilan")

    # other pages of the same session read the new version at once
    go_to(page, VUE)
    assert first_metric(page, "Salariés en insertion") == "6"
    go_to(page, QUALITE)
    assert first_metric(page, "Retours reçus sur 20") == "16"
    assert first_metric(page, "SIAE à relancer") == "1"
    assert_clean(page, "qualité après chargement")


def test_blank_workbook_downloaded_filled_and_loaded(page, app_url, tmp_path):
    open_page(page, f"{app_url}/{QUALITE.url_path}")
    before = int(first_metric(page, "Retours reçus sur 20"))
    go_to(page, MODELES)
    with page.expect_download(timeout=WAIT) as dl:
        page.get_by_role("button", name=re.compile("Télécharger le modèle vierge")).click()
    assert dl.value.suggested_filename == "modele_retour_annuel_siae.xlsx"
    blank = tmp_path / dl.value.suggested_filename
    dl.value.save_as(blank)

    book = openpyxl.load_workbook(blank)
    assert {"Mode d'emploi", "structure", "salaries_insertion", "personnel_permanent", "finances",
            "Listes"} <= set(book.sheetnames)
    remplir(book, "structure", {"annee": 2024, "siret": D, "statut_juridique": "ASSOCIATION", "code_ape": "3832Z",
                                "activite_principale": "Recyclerie", "commune_insee": "97415"})
    remplir(book, "finances", {"annee": 2024, "siret": D, "chiffre_affaires": 50000, "aides_etat": 90000})
    filled = tmp_path / "retour_recyclerie_2024.xlsx"
    buf = io.BytesIO()
    book.save(buf)
    filled.write_bytes(buf.getvalue())

    go_to(page, IMPORT)
    deposer(page, filled, attendu="1 fichier vérifié : 1 accepté, 0 refusé")
    assert "accepté : Fiche structure, Finances · 2 lignes" in page.locator('[data-testid="stMain"]').inner_text()
    charger(page, "Charger le fichier accepté")
    go_to(page, QUALITE)
    assert int(first_metric(page, "Retours reçus sur 20")) == before + 2


def test_a_file_over_the_limit_is_stopped_with_a_french_message(page, app_url, tmp_path):
    big = tmp_path / "enorme.csv"
    with open(big, "wb") as fh:
        fh.write(b"annee;siret\n")
        fh.write(b"2024;1\n" * (51 * 2**20 // 7 + 1))
    open_page(page, f"{app_url}/{IMPORT.url_path}")
    page.set_input_files(UPLOAD, [str(big)])
    chip = page.locator('[data-testid="stFileChip"]', has=page.locator('[data-testid="stFileChipIconError"]'))
    chip.wait_for(timeout=WAIT)
    message = chip.locator('[data-testid="stFileChipName"] + div').evaluate(
        "e => getComputedStyle(e, '::before').content")
    assert message == '"non envoyé : plus de 50 Mo"'
    assert "50 Mo au plus par fichier" in page.locator('[data-testid="stMain"]').inner_text()
    shot(page, "import_retours_trop_gros")


def test_history_and_restore_an_earlier_version(page, app_url, entrepot):
    open_page(page, f"{app_url}/{HISTORIQUE.url_path}")
    assert_clean(page, "historique")
    shot(page, "historique_chargements")
    main = page.locator('[data-testid="stMain"]')
    assert "python -m warehouse restore N" in main.inner_text()
    version_box = main.locator('[data-testid="stSelectbox"]', has_text="Version à remettre en service")
    version_box.scroll_into_view_if_needed()
    version_box.click()
    page.get_by_role("option", name=re.compile(r"^Version 1 du")).click()
    wait_for_app(page, WAIT)
    restore = page.get_by_role("button", name="Restaurer cette version")
    assert restore.is_disabled()
    page.get_by_text("Je confirme : remettre en service la version 1").click()
    wait_for_app(page, WAIT)
    restore.click()
    page.get_by_text("Version 1 remise en service").wait_for(timeout=WAIT)
    wait_for_app(page, WAIT)
    shot(page, "historique_restauration")
    go_to(page, VUE)
    assert first_metric(page, "Salariés en insertion") == "5"


def test_screenshots_of_the_returns_pages(page, app_url):
    for s in (QUALITE, IMPORT, HISTORIQUE, MODELES):
        open_page(page, f"{app_url}/{s.url_path}")
        assert_clean(page, s.url_path)
        shot(page, f"retours_{s.url_path}")
    open_page(page, f"{app_url}/{QUALITE.url_path}")
    for i, tab in enumerate(page.get_by_role("tab").all()):
        tab.click()
        page.wait_for_timeout(600)
        shot(page, f"retours_qualite_onglet{i + 1}")
