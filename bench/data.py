"""Bench data: the seed generator's returns at a given scale, regenerated only when needed.

A marker file beside the data names the parameters and the generator's fingerprint; when
they match, the files are reused (national scale takes about a minute to generate).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
from pathlib import Path

from seed_data import generate as gen

MARKER = "bench_data.json"


def _generator_fingerprint() -> str:
    return hashlib.sha256(Path(gen.__file__).read_bytes()).hexdigest()[:16]


def _params(n_siae: int, years: int, last_year: int, fmt: str) -> dict:
    return {"n_siae": n_siae, "years": years, "last_year": last_year, "format": fmt,
            "seed": gen.SEED, "generator": _generator_fingerprint()}


def _clear_years(folder: Path) -> None:
    if folder.is_dir():
        for child in folder.iterdir():
            if child.is_dir() and re.fullmatch(r"\d{4}", child.name):
                shutil.rmtree(child)


def ensure(folder: Path, n_siae: int, years: int, last_year: int, fmt: str) -> tuple[list[Path], float | None]:
    """The data files in `folder` (generated unless a matching marker says they are there),
    and the generation time in seconds (None when reused)."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / MARKER
    wanted = _params(n_siae, years, last_year, fmt)
    if marker.exists():
        try:
            saved = json.loads(marker.read_text())
        except ValueError:
            saved = {}
        files = [folder / f for f in saved.get("files", [])]
        if saved.get("params") == wanted and files and all(f.exists() for f in files):
            return files, None
    marker.unlink(missing_ok=True)  # written last: an interrupted generation is redone
    _clear_years(folder)
    t0 = time.perf_counter()
    files = [Path(f) for f in gen.generate(folder, n_siae, years, last_year, fmt)]
    elapsed = time.perf_counter() - t0
    marker.write_text(json.dumps({"params": wanted, "files": [str(f.relative_to(folder)) for f in files],
                                  "seconds": round(elapsed, 2)}, indent=1))
    return files, elapsed


def year_list(years: int, last_year: int) -> list[int]:
    return list(range(last_year - years + 1, last_year + 1))
