"""Late returns: one SIAE's corrected `finances` return, loaded N times into a copy of the
bench warehouse with the real command, then what the versions cost on disk, and what is
left after `python -m warehouse prune`.

Every load writes a new version of the warehouse (warehouse.db, new_version), a full copy made
ahead by the load before (copy_ahead): one more version on disk each. The first load has no
copy ahead (the bench just copied the warehouse): it makes its own. The loads run
with the retention policy off ([versions] apres_chargement = false in a copy of
config/observatoire.toml named by IAE_CONFIG), so the disk figure is what a year of
un-pruned late returns would cost; then the prune command applies the real policy.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import statistics
import time
from decimal import Decimal
from pathlib import Path

from bench.measure import run_child
from contract.templates import TEMPLATES
from warehouse import settings
from warehouse.db import connect_read, current_file, list_versions, spare_of, versions_dir

FINANCES = TEMPLATES["finances"].column_names
# Each load adds this many euros to the turnover, so every load really replaces the return.
PAS_EUROS = Decimal("100")
# The un-pruned loads must leave room on the disk: above this share of the free space, the
# loads run with the real policy and the un-pruned figure is computed, not measured.
PART_DISQUE_MAX = 0.5


def copy_warehouse(link: Path, dest: Path) -> Path:
    """A warehouse at `dest` holding only the current version of `link`, under its own
    number, laid out as warehouse.db expects (a relative link into `<dest>.versions/`)."""
    shutil.rmtree(dest.parent, ignore_errors=True)
    folder = versions_dir(dest)
    folder.mkdir(parents=True)
    cur = current_file(link)
    shutil.copyfile(cur, folder / cur.name)
    os.symlink(os.path.relpath(folder / cur.name, dest.parent), dest)
    return dest


def config_without_pruning(path: Path) -> Path:
    """The project's settings file with only the prune-after-load switch turned off (the
    other sections stay identical: a changed threshold would rebuild every mart at the load)."""
    text = settings.CONFIG.read_text(encoding="utf-8")
    key = re.compile(r"^apres_chargement\s*=.*$", re.M)
    if key.search(text):
        text = key.sub("apres_chargement = false", text)
    elif re.search(r"^\[versions\]", text, re.M):
        text = re.sub(r"^\[versions\]\s*$", "[versions]\napres_chargement = false", text, count=1, flags=re.M)
    else:
        text += "\n[versions]\napres_chargement = false\n"
    path.write_text(text, encoding="utf-8")
    return path


def finances_row(link: Path) -> dict:
    """An existing finances return of the latest year (the smallest SIRET: the same one at
    every run of the same data)."""
    con = connect_read(link)
    try:
        rel = con.sql(f"select {', '.join(FINANCES)} from raw_finances "
                      "where annee = (select max(annee) from raw_finances) order by siret limit 1")
        rows = rel.fetchall()
    finally:
        con.close()
    if not rows:
        raise ValueError("aucun retour finances dans l'entrepôt")
    return dict(zip(FINANCES, rows[0]))


def write_return(row: dict, path: Path) -> None:
    """A one-row finances CSV in the contract's format (`;`, decimal point, empty = absent)."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(FINANCES)
        w.writerow(["" if row[c] is None else str(row[c]) for c in FINANCES])


def folder_bytes(link: Path) -> int:
    return sum(p.stat().st_size for p in versions_dir(link).rglob("*") if p.is_file())


def stored_turnover(link: Path, siret: str, annee: int) -> Decimal | None:
    con = connect_read(link)
    try:
        rows = con.sql("select chiffre_affaires from raw_finances where siret = $s and annee = $a",
                       params={"s": siret, "a": annee}).fetchall()
    finally:
        con.close()
    return Decimal(str(rows[0][0])) if rows else None


