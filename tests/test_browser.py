"""The running app in headless Chromium: every page loads, a filter changes a number, an
export downloads and opens, screenshots at 1366x768 and on a 1920x1080 projector.

Uses Debian's /usr/bin/chromium (`make test` installs it as root); never `playwright install`.
Screenshots go to tests/screenshots/ (ignored by git) for a person to look at.
"""

from __future__ import annotations

import re

import polars as pl
import pytest
from browser_helpers import CHROMIUM, SCREENSHOTS, chromium, nav_click, streamlit_server, wait_for_app
from conftest import fixture_warehouse

from ui.format import NNBSP
from ui.navigation import PAGES

pytest.importorskip("playwright.sync_api", reason="paquet playwright absent (requirements.txt)")
if not CHROMIUM.exists():
    pytest.skip(f"Chromium absent : {CHROMIUM} introuvable. `make test` l'installe en root "
                "(apt-get install chromium) ; sinon les tests dans le navigateur sont ignorés.",
                allow_module_level=True)

WAIT = 20_000  # ms, every wait is bounded


@pytest.fixture(scope="module")
def app_url():
    with streamlit_server(fixture_warehouse()) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR", accept_downloads=True)
    ctx.set_default_timeout(WAIT)
    p = ctx.new_page()
    yield p
    ctx.close()


def open_page(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page, WAIT)


def go_to(page, spec) -> None:
    """Open a page the way a user does, from the sidebar (no reload: faster than page.goto)."""
    nav_click(page, spec.title)
    page.wait_for_function("t => { const h = document.querySelector('[data-testid=\"stMain\"] h1');"
                           " return h && h.innerText.trim() === t; }", arg=spec.title, timeout=WAIT)
    wait_for_app(page, WAIT)


def pick(page, widget, option: str) -> None:
    """Open a select box and choose an option; a rerun may redraw the box, so try again."""
    for _ in range(3):
        widget.click()
        choice = page.get_by_role("option", name=option, exact=True)
        try:
            choice.wait_for(state="visible", timeout=5_000)
        except Exception:
            page.keyboard.press("Escape")
            continue
        choice.click()
        return
    raise AssertionError(f"option {option!r} introuvable")


def first_metric(page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]', has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def truncated(page, selector: str) -> list[str]:
    """Texts of the elements matching `selector` that do not fit their box (cut or "…")."""
    return page.eval_on_selector_all(
        selector, "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)")


def assert_clean(page, where: str) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, where
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "Error" not in body, where
    assert not truncated(page, '[data-testid="stMetricLabel"] p'), where
    assert not truncated(page, '[data-testid="stMetricValue"] p'), where
    main = page.locator('[data-testid="stMain"]')
    assert main.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), f"{where}: la page déborde à droite"


def test_every_page_loads_clean_in_french(page, app_url):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    open_page(page, f"{app_url}/{PAGES[1].url_path}")  # a deep link first: the legacy-mode rerun
    assert page.locator("h1").first.inner_text().strip() == PAGES[1].title
    for spec in PAGES:
        go_to(page, spec)
        assert_clean(page, spec.url_path)
        assert "annee=2024" in page.url  # the link names its year, so it can be shared as is
        page.screenshot(path=str(SCREENSHOTS / f"{spec.url_path}_1366x768.png"))
    # the charts read numbers the French way (Vega-Lite locale): "60 %", "1 234,5"
    open_page(page, f"{app_url}/bassins")
    page.wait_for_selector('[data-testid="stVegaLiteChart"] svg text', timeout=WAIT)
    texts = " ".join(page.eval_on_selector_all('[data-testid="stVegaLiteChart"] svg text',
                                               "els => els.map(e => e.textContent)"))
    assert f"{NNBSP}%" in texts and not re.search(r"\d\.\d", texts)


