"""The officer's everyday in Chromium (French locale, 1366x768), on the seed data (issue #12):
figures that agree between a table, a metric and a chart; the filters visible without
scrolling; a click on a structure opening its sheet; no English word; the glossary by theme;
French navigation titles from the first paint; the projection mode on two wall screens.

Uses Debian's /usr/bin/chromium; never `playwright install`. Screenshots go to tests/screenshots/.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import time
from decimal import ROUND_HALF_UP, Decimal

import pytest
from browser_helpers import (CHROMIUM, NAV_LINK, NAV_SECTION, ROOT, SCREENSHOTS, chromium, nav_click, nav_titles,
                             streamlit_server, wait_for_app)

from ui.navigation import PAGES
from warehouse.db import connect_read

pytest.importorskip("playwright.sync_api", reason="paquet playwright absent (requirements.txt)")
if not CHROMIUM.exists():
    pytest.skip(f"Chromium absent : {CHROMIUM} introuvable ; les tests dans le navigateur sont ignorés.",
                allow_module_level=True)

WAIT = 20_000
NNBSP = "\u202f"
# Streamlit's own English words (its defaults), looked for in the text and in the aria-label,
# title and placeholder that tooltips and screen readers read.
ANGLAIS = ["Select all", "No results", "Search", "Clear", "Download", "Running", "Page not found", "Choose an option",
           "Show data", "Fullscreen", "Drag and drop", "Browse files", "Collapse", "Expand", "Close", "Open",
           "Show/hide", "Copy", "Stop", "Deploy", "Rerun", "Settings", "View more", "Show more", "Limit", "Skip to",
           "Link to", "Dismiss"]
TEXTES_ET_ATTRIBUTS = """() => [document.body.innerText, ...[...document.querySelectorAll(
    '[aria-label],[title],[placeholder]')].flatMap(e => ['aria-label', 'title', 'placeholder']
    .map(a => e.getAttribute(a)).filter(Boolean))].join('\\n')"""


def anglais(texte: str) -> list[str]:
    """The English words found, each with the line it is in."""
    return [line for line in texte.split("\n") for w in ANGLAIS
            if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", line)]


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    """The warehouse built from seed_data/ as `make run` builds it."""
    link = tmp_path_factory.mktemp("seed") / "iae.duckdb"
    subprocess.run([sys.executable, "-m", "loaders", "seed", "--quiet"], cwd=ROOT, check=True,
                   env={**os.environ, "IAE_DB": str(link)}, capture_output=True, timeout=300)
    return link


@pytest.fixture(scope="module")
def app_url(seed):
    with streamlit_server(seed) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def new_page(browser, width: int = 1366, height: int = 768):
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    ctx.set_default_timeout(WAIT)
    return ctx.new_page()


@pytest.fixture
def page(browser):
    p = new_page(browser)
    yield p
    p.context.close()


def open_page(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page, WAIT)


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"quotidien_{name}.png"))


def a_la_main(v: float, decimales: int) -> str:
    """Half away from zero on the value as written, in French: worked out without ui.format."""
    q = Decimal(repr(v)).quantize(Decimal(1).scaleb(-decimales), rounding=ROUND_HALF_UP)
    return f"{q:,.{decimales}f}".replace(",", NNBSP).replace(".", ",")


def stocke(seed, col: str, bassin: str = "EST", annee: int = 2025) -> float:
    con = connect_read(seed)
    try:
        return con.execute(f"select {col} from indicateurs_territoire where annee = ? and bassin = ? "
                           "and type_siae = 'TOUS'", [annee, bassin]).fetchone()[0]
    finally:
        con.close()


def cellules(page, n: int = 0) -> list[list[str]]:
    """The values a grid was given, row by row (its accessible table: the cells are drawn on a canvas)."""
    grid = page.locator('[data-testid="stDataFrame"]').nth(n)
    grid.locator("td").first.wait_for(state="attached")
    return grid.evaluate("g => [...g.querySelectorAll('tr')].map(r => [...r.querySelectorAll('td,th')]"
                         ".map(c => c.innerText.trim()))")


def textes_du_graphique(page, titre: str) -> list[str]:
    chart = page.locator('[data-testid="stVegaLiteChart"]', has=page.locator("svg text", has_text=titre)).first
    chart.locator("svg text").first.wait_for()
    return chart.locator("svg text").all_text_contents()


def metrique(page, libelle: str) -> str:
    m = page.locator('[data-testid="stMetric"]', has=page.locator('[data-testid="stMetricLabel"]', has_text=libelle))
    return m.first.locator('[data-testid="stMetricValue"]').inner_text().strip()


# ---------- 1. one rounding rule ----------

def test_the_same_value_in_a_table_a_metric_and_a_chart(page, app_url, seed):
    etp, taux = stocke(seed, "etp_insertion"), stocke(seed, "taux_realisation_etp")
    attendu_etp, attendu_taux = a_la_main(etp, 1), a_la_main(taux * 100, 1) + f"{NNBSP}%"
    # the seed's East basin is the case of the issue: truncating would read another figure
    assert a_la_main(math.trunc(etp * 10) / 10, 1) != attendu_etp, (etp, attendu_etp)
    assert a_la_main(math.trunc(taux * 1000) / 10, 1) + f"{NNBSP}%" != attendu_taux, (taux, attendu_taux)

    open_page(page, f"{app_url}/bassins?annee=2025")
    rows = cellules(page)
    header, est = rows[0], next(r for r in rows if r and r[0] == "Est")
    # the grid is given the value rounded as shown; it only writes it the French way
    assert est[header.index("ETP insertion")] == attendu_etp.replace(",", ".")
    assert float(est[header.index("Taux de réalisation des ETP")]) * 100 == pytest.approx(
        float(attendu_taux.split(NNBSP)[0].replace(",", ".")))
    assert attendu_etp in textes_du_graphique(page, "ETP insertion")
    assert attendu_taux in textes_du_graphique(page, "Taux de réalisation des ETP")
    shot(page, "arrondi_bassins")

    open_page(page, f"{app_url}/?annee=2025&bassins=Est")
    assert metrique(page, "ETP insertion") == attendu_etp
    assert metrique(page, "Taux de réalisation des ETP") == attendu_taux
    shot(page, "arrondi_vue_ensemble_est")


# ---------- 2. filters above the fold, projection ----------

def test_the_filters_are_visible_without_scrolling_on_every_page(page, app_url):
    open_page(page, app_url)
    for spec in PAGES:
        open_page(page, f"{app_url}/{'' if spec.default else spec.url_path}")
        for label in ("Année", "Types de SIAE", "Bassins d'emploi"):
            widget = page.locator('[data-testid="stSidebar"] [data-testid="stWidgetLabel"]', has_text=label).first
            box = widget.locator("xpath=..").bounding_box()
            assert box and 0 <= box["y"] and box["y"] + box["height"] <= 768 * 0.6, (spec.url_path, label, box)
    shot(page, "filtres_en_haut")


@pytest.mark.parametrize("taille", [(1280, 720), (1920, 1080)])
def test_projection_fits_the_wall_screen_with_the_island_beside(browser, app_url, seed, taille):
    p = new_page(browser, *taille)
    try:
        open_page(p, f"{app_url}/bassins?annee=2025&projection=true&bassin_projete=Est")
        main = p.locator('[data-testid="stMain"]')
        assert main.evaluate("e => e.scrollHeight <= e.clientHeight + 1"), "la projection ne tient pas à l'écran"
        assert not p.eval_on_selector_all('[data-testid="stMetricValue"] p',
                                          "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).length")
        assert metrique(p, "ETP insertion") == a_la_main(stocke(seed, "etp_insertion"), 1)
        reunion = a_la_main(stocke(seed, "etp_insertion", bassin="TOUS"), 1)
        assert f"La Réunion : {reunion}" in p.locator("body").inner_text()
        for caption in p.locator('[data-testid="stCaptionContainer"]', has_text="La Réunion").all():
            box = caption.bounding_box()
            assert box["y"] + box["height"] <= taille[1], box
        p.screenshot(path=str(SCREENSHOTS / f"quotidien_projection_{taille[0]}x{taille[1]}.png"))
    finally:
        p.context.close()


# ---------- 3. a click on a structure opens its sheet ----------

def test_a_click_on_a_row_opens_the_structure_sheet(page, app_url):
    open_page(page, f"{app_url}/structures?annee=2025")
    rows = cellules(page)
    nom = rows[1][0]
    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 200, box["y"] + 35 + 17)  # the first row, past the header
    page.wait_for_function("() => location.pathname.endsWith('/fiche_siae')", timeout=WAIT)
    wait_for_app(page, WAIT)
    page.wait_for_function("n => [...document.querySelectorAll('h2')].some(h => h.innerText.trim() === n)",
                           arg=nom, timeout=WAIT)
    assert "siret=" in page.url
    shot(page, "clic_fiche")
    # back on Structures, no row is still picked: the page stays
    nav_click(page, "Structures")
    page.wait_for_function("() => location.pathname.endsWith('/structures')", timeout=WAIT)
    wait_for_app(page, WAIT)
    page.wait_for_timeout(1000)
    assert page.url.split("?")[0].endswith("/structures")


# ---------- 4. no English ----------

def test_no_english_word_anywhere(page, app_url):
    for spec in PAGES:
        open_page(page, f"{app_url}/{'' if spec.default else spec.url_path}")
        page.wait_for_timeout(500)
        assert not anglais(page.evaluate(TEXTES_ET_ATTRIBUTS)), spec.url_path
    # an address that names no page: Streamlit's notice, in French
    open_page(page, f"{app_url}/vue_ensemble")
    page.get_by_text("Cette adresse ne correspond à aucune page").first.wait_for()
    assert not anglais(page.evaluate(TEXTES_ET_ATTRIBUTS))
    # a multiselect opened: no "Select all"; a toolbar hovered: French tooltips
    open_page(page, f"{app_url}/bassins")
    page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.click()
    page.get_by_role("option").first.wait_for()
    assert not anglais(page.evaluate(TEXTES_ET_ATTRIBUTS))
    shot(page, "liste_types")
    page.keyboard.press("Escape")
    page.locator('[data-testid="stDataFrame"]').first.hover()
    page.wait_for_timeout(400)
    assert not anglais(page.evaluate(TEXTES_ET_ATTRIBUTS))
    # a search that finds no structure answers in French
    open_page(page, f"{app_url}/fiche_siae")
    page.get_by_label("Rechercher une structure").fill("zzz introuvable")
    page.keyboard.press("Enter")
    page.get_by_text("Aucune SIAE ne correspond").wait_for()
    assert not anglais(page.evaluate(TEXTES_ET_ATTRIBUTS))
    shot(page, "recherche_vide")


def test_every_type_chosen_gives_the_key_figures(page, app_url):
    open_page(page, f"{app_url}/?annee=2025")
    avant = metrique(page, "Salariés en insertion")
    open_page(page, f"{app_url}/?annee=2025&types=ACI&types=AI&types=EI&types=EITI&types=ETTI")
    assert "sélection partielle" not in page.locator("body").inner_text()
    assert metrique(page, "Salariés en insertion") == avant


# ---------- 5. the structure's sheet ----------

def test_the_sheet_of_a_structure_without_a_return_this_year(page, app_url, seed):
    con = connect_read(seed)
    try:
        siret = con.execute("select siret from indicateurs_siae where annee = 2025 and not retour_salaries and "
                            "not retour_finances and siret in (select siret from indicateurs_siae where annee = 2024 "
                            "and retour_complet) order by siret limit 1").fetchone()[0]
    finally:
        con.close()
    open_page(page, f"{app_url}/fiche_siae?annee=2025&siret={siret}")
    page.locator('[data-testid="stVegaLiteChart"]').nth(8).wait_for()
    body = page.locator("body").inner_text()
    assert "Aucun retour en 2025" in body
    table = page.locator('[data-testid="stTable"]').first
    entetes = table.locator("th").all_inner_texts()
    assert [e.strip() for e in entetes][:7] == ["Indicateur", "2023", "Médiane 2023", "2024", "Médiane 2024",
                                                "2025", "Médiane 2025"]
    assert "n-1" not in table.inner_text() and "n-2" not in table.inner_text()
    # no bar for the structure in 2025, the year stays on the axis
    textes = textes_du_graphique(page, "Chiffre d'affaires")
    assert "2025" in textes and "k€" in textes
    # no trend line across the cards of a year without data
    for libelle in ("ETP insertion", "Sorties"):
        card = page.locator('[data-testid="stMetric"]', has_text=libelle).first
        assert card.locator('[data-testid="stMetricValue"]').inner_text().strip() == "—"
        assert card.locator('[data-testid="stMetricChart"]').count() == 0
    page.locator('[data-testid="stVegaLiteChart"]').nth(3).scroll_into_view_if_needed()
    shot(page, "fiche_sans_retour")


# ---------- 6. glossary ----------

def test_the_glossary_reads_by_theme_in_plain_words(page, app_url):
    open_page(page, f"{app_url}/referentiel")
    themes = [t.strip() for t in page.locator('[data-testid="stMain"] h3').all_inner_texts()]
    assert themes[:6] == ["Structures et conventions", "Publics et bénéficiaires", "Sorties", "Personnel permanent",
                          "Finances", "Retours"]
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "etp_conventionnes" not in body and "EMPLOI_DURABLE" not in body
    assert "ETP conventionnés inscrits dans la convention de l'année" in body
    shot(page, "referentiel")


# ---------- 7. navigation titles from the first paint ----------

def test_navigation_in_french_from_the_first_paint(browser, seed):
    """A fresh server, its first visit: every paint shows French titles, never the file names."""
    with streamlit_server(seed) as url:
        p = new_page(browser)
        try:
            p.goto(url + "/", wait_until="commit")
            seen, deadline = [], time.monotonic() + 20
            while time.monotonic() < deadline:
                seen.append(p.evaluate("() => document.body ? document.body.innerText : ''"))
                if p.locator(NAV_SECTION).count() and p.locator('[data-testid="stMain"] h1').count():
                    break
                p.wait_for_timeout(50)
            assert len(seen) > 3  # the paints before the app were watched
            for texte in seen:
                assert not re.search(r"\b(vue ensemble|fiche siae|import retours|referentiel)\b", texte), texte
            wait_for_app(p, WAIT)
            titres = nav_titles(p)
            assert {s.title for s in PAGES} <= set(titres)
            p.locator(NAV_SECTION, has_text="Tableau de bord").click()
            p.locator(NAV_LINK).first.wait_for()
            p.screenshot(path=str(SCREENSHOTS / "quotidien_navigation.png"))
        finally:
            p.context.close()
