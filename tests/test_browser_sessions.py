"""Several people open the app at the same moment (a committee opening the link it was sent):
every tab shows its page, none an exception. On a new server, tabs opened at once used to
fail: the first one left Streamlit's legacy pages mode for the whole process while the others
ran their page without app.py (`KeyError: st.session_state has no key "_filtres"`), and Python
functions inside polars expressions deadlocked threads of concurrent sessions for good.
"""

from __future__ import annotations

import time

import pytest
from browser_helpers import CHROMIUM, chromium, streamlit_server, wait_for_app
from conftest import fixture_warehouse

from ui.navigation import pages_for

pytest.importorskip("playwright.sync_api", reason="paquet playwright absent (requirements.txt)")
if not CHROMIUM.exists():
    pytest.skip(f"Chromium absent : {CHROMIUM} introuvable. `make test` l'installe en root "
                "(apt-get install chromium) ; sinon les tests dans le navigateur sont ignorés.",
                allow_module_level=True)

TABS = 8
WAIT = 120  # s for all the tabs together: eight scripts at once on two shared cores


def test_tabs_opened_at_once_on_a_new_server_all_show_their_page(tmp_path):
    paths = [p.url_path or "" for p in pages_for("admin")]
    with streamlit_server(fixture_warehouse(tmp_path)) as url, chromium() as browser:
        ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
        tabs = [ctx.new_page() for _ in range(TABS)]
        for i, tab in enumerate(tabs):  # every request sent before any page is drawn
            tab.goto(f"{url}/{paths[i % len(paths)]}", wait_until="commit")
        problems, deadline = [], time.monotonic() + WAIT
        for i, tab in enumerate(tabs):
            try:
                wait_for_app(tab, max(1_000, int((deadline - time.monotonic()) * 1000)))
            except Exception as exc:  # noqa: BLE001 - every tab is checked, then all are reported
                problems.append(f"onglet {i + 1} ({paths[i % len(paths)] or '/'}) : jamais affiché ({exc!s:.80})")
                continue
            if tab.locator('[data-testid="stException"]').count():
                problems.append(f"onglet {i + 1} : {tab.locator('[data-testid=stException]').first.inner_text()[:200]}")
        ctx.close()
    assert not problems, problems
