"""« Territoires » in a real browser (French locale, 1366x768): the map drawn by Vega, the
basin table; and a CTA member, signed in through the test OpenID provider of
test_browser_oidc.py, reads « secret » in the salaried-people columns.

Uses Debian's /usr/bin/chromium; never `playwright install`.
"""

from __future__ import annotations

import secrets
import shutil

import pytest
from browser_helpers import ROOT, SCREENSHOTS, chromium, free_port, streamlit_server, wait_for_app
from conftest import fixture_warehouse

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the provider's Authlib, not ours

from test_browser_oidc import USERS, WAIT, assert_clean, provider, sign_in  # noqa: F401  (provider: a fixture)

DEMANDE = ROOT / "tests" / "fixtures" / "territoires" / "demande_territoire.csv"


@pytest.fixture(scope="module")
def app(provider, tmp_path_factory):  # noqa: F811
    """The fixture warehouse with the demand figures of tests/fixtures/territoires, served with
    sign-in configured; (base URL)."""
    from loaders.load import load_files

    folder = tmp_path_factory.mktemp("territoires_navigateur")
    shutil.copytree(fixture_warehouse().parent, folder / "wh", symlinks=True,
                    ignore=shutil.ignore_patterns("*.log", "*.audit.jsonl", "*.prochaine*"))
    link = folder / "wh" / "iae.duckdb"
    [r] = load_files([DEMANDE], link, user="tests")
    assert r.status == "loaded"
    users = folder / "utilisateurs.toml"
    users.write_text(USERS, encoding="utf-8")
    port = free_port()
    secrets_toml = folder / "secrets.toml"
    secrets_toml.write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "{secrets.token_urlsafe(32)}"
client_id = "observatoire-iae-tests"
client_secret = "{secrets.token_urlsafe(16)}"
server_metadata_url = "{provider}/.well-known/openid-configuration"
""", encoding="utf-8")
    with streamlit_server(link, port=port, secrets=secrets_toml, env={"IAE_UTILISATEURS": str(users)},
                          timeout=60) as url:
        yield url


@pytest.fixture
def page():
    with chromium() as browser:
        ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
        ctx.set_default_timeout(WAIT)
        yield ctx.new_page()
        ctx.close()


def open_territoires(page, url: str) -> None:
    page.goto(url + "/territoires?annee=2024")
    page.wait_for_function("() => { const h = document.querySelector('[data-testid=\"stMain\"] h1');"
                           " return h && h.innerText.includes('Territoires'); }", timeout=WAIT)
    wait_for_app(page, WAIT)
    page.wait_for_selector('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg',
                           timeout=WAIT)


def grid_cells(page) -> dict[str, list[str]]:
    """The basin table, column by column. The grid draws on a canvas and keeps an accessible
    table of the columns in view only: scroll it across and read that table each time."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.locator("table thead th").first.wait_for(state="attached", timeout=WAIT)
    columns: dict[str, list[str]] = {}
    for step in range(12):
        page.wait_for_timeout(300)
        seen = grid.evaluate("""e => { const t = e.querySelector('table'); if (!t) return [];
            const heads = Array.from(t.querySelectorAll('thead th')).map(h => h.textContent.trim());
            const rows = Array.from(t.querySelectorAll('tbody tr')).map(
                r => Array.from(r.querySelectorAll('td')).map(c => c.textContent.trim()));
            return heads.map((h, j) => [h, rows.map(r => r[j])]); }""")
        columns.update({h: v for h, v in seen if h})
        done = grid.evaluate("""e => { const s = e.querySelector('.dvn-scroller'); if (!s) return true;
            const end = s.scrollLeft + s.clientWidth >= s.scrollWidth - 1; s.scrollLeft += s.clientWidth / 2;
            return end; }""")
        if done:
            break
    return columns


def test_an_officer_sees_the_map_and_the_basin_table(page, app):
    sign_in(page, app + "/?annee=2024", "agent")
    open_territoires(page, app)
    assert_clean(page, "territoires agent")
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    assert charts.count() >= 2  # the map, then the trends
    box = charts.first.bounding_box()
    assert box and box["width"] > 400 and box["height"] > 250  # the map is drawn, not an empty frame
    table = grid_cells(page)
    assert table["Bassin"] == ["Est", "Nord", "Ouest", "Sud", "Tous les bassins"], table
    assert table["Demandeurs d'emploi (A, B, C)"][1] == "25000"  # Nord: 20 000 + 5 000 (Saint-Denis, Sainte-Marie)
    salaries = next(h for h in table if h.startswith("Salariés en insertion"))
    assert table[salaries][1] == "4"  # Nord in 2024, as test_territoires and test_indicateurs
    page.screenshot(path=str(SCREENSHOTS / "territoires_agent_1366x768.png"))


def test_a_committee_member_reads_secret_in_the_salaried_columns(page, app):
    sign_in(page, app + "/?annee=2024", "cta")
    open_territoires(page, app)
    assert_clean(page, "territoires cta")
    table = grid_cells(page)
    assert table["Bassin"] == ["Est", "Nord", "Ouest", "Sud", "Tous les bassins"], table
    secrets_ = [h for h, v in table.items() if v == ["secret"] * 5]
    assert len(secrets_) == 4, table  # nb_salaries, nb_salaries_rsa and their two ratios
    assert table["Nombre de SIAE"] == ["0", "2", "1", "2", "5"]  # the supply stays public
    page.locator('[data-testid="stDataFrame"]').first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "territoires_cta_1366x768.png"))
