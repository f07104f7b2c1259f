"""Memory of the app server with N browser sessions: `streamlit run app.py`, N headless
Chromium contexts (one session each), server RSS (with its children) once every page shows.

Every wait is bounded and the server is always stopped. No Chromium, no playwright or no
app.py: a note instead of figures.
"""

from __future__ import annotations

import os
import signal
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


def measure(link: Path, n_sessions: int = 10, app: Path = ROOT / "app.py", timeout: float = 90) -> dict:
    if not app.is_file():
        return {"statut": "ignore", "note": "app.py absent"}
    if not CHROMIUM.exists():
        return {"statut": "ignore", "note": f"{CHROMIUM} absent : sessions non mesurées"}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"statut": "ignore", "note": "paquet playwright absent : sessions non mesurées"}

    port = free_port()
    env = dict(os.environ, IAE_DB=str(link))
    log = open(link.parent / "streamlit_bench.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=app.parent, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
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
                context = browser.new_context()
                for i in range(n_sessions):
                    page = context.new_page()
                    page.goto(f"http://127.0.0.1:{port}/{paths[i % len(paths)]}", wait_until="commit",
                              timeout=timeout * 1000)
                    pages.append(page)
                    if i == 0:
                        page.wait_for_function(RENDERED_JS, timeout=timeout * 1000)
                        res["rss_une_session"] = tree_rss(server)
                        res["premiere_session_s"] = time.perf_counter() - t0
                for i, page in enumerate(pages):
                    left = max(1.0, timeout - (time.perf_counter() - t0))
                    try:
                        page.wait_for_function(RENDERED_JS, timeout=left * 1000)
                        rendered.append(i)
                    except Exception as exc:  # noqa: BLE001 - a page that never renders is counted, not fatal
                        errors.append(f"session {i + 1} : {str(exc).splitlines()[0][:120]}")
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
