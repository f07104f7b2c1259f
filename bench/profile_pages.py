"""Where a page rerun spends its time: `python -m bench.profile_pages --page pages/bassins.py`.

Runs the app with AppTest as `bench.pages` does (IAE_DB names the warehouse), switches to each
page asked for, changes its filters as the bench does (states not yet cached, then the same
states again, cached), and prints the median of each kind and cProfile's top functions over the
reruns (cumulative time). Not part of `make bench`: a tool for whoever speeds a page up.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys

from bench import pages as bp


class _ScriptProfile:
    """cProfile of the script thread: AppTest runs the page in a thread of its own, so a
    profiler enabled in the calling thread sees only AppTest waiting."""

    def __init__(self) -> None:
        from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

        self.prof = cProfile.Profile()
        self.active = False
        original = ScriptRunner._run_script
        me = self

        def _run_script(runner, rerun_data):
            if not me.active:
                return original(runner, rerun_data)
            me.prof.enable()
            try:
                return original(runner, rerun_data)
            finally:
                me.prof.disable()

        ScriptRunner._run_script = _run_script

    def enable(self, on: bool = True) -> None:
        self.active = on

    def disable(self) -> None:
        self.active = False


def profile_page(at, sp: _ScriptProfile, path: str, timeout: float, top: int, sort: str) -> None:
    at.switch_page(path)
    first = bp.timed_run(at, timeout)
    filters = bp.find_filters(at)
    keys = {k: w.key for k, w in filters.items()}
    initial, changes = bp.plan_changes(filters)
    prof = sp.prof = cProfile.Profile()
    uncached, cached, undo = [], [], []
    current = dict(initial)
    for name, value in changes:
        undo.append((name, current[name]))
        current[name] = value
        bp.set_filter(at, keys, name, value)
        sp.enable(top > 0)
        uncached.append(bp.timed_run(at, timeout))
        sp.disable()
    for name, value in reversed(undo):
        bp.set_filter(at, keys, name, value)
        sp.enable(top > 0)
        cached.append(bp.timed_run(at, timeout))
        sp.disable()
    ms = lambda xs: f"{statistics.median(xs) * 1000:.0f} ms" if xs else "-"  # noqa: E731
    print(f"\n== {path}: première {first * 1000:.0f} ms, non en cache {ms(uncached)}, en cache {ms(cached)}"
          f" ({', '.join(f'{n}={v}' for n, v in changes)}{'; profilées, donc plus lentes' if top else ''})")
    if top:
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats(sort).print_stats(top)
        print(buf.getvalue())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.profile_pages")
    ap.add_argument("--page", action="append", help="pages/<fichier>.py (plusieurs possibles ; défaut : toutes)")
    ap.add_argument("--top", type=int, default=30, help="fonctions affichées (0 : temps seulement, sans profileur)")
    ap.add_argument("--sort", default="cumulative")
    ap.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args(argv)
    bp.preimport()
    bp.navigation_as_on_a_server()
    bp.script_cache_as_on_a_server()
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(bp.ROOT / "app.py"), default_timeout=args.timeout)
    at.run(timeout=args.timeout)
    paths = args.page or [p for _, p, _ in bp.page_list(bp.ROOT / "app.py")]
    sp = _ScriptProfile()
    for path in paths:
        profile_page(at, sp, path, args.timeout, args.top, args.sort)
    return 0


if __name__ == "__main__":
    sys.exit(main())
