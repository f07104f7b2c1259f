"""Server-side time of each page, run in a child process: `python -m bench.pages --json OUT`.

The app is driven with Streamlit's AppTest, on the warehouse named by IAE_DB: first run of
each page, then reruns after filter changes (year, types, basins), first with data not yet in
the cache, then the same states again (cached). The app is written while the bench is: a
missing app.py, a missing page, a missing filter or a page that raises gives a note in the
results, never an exception out of this process.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import statistics
import sys
import time
import traceback
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The filters to change, found by widget key: exact names first, then any key containing the word.
FILTER_WORDS = {"annee": ("annee", "annees", "year"), "type": ("types", "type_siae", "types_siae", "type"),
                "bassin": ("bassins", "bassin")}
WIDGET_KINDS = ("selectbox", "multiselect", "radio", "segmented_control", "pills", "select_slider")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _widgets(at) -> list:
    out = []
    for kind in WIDGET_KINDS:
        try:
            out += list(getattr(at, kind))
        except Exception:  # noqa: BLE001 - an AppTest without this element kind
            pass
    return out


def find_filters(at) -> dict[str, object]:
    """The year, type and basin widgets of the current run, by key."""
    widgets = [w for w in _widgets(at) if getattr(w, "key", None)]
    found = {}
    for name, exact in FILTER_WORDS.items():
        by_exact = [w for w in widgets if _fold(w.key) in exact]
        by_word = [w for w in widgets if any(word in _fold(w.key) for word in exact)]
        if by_exact or by_word:
            found[name] = (by_exact or by_word)[0]
    return found


def _candidates(labels: list[str]) -> list:
    """Values an option may hold: numbers and contract codes first, the label itself last (a
    string that format_func rejects is shown as itself, so a label always "matches")."""
    pool: list = [int(lab) for lab in labels if re.fullmatch(r"-?\d+", lab.strip())]
    try:
        from contract import CODE_LISTS, COMMUNES_REUNION

        pool += [c for codes in CODE_LISTS.values() for c in codes]
        pool += sorted({b for _, _, b in COMMUNES_REUNION})
    except Exception:  # noqa: BLE001
        pass
    return pool + labels


def raw_options(widget) -> list:
    """The options' values (the widget shows their labels): the code whose label matches."""
    from streamlit.testing.v1.element_tree import _format_value_for_widget

    labels = list(widget.options)
    try:
        ff = widget.format_func
    except Exception:  # noqa: BLE001
        ff = str
    found: dict[str, object] = {}
    for c in _candidates(labels):
        try:
            lab = _format_value_for_widget(ff, c)
        except Exception:  # noqa: BLE001
            continue
        if lab in labels and lab not in found:
            found[lab] = c
    return [found[lab] for lab in labels if lab in found]


def _is_multi(widget) -> bool:
    return widget.type == "multiselect" or isinstance(widget.value, list)


def _label(widget, value) -> str | None:
    from streamlit.testing.v1.element_tree import _format_value_for_widget

    try:
        return None if value is None else _format_value_for_widget(widget.format_func, value)
    except Exception:  # noqa: BLE001
        return str(value)


def plan_changes(filters: dict) -> tuple[dict, list[tuple[str, object]]]:
    """(initial values, a list of (filter, new value)): each change leads to a state not seen before."""
    initial, changes = {}, []
    for name, w in filters.items():
        initial[name] = list(w.value) if _is_multi(w) else w.value
    raw = {name: raw_options(w) for name, w in filters.items()}
    if "annee" in filters:
        w = filters["annee"]
        shown = _label(w, initial["annee"])
        others = [v for v in raw["annee"] if _label(w, v) != shown]
        changes += [("annee", v) for v in others[:1]]
    # A basin (or, failing that, a type): two changes per page keep the whole bench short.
    for name in ("bassin", "type"):
        if len(changes) < 2 and name in filters and raw[name]:
            w = filters[name]
            first = raw[name][0]
            changes.append((name, [first] if _is_multi(w) else first))
    return initial, changes


def set_filter(at, filters_keys: dict[str, str], name: str, value) -> None:
    key = filters_keys[name]
    for w in _widgets(at):
        if getattr(w, "key", None) == key:
            w.set_value(value)
            # A filter bound to the URL: the address bar follows the widget, as in a browser.
            if key in at.query_params:
                if value in (None, []):
                    del at.query_params[key]
                else:
                    at.query_params[key] = [str(v) for v in value] if isinstance(value, list) else str(value)
            return
    raise LookupError(f"filtre {name} introuvable")


def _error(at) -> str | None:
    try:
        if at.exception:
            return at.exception[0].message.splitlines()[0][:200]
    except Exception:  # noqa: BLE001
        pass
    return None


def timed_run(at, timeout: float) -> float:
    t0 = time.perf_counter()
    at.run(timeout=timeout)
    return time.perf_counter() - t0