def _at_rest(link: Path, timeout: float = 30.0) -> None:
    """Wait for the copy the next load starts from (warehouse.db.copy_ahead, 0.4 s at national
    scale): an officer's late returns come days apart, each onto a warehouse at rest. Loaded
    back to back, each would also wait for the copy of the one before (median 0.88 s against
    0.6 to 0.7 s at rest, national scale)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = current_file(link)
        if current is None or spare_of(current).exists():
            return
        time.sleep(0.05)


def _loads(link: Path, row: dict, n: int, work: Path, env: dict) -> tuple[list, list[str]]:
    runs, errors = [], []
    base = Decimal(str(row["chiffre_affaires"]))
    for i in range(n):
        row = dict(row, chiffre_affaires=base + PAS_EUROS * (i + 1))
        path = work / f"finances_tardif_{i + 1:03d}.csv"
        write_return(row, path)
        run = run_child(["-m", "loaders", "load", str(path), "--db", str(link), "--user", "bench", "--quiet"],
                        env=env, timeout=600)
        runs.append(run)
        path.unlink()
        _at_rest(link)
        if run.returncode:
            errors.append(f"chargement {i + 1} : code {run.returncode} : "
                          + ((run.stdout + run.stderr).strip().splitlines() or ["?"])[-1][:150])
    return runs, errors


def measure(link: Path, out: Path, n: int) -> dict:
    work = out / "tardifs"
    copy = copy_warehouse(link, work / "wh" / "iae.duckdb")
    row = finances_row(copy)
    before = folder_bytes(copy)
    version_size = current_file(copy).stat().st_size
    free = shutil.disk_usage(work).free
    measured = version_size * n <= PART_DISQUE_MAX * free
    env = dict(os.environ)
    env.pop("IAE_DB", None)
    if measured:
        env["IAE_CONFIG"] = str(config_without_pruning(work / "observatoire_sans_conservation.toml"))
    runs, errors = _loads(copy, row, n, work, env)
    seconds = [r.seconds for r in runs]
    res = {"n": n, "siret": row["siret"], "annee": row["annee"],
           "chiffre_affaires_initial": str(row["chiffre_affaires"]),
           "chiffre_affaires_attendu": str(Decimal(str(row["chiffre_affaires"])) + PAS_EUROS * n),
           "chiffre_affaires_lu": str(stored_turnover(copy, row["siret"], row["annee"])),
           "codes_retour": [r.returncode for r in runs], "durees_s": seconds,
           # the first has no copy made ahead (cold); the others start from one, as in use
           "premier_s": seconds[0], "mediane_s": statistics.median(seconds[1:] or seconds),
           "max_s": max(seconds[1:] or seconds),
           "rss_max_octets": max(r.peak_rss for r in runs), "entrepot": str(copy)}
    if errors:
        res["erreurs"] = errors[:5]
    res["versions"] = versions_disk(copy, before, version_size, n, measured)
    return res


def versions_disk(link: Path, before: int, version_size: int, n: int, measured: bool) -> dict:
    """The versions folder before the loads, after them (policy off), and after `prune`."""
    after = folder_bytes(link)
    n_after = len(list_versions(link))
    if not measured:  # the loads pruned as they went: what they would have kept, by the sizes
        after, n_after = before + n * version_size, 1 + n
    prune = run_child(["-m", "warehouse", "prune", "--db", str(link)], timeout=600)
    policy = settings.conservation_versions()
    res = {"avant_octets": before, "apres_chargements_octets": after, "versions_apres_chargements": n_after,
           "mesure": measured, "taille_version_octets": version_size,
           "apres_prune_octets": folder_bytes(link), "versions_apres_prune": len(list_versions(link)),
           "prune_code_retour": prune.returncode, "prune_s": prune.seconds,
           "politique": {"dernieres": policy.dernieres, "mois": policy.mois,
                         "apres_chargement": policy.apres_chargement}}
    _keep_current_only(link)
    return res


def _keep_current_only(link: Path) -> None:
    """Once measured, the copy keeps only its current version (a national warehouse is large),
    enough to check what the late returns changed."""
    for v in list_versions(link):
        if not v.current:
            v.path.unlink()
