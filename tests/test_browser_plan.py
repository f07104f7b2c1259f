"""The « Plan d'action » page in headless Chromium on the bundled seed (its 2023-2025 plan):
objectives per axis in French format, the trend chart with its targets, the editor for the
local administrator. Screenshots at 1366x768 in tests/screenshots/ for a person to look at."""

from __future__ import annotations

import pytest
from browser_helpers import CHROMIUM, ROOT, SCREENSHOTS, chromium, streamlit_server, wait_for_app
from conftest import query

from ui.format import NNBSP

pytest.importorskip("playwright.sync_api", reason="paquet playwright absent (requirements.txt)")
if not CHROMIUM.exists():
    pytest.skip(f"Chromium absent : {CHROMIUM} introuvable ; les tests dans le navigateur sont ignorés.",
                allow_module_level=True)

WAIT = 30_000


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    from loaders.load import REJECTED, load_files

    link = tmp_path_factory.mktemp("seed") / "wh" / "iae.duckdb"
    results = load_files([ROOT / "seed_data" / "returns"], link, user="agent.ddets@example.org")
    assert not [r.name for r in results if r.status == REJECTED]
    return link


def test_plan_page_in_a_browser(seed):
    counts = dict(query(seed, "select statut, count(*) from suivi_objectifs where annee = 2024 group by statut"))
    with streamlit_server(seed) as url, chromium() as browser:
        ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
        ctx.set_default_timeout(WAIT)
        page = ctx.new_page()
        page.goto(f"{url}/plan_action?annee=2024")
        wait_for_app(page, WAIT)
        assert page.locator('[data-testid="stMain"] h1').inner_text().strip() == "Plan d'action"
        metric = page.locator('[data-testid="stMetric"]', has_text="atteint").first
        assert metric.locator('[data-testid="stMetricValue"]').inner_text().strip() == str(counts["ATTEINT"])
        # the axes are drawn after the metrics: wait for the last one (a loaded machine draws slowly)
        page.get_by_role("heading", name="Axe 4 : renforcer la professionnalisation des structures").wait_for()
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "plan_action_haut.png"))
        chart = page.locator('[data-testid="stVegaLiteChart"]').first
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        assert chart.locator("canvas, svg").count() >= 1
        page.screenshot(path=str(SCREENSHOTS / "plan_action_tendance.png"))
        page.screenshot(path=str(SCREENSHOTS / "plan_action_page.png"), full_page=True)
        text = page.locator('[data-testid="stMain"]').inner_text()
        assert f"60{NNBSP}%" in text and "Traceback" not in text
        assert page.get_by_text("Modifier le plan 2024").count() == 1  # local mode: the administrator edits
        page.get_by_text("Éditer le plan 2024 (tous les bassins)").click()
        editor = page.locator('[data-testid="stDataFrame"]').last
        editor.scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        assert page.get_by_role("button", name="Vérifier et enregistrer le plan 2024").count() == 1
        page.screenshot(path=str(SCREENSHOTS / "plan_action_editeur.png"))
        ctx.close()
