"""Fictitious demand figures by commune (the `demande_territoire` template), for the seed.

Orders of magnitude of La Réunion's public statistics, not the statistics themselves: about
160,000 job seekers in categories A, B, C on the island (45 % registered for a year or
more, 13 % under 26), 70,000 households on RSA, 580,000 people aged 15 to 64, split by the
communes' populations (rounded legal populations) with a commune-level tilt and a little
noise from the fixed seed. seed_data/README.md says they are fictitious (a title line in
the CSV would hide its header from the loader).
"""

from __future__ import annotations

import random
from pathlib import Path

from contract import COMMUNES_REUNION, TEMPLATES

# Inhabitants by commune, rounded: what the split follows.
POPULATION = {
    "97401": 11_400, "97402": 13_200, "97403": 7_100, "97404": 14_100, "97405": 12_300, "97406": 6_800,
    "97407": 32_900, "97408": 33_500, "97409": 56_900, "97410": 38_000, "97411": 153_800, "97412": 38_100,
    "97413": 34_800, "97414": 53_600, "97415": 105_000, "97416": 84_900, "97417": 5_200, "97418": 34_100,
    "97419": 6_300, "97420": 24_000, "97421": 7_300, "97422": 79_800, "97423": 7_100, "97424": 5_500,
}
# Communes where job seekers weigh more (or less) than their population says.
TILT = {"97407": 1.25, "97409": 1.15, "97410": 1.1, "97414": 1.1, "97421": 1.15, "97403": 0.85, "97404": 0.9,
        "97408": 0.85, "97418": 0.9}
PER_INHABITANT = {"demandeurs_emploi": 0.184, "beneficiaires_rsa": 0.080, "population_15_64": 0.665}
PART_LONGUE_DUREE, PART_MOINS_26 = 0.45, 0.13
TREND = {2023: 1.03, 2024: 1.0, 2025: 0.97}  # job seekers slowly fewer, as on the island lately


def rows(years: list[int], seed: int) -> list[list[int | str]]:
    rng = random.Random(seed * 7 + 974)
    out = []
    for year in years:
        trend = TREND.get(year, 1.0)
        for code, _, _ in COMMUNES_REUNION:
            pop = POPULATION[code]
            tilt = TILT.get(code, 1.0)
            de = round(pop * PER_INHABITANT["demandeurs_emploi"] * tilt * trend * rng.uniform(0.98, 1.02))
            out.append([
                year, code, de, round(de * PART_LONGUE_DUREE * rng.uniform(0.95, 1.05)),
                round(pop * PER_INHABITANT["beneficiaires_rsa"] * tilt * rng.uniform(0.97, 1.03)),
                round(de * PART_MOINS_26 * rng.uniform(0.9, 1.1)),
                round(pop * PER_INHABITANT["population_15_64"] * rng.uniform(0.99, 1.01)),
            ])
    return out


def _french(n: int) -> str:
    return f"{n:,}".replace(",", " ")  # thousands by a space, as French Excel writes them


def write_demande(out_dir: Path, years: list[int], seed: int) -> list[Path]:
    """One French CSV per year (`;`, Windows-1252, labels as headers), under <year>/."""
    t = TEMPLATES["demande_territoire"]
    written = []
    by_year: dict[int, list] = {}
    for r in rows(years, seed):
        by_year.setdefault(r[0], []).append(r)
    for year, year_rows in by_year.items():
        lines = [";".join(c.label for c in t.columns)]
        lines += [";".join([str(r[0]), r[1], *(_french(v) for v in r[2:])]) for r in year_rows]
        path = Path(out_dir) / str(year) / f"demande_territoire_{year}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
        written.append(path)
    return written
