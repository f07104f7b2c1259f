"""Local mode in a real browser: the app answers this computer only.

Without sign-in configured, the app is one local administrator's. `make run` listens on
127.0.0.1; if someone serves it on every interface anyway, a browser reaching it through
the machine's network address gets a refusal, never the data.
"""

from __future__ import annotations

import subprocess

import pytest
from browser_helpers import CHROMIUM, chromium, streamlit_server, wait_for_app
from conftest import fixture_warehouse

pytest.importorskip("playwright.sync_api", reason="paquet playwright absent (requirements.txt)")
if not CHROMIUM.exists():
    pytest.skip(f"Chromium absent : {CHROMIUM} introuvable. `make test` l'installe en root "
                "(apt-get install chromium) ; sinon installez-le pour lancer les tests dans le navigateur.",
                allow_module_level=True)


def network_address() -> str | None:
    """An IPv4 address of this machine other than loopback, if it has one."""
    out = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    return next((a for a in out if a.count(".") == 3 and not a.startswith("127.")), None)


def test_local_mode_serves_this_computer_and_refuses_the_network():
    address = network_address()
    if address is None:
        pytest.skip("cette machine n'a pas d'adresse réseau autre que 127.0.0.1 : rien à refuser")
    with streamlit_server(fixture_warehouse(), address="0.0.0.0") as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url + "/?annee=2024")
        wait_for_app(page)
        assert "Mode local" in page.locator('[data-testid="stSidebar"]').inner_text()
        assert page.locator('[data-testid="stMetric"]').count() > 0

        remote = url.replace("127.0.0.1", address)
        page.goto(remote + "/?annee=2024")
        page.wait_for_selector('[data-testid="stAlertContentError"]', timeout=20_000)
        page.wait_for_timeout(500)
        body = page.locator('[data-testid="stMain"]').inner_text()
        assert "accessible que depuis l'ordinateur qui le fait tourner" in body
        assert page.locator('[data-testid="stMetric"]').count() == 0
        assert page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').count() == 0
