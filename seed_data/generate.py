"""Deterministic generator of synthetic yearly returns of the SIAE of La Réunion.

    python seed_data/generate.py                      # the bundled seed: seed_data/returns/ (messy)
    python seed_data/generate.py --scale national --out bench/out/national   # benchmark (plain)

Everything comes from one fixed seed (stdlib `random.Random`), so two runs give
byte-identical files. Columns, code lists and communes come from `contract`;
only weights (how often a code is used) are set here. Every value obeys the rules of
docs/CONTRACT.md section 2: the data is messy in *format*, never invalid.

Two output formats:
- `messy`: what structures really send (see README.md): per basin consolidated CSV files
  in four flavours, per-structure workbooks, the register as a workbook.
- `plain`: one CSV per template per year (UTF-8, `;`, ISO dates, decimal point), written
  in chunks of structures so that memory stays small at national scale.

This file is the entry point; the generator lives in seed_data/generator/, by job:
profiles.py (the structures and their parameters), simulation.py (people, contracts,
accounts), writers.py (the CSV and XLSX files).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):  # run as a script: make `contract` and `seed_data` importable
    sys.path.insert(0, str(ROOT))

from seed_data.generator.demande import write_demande  # noqa: E402
from seed_data.generator.profiles import SCALES, SEED, build_population  # noqa: E402
from seed_data.generator.writers import write_messy, write_plain  # noqa: E402

# ---------------------------------------------------------------------------------------------


def generate(out_dir, n_siae: int, years: int, last_year: int = 2025, fmt: str = "plain",
             seed: int = SEED, workers: int | None = None) -> list[Path]:
    """Write the returns of `n_siae` structures over `years` years ending with `last_year`
    into `out_dir`; return the files written."""
    out_dir = Path(out_dir)
    year_list = list(range(last_year - years + 1, last_year + 1))
    population = build_population(n_siae, year_list, seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    if fmt == "messy":
        return write_messy(out_dir, population, year_list, seed) + write_demande(out_dir, year_list, seed)
    if fmt != "plain":
        raise ValueError(f"unknown format {fmt!r}")
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if n_siae >= 500 else 1
    return write_plain(out_dir, population, year_list, seed, workers=workers)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate synthetic SIAE returns (deterministic).")
    ap.add_argument("--scale", choices=sorted(SCALES), default="reunion")
    ap.add_argument("--siae", type=int, help="number of structures (default: by scale)")
    ap.add_argument("--years", type=int, help="number of years (default: by scale)")
    ap.add_argument("--last-year", type=int, default=2025)
    ap.add_argument("--out", type=Path, help="output directory (default: by scale)")
    ap.add_argument("--format", choices=("messy", "plain"), help="default: messy for reunion, plain otherwise")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--workers", type=int, help="processes for the plain format (default: up to 2)")
    args = ap.parse_args(argv)
    n, y, fmt, out = SCALES[args.scale]
    n = args.siae or n
    y = args.years or y
    fmt = args.format or fmt
    out = args.out or out
    if n < 1 or y < 1:
        ap.error("--siae and --years must be positive")
    # Regenerating replaces the year folders a previous run wrote; nothing else is removed.
    if out.is_dir():
        for child in out.iterdir():
            if child.is_dir() and re.fullmatch(r"\d{4}", child.name):
                shutil.rmtree(child)
    t0 = time.perf_counter()
    files = generate(out, n, y, args.last_year, fmt, seed=args.seed, workers=args.workers)
    size = sum(f.stat().st_size for f in files)
    print(f"{len(files)} files, {size / 1e6:.1f} MB written to {out} in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