def test_a_filter_changes_the_numbers_and_the_link(page, app_url):
    open_page(page, app_url)
    assert first_metric(page, "Nombre de SIAE") == "5"
    pick(page, page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first, "2023")
    page.wait_for_function("() => location.search.includes('annee=2023')", timeout=WAIT)
    wait_for_app(page, WAIT)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stMetric"]')]
                 .some(m => m.innerText.startsWith('Nombre de SIAE') && m.innerText.includes('\\n4'))""",
        timeout=WAIT)
    assert first_metric(page, "Nombre de SIAE") == "4"

    pick(page, page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').nth(1), "Nord")
    page.keyboard.press("Escape")
    page.wait_for_function("() => location.search.includes('bassins=Nord')", timeout=WAIT)
    wait_for_app(page, WAIT)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stMetric"]')]
                 .some(m => m.innerText.startsWith('Nombre de SIAE') && m.innerText.includes('\\n2'))""",
        timeout=WAIT)
    shared = page.url

    # the filters follow the user to another page, in the URL too
    nav_click(page, "Finances")
    page.wait_for_function("() => location.pathname.endsWith('/finances')", timeout=WAIT)
    wait_for_app(page, WAIT)
    assert "annee=2023" in page.url and "bassins=Nord" in page.url
    assert first_metric(page, "Chiffre d'affaires") == f"120{NNBSP}000{NNBSP}€"  # A 120 000 + E 0

    # the shared link, opened afresh, gives the same view
    other = page.context.new_page()
    open_page(other, shared)
    assert first_metric(other, "Nombre de SIAE") == "2"
    assert first_metric(other, "Salariés en insertion") == "4"


def test_exports_download_and_open(page, app_url, tmp_path):
    open_page(page, f"{app_url}/structures")
    with page.expect_download(timeout=WAIT) as dl:
        page.locator("button", has_text="Excel (.xlsx)").first.click()
    assert dl.value.suggested_filename == "indicateurs_siae_2024_tous-bassins_tous-types.xlsx"
    xlsx = tmp_path / dl.value.suggested_filename
    dl.value.save_as(xlsx)
    df = pl.read_excel(xlsx, sheet_name="Données")
    assert df.columns[:3] == ["Raison sociale", "SIRET", "Type de SIAE"]
    assert df.height == 5
    b = df.filter(pl.col("Raison sociale") == "Bâtiment Sud Insertion").row(0, named=True)
    assert b["Chiffre d'affaires"] == 250000.0 and b["Bassin"] == "Sud"

    with page.expect_download(timeout=WAIT) as dl:
        page.locator("button", has_text="CSV (;)").first.click()
    csv = tmp_path / dl.value.suggested_filename
    dl.value.save_as(csv)
    raw = csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    df = pl.read_csv(csv, separator=";", decimal_comma=True, encoding="utf8-lossy")
    assert df.columns[0].lstrip("\ufeff") == "Raison sociale"
    assert "Taux de sortie dynamique (%)" in df.columns
    a = df.filter(pl.col("SIRET").cast(pl.String) == "11111111000016").row(0, named=True)
    assert a["Taux de sortie dynamique (%)"] == 100.0 and a["Retour complet"] == "oui"


def test_projection_on_a_1920x1080_wall(browser, app_url):
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="fr-FR")
    ctx.set_default_timeout(WAIT)
    p = ctx.new_page()
    try:
        open_page(p, f"{app_url}/bassins?projection=true")
        assert not p.locator('[data-testid="stSidebar"]').is_visible()  # no clutter
        assert p.locator("h1").first.inner_text().startswith("Bassin Nord · 2024")
        size = p.locator('[data-testid="stMetricValue"]').first.evaluate(
            "e => parseFloat(getComputedStyle(e.querySelector('p') || e).fontSize)")
        assert size >= 64  # readable from the back of the room
        assert_clean(p, "projection")
        main = p.locator('[data-testid="stMain"]')
        assert main.evaluate("e => e.scrollHeight <= e.clientHeight + 1"), "la projection ne tient pas à l'écran"
        p.screenshot(path=str(SCREENSHOTS / "bassins_projection_1920x1080.png"))
        p.locator('[data-testid="stMain"] button', has_text="Sud").first.click()
        p.wait_for_function("() => location.search.includes('bassin_projete=Sud')", timeout=WAIT)
        wait_for_app(p, WAIT)
        p.wait_for_function("() => document.querySelector('h1').innerText.startsWith('Bassin Sud')", timeout=WAIT)
        assert first_metric(p, "Salariés en insertion") == "1"
        p.screenshot(path=str(SCREENSHOTS / "bassins_projection_sud_1920x1080.png"))
    finally:
        ctx.close()


def test_pages_on_a_1920x1080_screen(browser, app_url):
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="fr-FR")
    ctx.set_default_timeout(WAIT)
    p = ctx.new_page()
    try:
        open_page(p, app_url)
        for spec in PAGES:
            go_to(p, spec)
            assert_clean(p, f"{spec.url_path} 1920")
            p.screenshot(path=str(SCREENSHOTS / f"{spec.url_path}_1920x1080.png"))
    finally:
        ctx.close()