def measure_page(at, label: str, path: str | None, timeout: float, first_time: float | None = None) -> dict:
    """First run (switch to the page) and reruns after filter changes, uncached then cached."""
    res: dict = {"page": label, "fichier": path}
    try:
        if first_time is None:
            at.switch_page(path)
            first_time = timed_run(at, timeout)
        res["premiere_s"] = first_time
        err = _error(at)
        if err:
            res["erreur"] = err
            return res
        filters = find_filters(at)
        res["filtres"] = {k: w.key for k, w in filters.items()}
        if not filters:
            res["note"] = "aucun filtre année/bassin/type trouvé"
            return res
        keys = {k: w.key for k, w in filters.items()}
        initial, changes = plan_changes(filters)
        uncached, undo = [], []
        current = dict(initial)
        for name, value in changes:
            undo.append((name, current[name]))
            current[name] = value
            set_filter(at, keys, name, value)
            uncached.append(timed_run(at, timeout))
            err = _error(at)
            if err:
                res["erreur"] = f"après changement du filtre {name} : {err}"
                return res
        # The same states again, now in the cache: the changes undone one by one, back to the start.
        cached = []
        for name, value in reversed(undo):
            set_filter(at, keys, name, value)
            cached.append(timed_run(at, timeout))
        res["changements"] = [f"{n}={v}" for n, v in changes]
        res["filtre_non_cache_s"] = statistics.median(uncached) if uncached else None
        res["filtre_non_cache_max_s"] = max(uncached) if uncached else None
        res["filtre_cache_s"] = statistics.median(cached) if cached else None
        res["relances"] = {"non_cache": uncached, "cache": cached}
    except Exception as exc:  # noqa: BLE001 - a page still being written must not stop the bench
        res["erreur"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:200]
    return res


def page_list(app: Path) -> list[tuple[str, str, bool]]:
    """(title, path relative to the app's folder, default) of the pages, in menu order."""
    try:
        nav = importlib.import_module("ui.navigation")
        specs = nav.pages_for("admin") if hasattr(nav, "pages_for") else list(nav.PAGES)
        return [(s.title, s.path, bool(getattr(s, "default", False))) for s in specs]
    except Exception:  # noqa: BLE001 - no navigation module: the files in pages/
        return [(p.stem, f"pages/{p.name}", False) for p in sorted((app.parent / "pages").glob("*.py"))]


def preimport() -> None:
    """Load the libraries before timing: a running server has them already."""
    for name in ("streamlit", "altair", "polars", "duckdb", "pandas", "pyarrow", "warehouse.queries"):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001
            pass
    for f in sorted((ROOT / "ui").glob("*.py")):
        try:
            importlib.import_module(f"ui.{f.stem}")
        except Exception:  # noqa: BLE001
            pass


def navigation_as_on_a_server() -> None:
    """Run the app through its st.navigation at every AppTest run, as a server does.

    A server that finds a `pages/` folder starts in the old multipage mode, and leaves it for
    good at the first st.navigation call. AppTest resets that flag before every run, so from
    the second run on it executes the page file alone, without app.py (no sidebar, no filters).
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = __init__


def script_cache_as_on_a_server() -> None:
    """Compile each script once, as a server does.

    A server keeps one ScriptCache (compiled app.py and pages, magic included) for all its
    sessions and reruns; AppTest makes a new one at every run, so each timed rerun also
    parsed and compiled app.py and the page again (20 to 40 ms a rerun on the larger pages).
    """
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared


def run(app: Path, timeout: float) -> dict:
    if not app.is_file():
        return {"statut": "absent", "note": f"{app.name} absent : pages non mesurées", "pages": []}
    preimport()
    from bench.regime import sans_preparation_en_fond

    sans_preparation_en_fond()
    navigation_as_on_a_server()
    script_cache_as_on_a_server()
    from streamlit.testing.v1 import AppTest

    pages = page_list(app)
    at = AppTest.from_file(str(app), default_timeout=timeout)
    results = []
    try:
        first = timed_run(at, timeout)
    except Exception as exc:  # noqa: BLE001
        return {"statut": "erreur", "note": f"app.py ne s'exécute pas : {str(exc).splitlines()[0][:200]}",
                "pages": []}
    default = next((p for p in pages if p[2]), None)
    label = default[0] if default else "page d'accueil"
    results.append(measure_page(at, label, default[1] if default else None, timeout, first_time=first))
    for title, path, is_default in pages:
        if is_default:
            continue
        if not (app.parent / path).is_file():
            results.append({"page": title, "fichier": path, "erreur": "fichier absent"})
            continue
        results.append(measure_page(at, title, path, timeout))
    return {"statut": "ok", "pages": results}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.pages")
    ap.add_argument("--app", type=Path, default=ROOT / "app.py")
    ap.add_argument("--json", type=Path, required=True)
    ap.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args(argv)
    try:
        res = run(args.app.resolve(), args.timeout)
    except Exception as exc:  # noqa: BLE001
        res = {"statut": "erreur", "note": f"{type(exc).__name__}: {exc}"[:300], "pages": [],
               "trace": traceback.format_exc()[-2000:]}
    args.json.write_text(json.dumps(res, default=str, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
