"""The app in a browser: `streamlit run app.py`, then in headless Chromium the time of a page
switch from the navigation (first tab, alone on the server), then N tabs opened one at a time
(one session each) and the server's RSS (with its children) once every page shows.

Every wait is bounded and the server is always stopped. No Chromium, no playwright or no
app.py: a note instead of figures.
"""

from __future__ import annotations

import os
import signal
import statistics
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil

from bench.measure import ROOT, RssSampler, tree_rss

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
# A page has rendered when the script finished and the main block shows at least one element.
RENDERED_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !!document.querySelector('[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]');
}"""


# The navigation sits in the page header, one menu per section (as tests/browser_helpers.py).
NAV_SECTION = '[data-testid="stTopNavSection"]'
NAV_LINK = '[data-testid="stTopNavDropdownLink"], [data-testid="stTopNavLink"]'
# A page has stopped changing when the script is not running and the DOM has not changed for
# this long; the window is subtracted from the time measured (the switch ended at the last change).
QUIET_MS = 150
# Installed once per tab (page switches do not reload it): the time of the last click (capture
# phase: before the app handles it) and of the last DOM change.
WATCH_JS = """() => {
  if (window.__banc) return;
  window.__banc = {clic: 0, change: performance.now()};
  document.addEventListener('click', () => { window.__banc.clic = performance.now(); }, true);
  new MutationObserver(() => { window.__banc.change = performance.now(); })
    .observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
}"""
SETTLED_JS = """([title, quiet]) => {
  const b = window.__banc, app = document.querySelector('[data-testid="stApp"]');
  const h1 = document.querySelector('[data-testid="stMain"] h1');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning' && b.change > b.clic
    && !!h1 && h1.innerText.trim() === title && performance.now() - b.change >= quiet;
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_health(port: int, proc: subprocess.Popen, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server we started, and its own process group only."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _browser_cpu(server_pid: int) -> float:
    """CPU seconds of our other descendants (playwright's driver, Chromium): they are not
    reaped into our own rusage, so the "other processes" figure must not count them."""
    total = 0.0
    for p in psutil.Process().children(recursive=True):
        try:
            if p.pid == server_pid or server_pid in {a.pid for a in p.parents()}:
                continue
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def _shows_exception(page) -> bool:
    try:
        return bool(page.evaluate("() => !!document.querySelector('[data-testid=\"stException\"]')"))
    except Exception:  # noqa: BLE001
        return False


def url_paths() -> list[str]:
    """The pages' URL paths, to spread the sessions over the pages as real users would."""
    try:
        from ui.navigation import pages_for

        return [p.url_path or "" for p in pages_for("admin")]
    except Exception:  # noqa: BLE001 - no navigation module yet: the default page only
        return [""]


def switch_page(page, spec, timeout_ms: float) -> float:
    """Open `spec` from the navigation as a user does (its section's menu, then its title);
    seconds from the click on the title to the page's last change."""
    page.locator(NAV_SECTION, has_text=spec.section).first.click(timeout=timeout_ms)
    link = page.locator(NAV_LINK, has_text=spec.title).first
    link.wait_for(state="visible", timeout=timeout_ms)
    link.click(timeout=timeout_ms)
    page.wait_for_function(SETTLED_JS, arg=[spec.title, QUIET_MS], timeout=timeout_ms, polling=20)
    return page.evaluate("() => (window.__banc.change - window.__banc.clic) / 1000")


def page_switches(page, timeout: float) -> dict:
    """Every page of the navigation opened from the one before, the home page last (so that
    it too is reached from another page). A page that fails is noted, the others measured."""
    from ui.navigation import pages_for

    specs = pages_for("admin")
    page.evaluate(WATCH_JS)
    times, errors = {}, []
    for spec in [*specs[1:], specs[0]]:
        try:
            times[spec.title] = switch_page(page, spec, timeout * 1000)
        except Exception as exc:  # noqa: BLE001 - one page that never settles is noted, not fatal
            errors.append(f"{spec.title} : {str(exc).splitlines()[0][:120]}")
            page.keyboard.press("Escape")
    res: dict = {"durees_s": times, "erreurs": errors}
    if times:
        worst = max(times, key=times.get)
        res.update(mediane_s=statistics.median(times.values()), pire_s=times[worst], pire_page=worst)
    return res


def measure(link: Path, n_sessions: int = 10, app: Path = ROOT / "app.py", timeout: float = 90,
            switches: bool = True) -> dict:
    """Server memory with `n_sessions` tabs; with `switches`, the first tab first opens every
    page from the navigation, alone on the server (page_switches)."""
    if not app.is_file():
        return {"statut": "ignore", "note": "app.py absent"}
    if not CHROMIUM.exists():
        return {"statut": "ignore", "note": f"{CHROMIUM} absent : sessions non mesurées", "chromium_absent": True}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"statut": "ignore", "note": "paquet playwright absent : sessions non mesurées"}

    port = free_port()
    env = dict(os.environ, IAE_DB=str(link))
    log = open(link.parent / "streamlit_bench.log", "w")
    proc = subprocess.Popen(
        # bench.serveur: `streamlit run` in the steady state (bench/regime.py)
        [sys.executable, "-m", "bench.serveur", "run", str(app), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    res: dict = {"statut": "ok", "sessions": n_sessions}
    try:
        if not _wait_health(port, proc, 60):
            return {"statut": "erreur", "note": "le serveur Streamlit n'a pas démarré en 60 s"}
        server = psutil.Process(proc.pid)
        res["rss_demarrage"] = tree_rss(server)
        paths = url_paths()
        with sync_playwright() as pw, RssSampler(proc.pid) as sampler:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            try:
                pages, rendered, errors = [], [], []
                t0 = time.perf_counter()
                # One browser context, one tab per session: each tab opens its own websocket, hence its
                # own Streamlit session, and the tabs share the HTTP cache as an office's browser does
                # (a context per tab recompiles the whole frontend each time: twice as slow here).
                context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
                # The first tab alone (one session's memory, then the page switches); then the
                # others all at once, as a committee opening the link it was sent (a new server
                # used to fail there: tests/test_browser_sessions.py).
                for group in ([0], range(1, n_sessions)):
                    for i in group:
                        page = context.new_page()
                        pages.append(page)
                        try:
                            page.goto(f"http://127.0.0.1:{port}/{paths[i % len(paths)]}", wait_until="commit",
                                      timeout=max(1.0, timeout - (time.perf_counter() - t0)) * 1000)
                        except Exception as exc:  # noqa: BLE001 - counted below, not fatal
                            errors.append(f"session {i + 1} : {str(exc).splitlines()[0][:120]}")
                    for i in group:
                        left = max(1.0, timeout - (time.perf_counter() - t0))
                        try:
                            pages[i].wait_for_function(RENDERED_JS, timeout=left * 1000)
                            rendered.append(i)
                        except Exception as exc:  # noqa: BLE001 - a page that never renders is counted
                            errors.append(f"session {i + 1} : {str(exc).splitlines()[0][:120]}")
                    if group == [0] and rendered:
                        res["rss_une_session"] = tree_rss(server)
                        res["premiere_session_s"] = time.perf_counter() - t0
                        if switches:
                            res["changements_page"] = page_switches(pages[0], timeout=30)
                            # the switches are not part of the sessions' display time
                            t0 = time.perf_counter() - res["premiere_session_s"]
                res["toutes_sessions_s"] = time.perf_counter() - t0
                failed = [i + 1 for i, page in enumerate(pages) if _shows_exception(page)]
                if failed:
                    errors.append(f"session(s) {', '.join(map(str, failed))} : la page affiche une exception")
                time.sleep(1.0)  # let the reruns settle before reading memory
                res["rss_sessions"] = tree_rss(server)
                res["sessions_affichees"] = len(rendered)
                if errors:
                    res["erreurs"] = errors[:5]
            finally:
                res["cpu_navigateur_s"] = _browser_cpu(proc.pid)
                browser.close()
        res["rss_pic"] = max(sampler.peak, res.get("rss_sessions", 0))
    except Exception as exc:  # noqa: BLE001 - the bench reports, it does not crash
        res.update(statut="erreur", note=f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    finally:
        _stop(proc)
        log.close()
    return res
