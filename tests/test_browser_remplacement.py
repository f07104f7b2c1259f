"""Issue #12 in headless Chromium: a pre-filled workbook half filled in waits for the officer's
confirmation (old and new counts, figures before -> after), then replaces the return; a file
with the same mistake on every row reads as one line of report, downloaded under a clean
name. Screenshots at 1366x768 in tests/screenshots/ (ignored by git) for a person to look at.
Uses Debian's /usr/bin/chromium; never `playwright install`."""

from __future__ import annotations

import re
import shutil

import pytest
from browser_helpers import CHROMIUM, streamlit_server
from conftest import fixture_warehouse

pytest.importorskip("playwright.sync_api", reason="paquet playwright absent (requirements.txt)")
if not CHROMIUM.exists():
    pytest.skip(f"Chromium absent : {CHROMIUM} introuvable. `make test` l'installe en root "
                "(apt-get install chromium) ; sinon les tests dans le navigateur sont ignorés.",
                allow_module_level=True)

from conftest import query  # noqa: E402
from test_browser import WAIT, assert_clean, browser, go_to, open_page, page  # noqa: E402, F401
from test_browser_retours import HISTORIQUE, IMPORT, charger, deposer, shot  # noqa: E402
from test_loads_everyday import SALARIES_FR, salaries_rows  # noqa: E402
from test_retours_pages import C  # noqa: E402

from loaders.load import load_files  # noqa: E402


def csv_c(path, rows):
    text = "\r\n".join(";".join(str(v) for v in r) for r in [SALARIES_FR, *rows]) + "\r\n"
    path.write_bytes(text.encode("cp1252"))
    return path


@pytest.fixture(scope="module")
def entrepot(tmp_path_factory):
    folder = tmp_path_factory.mktemp("remplacement_navigateur")
    shutil.copytree(fixture_warehouse().parent, folder / "wh", symlinks=True, ignore=shutil.ignore_patterns("*.prochaine*"))
    link = folder / "wh" / "iae.duckdb"
    assert load_files([csv_c(folder / "salaries_C_2024.csv", salaries_rows(5, siret=C))], link)[0].status == "loaded"
    return link


@pytest.fixture(scope="module")
def app_url(entrepot):
    with streamlit_server(entrepot) as url:
        yield url


def test_a_half_filled_return_waits_for_confirmation_then_replaces(page, app_url, entrepot, tmp_path):
    partiel = csv_c(tmp_path / "salaries_C_prerempli.csv", salaries_rows(2, siret=C))
    open_page(page, app_url)
    go_to(page, IMPORT)
    deposer(page, partiel, attendu="1 fichier attend votre confirmation")
    alerte = page.locator('[data-testid="stAlertContentWarning"]').filter(has_text="remplacerait").first.inner_text()
    assert "Ce fichier remplacerait un retour de 5 lignes par 2 lignes" in alerte
    assert "Services Tampon" in alerte
    figures = page.locator('[data-testid="stTable"]').first.inner_text()
    assert "Salariés présents dans l'année" in figures and "-3" in figures
    page.get_by_text("Salariés présents dans l'année").first.scroll_into_view_if_needed()
    assert_clean(page, "import, remplacement à confirmer")
    shot(page, "import_remplacement_a_confirmer")

    page.get_by_text("Je confirme : remplacer ce retour").click()
    page.get_by_text("attend votre confirmation").wait_for(state="detached", timeout=WAIT)
    charger(page, "Charger le fichier accepté")
    bilan = page.locator('[data-testid="stMain"]').inner_text()
    assert "1 fichier chargé" in bilan
    assert query(entrepot, "select row_count from returns where template = 'salaries_insertion' and siret = $s "
                           "and annee = 2024", {"s": C}) == [(2,)]
    assert_clean(page, "import, bilan du remplacement")
    shot(page, "import_remplacement_bilan")

    # the load history says what the load replaced
    go_to(page, HISTORIQUE)
    detail = page.get_by_text("remplace un retour de 5 lignes (Salariés en insertion 2024").first
    detail.wait_for(timeout=WAIT)
    page.mouse.move(800, 500)
    page.mouse.wheel(0, 520)
    page.wait_for_timeout(500)
    assert_clean(page, "historique après remplacement")
    shot(page, "historique_remplacement")


def test_a_mistake_on_every_row_is_one_line_and_its_report_has_a_clean_name(page, app_url, tmp_path):
    faux = csv_c(tmp_path / "salaries_FAUX.csv", salaries_rows(12, siret="33333333000013"))
    open_page(page, app_url)
    go_to(page, IMPORT)
    deposer(page, faux, attendu="1 fichier vérifié : 0 accepté, 1 refusé")
    report = page.locator('[data-testid="stTable"]').first
    assert len(report.locator("tbody tr").all()) == 1
    assert "2 à 13" in report.inner_text()
    assert "ce numéro SIRET n'existe pas, un chiffre est probablement mal saisi" in report.inner_text()
    with page.expect_download(timeout=WAIT) as dl:
        page.get_by_role("button", name=re.compile("Rapport \\(CSV\\)")).first.click()
    assert dl.value.suggested_filename == "rapport_salaries_FAUX.csv"
    saved = tmp_path / "rapport.csv"
    dl.value.save_as(saved)
    assert "salaries_FAUX.csv;;2 à 13;SIRET;33333333000013;" in saved.read_text(encoding="utf-8-sig")
    assert_clean(page, "import, rapport groupé")
    shot(page, "import_rapport_groupe")
