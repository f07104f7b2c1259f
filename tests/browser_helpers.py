"""Shared by the app tests: the app as a real server driven by
Debian's Chromium with Playwright.

Never `playwright install`: it downloads a browser and fails offline. The Chromium of the
Debian package is used through `executable_path`; without it the browser tests skip and say why.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("IAE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--lang=fr-FR"]
SCREENSHOTS = ROOT / "tests" / "screenshots"


@contextmanager
def iae_db(link: Path) -> Iterator[Path]:
    """IAE_DB pointing at `link` for the duration (the app reads its warehouse from there)."""
    old = os.environ.get("IAE_DB")
    os.environ["IAE_DB"] = str(link)
    try:
        yield link
    finally:
        if old is None:
            os.environ.pop("IAE_DB", None)
        else:
            os.environ["IAE_DB"] = old


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(db: Path, timeout: float = 30.0, address: str = "127.0.0.1", port: int | None = None,
                     secrets: Path | None = None, env: dict[str, str] | None = None) -> Iterator[str]:
    """`streamlit run app.py` on a free port with IAE_DB=db; yields its base URL (on 127.0.0.1).

    `address` is what the server listens on (0.0.0.0: every interface, as on a server).
    `secrets`: the one secrets.toml the server reads (sign-in configured), instead of
    .streamlit/secrets.toml and ~/.streamlit/secrets.toml; `env`: more environment variables."""
    port = port or free_port()
    env = {**os.environ, "IAE_DB": str(db), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **(env or {})}
    log = open(db.parent / f"streamlit_{port}.log", "w")
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", address, "--server.fileWatcherType", "none"]
    if secrets is not None:
        command += ["--secrets.files", str(secrets)]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit s'est arrêté (code {proc.returncode}), voir {log.name}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"streamlit ne répond pas après {timeout} s, voir {log.name}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


@contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=30_000)
        try:
            yield browser
        finally:
            browser.close()


def wait_for_app(page, timeout_ms: int = 20_000) -> None:
    """Until the script run is over: no "running" indicator, and the main block rendered."""
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout_ms)
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')
               && !document.querySelector('[data-testid="stSkeleton"]')
               && document.querySelectorAll(
                   '[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]').length > 0""",
        timeout=timeout_ms)
    page.wait_for_timeout(400)  # charts (Vega) draw after the run ends


# The navigation sits in the page header (app.py: st.navigation(position="top")), one menu per section.
NAV = '[data-testid="stTopNav"]'
NAV_SECTION = '[data-testid="stTopNavSection"]'
NAV_LINK = '[data-testid="stTopNavDropdownLink"], [data-testid="stTopNavLink"]'


def nav_titles(page) -> list[str]:
    """Every page title the navigation offers, section by section (each menu opened in turn)."""
    titles = []
    for section in page.locator(NAV_SECTION).all():
        section.click()
        links = page.locator(NAV_LINK)
        links.first.wait_for(state="visible", timeout=5_000)
        titles += [t.split("\n")[-1].strip() for t in links.all_inner_texts()]
        page.keyboard.press("Escape")
        page.wait_for_timeout(150)
    return titles


def nav_click(page, title: str) -> None:
    """Open a page from the navigation, as a user does: its section's menu, then its title."""
    from ui.navigation import PAGES

    section = next(p.section for p in PAGES if p.title == title)
    page.locator(NAV_SECTION, has_text=section).first.click()
    page.locator(NAV_LINK, has_text=title).first.click()
