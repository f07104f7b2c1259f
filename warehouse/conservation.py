"""Which warehouse versions to keep, and their removal (`python -m warehouse prune`).

Every load writes a full copy of the warehouse (warehouse.db); without pruning, weeks of
one-by-one returns fill the disk. Kept, always: the current version, the last N versions,
the last version of each of the last M months (what a "since" date of that month compares
with), and every version pinned by a committee pack (made from it, or compared with it), so
a pack can be made again as it was. Settings: config/observatoire.toml [versions].

Pins and the journal of removed versions are JSON-lines files beside the versions; the app
may pin (it only appends a line), never prune.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from warehouse import settings
from warehouse.db import PRUNED_FILE, Version, list_versions, versions_dir, writer_lock

PINS_FILE = "epingles.jsonl"


def _append(path: Path, row: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def pins(link: Path) -> dict[int, list[str]]:
    """Pinned version number -> why (one sentence per pin)."""
    path = versions_dir(link) / PINS_FILE
    out: dict[int, list[str]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by a crash
            out.setdefault(int(row["version"]), []).append(row["raison"])
    return out


def pin(link: Path, version: Version | Path | None, raison: str) -> None:
    """Keep `version` for good (a pack was made from it or compared with it); once per reason."""
    if version is None:
        return
    path = version.path if isinstance(version, Version) else version
    number = int(path.stem.lstrip("v"))
    if raison in pins(link).get(number, []):
        return
    try:
        _append(versions_dir(link) / PINS_FILE, {"version": number, "raison": raison,
                                                 "quand": datetime.now().isoformat(timespec="seconds")})
    except OSError:
        pass  # a read-only install: the pack is still made; `prune` is then the administrator's call


@dataclass
class Decision:
    version: Version
    raisons: list[str] = field(default_factory=list)  # empty: the version is removed

    @property
    def gardee(self) -> bool:
        return bool(self.raisons)


def _month(d: date | datetime) -> int:
    return d.year * 12 + d.month - 1


def plan(link: Path, policy: settings.ConservationVersions, today: date) -> list[Decision]:
    """What the policy keeps, and why, for each version on disk (oldest first)."""
    versions = list_versions(link)
    pinned = pins(link)
    decisions = {v.number: Decision(v) for v in versions}
    for v in versions:
        if v.current:
            decisions[v.number].raisons.append("version en service")
    for v in versions[max(0, len(versions) - policy.dernieres):]:
        decisions[v.number].raisons.append(f"parmi les {policy.dernieres} dernières")
    last_of_month: dict[int, Version] = {}
    for v in versions:  # oldest first: the last one seen in a month wins
        if 0 <= _month(today) - _month(v.created) < policy.mois:
            last_of_month[_month(v.created)] = v
    for v in last_of_month.values():
        decisions[v.number].raisons.append(f"dernière version de {v.created:%m/%Y}")
    for number, why in pinned.items():
        if number in decisions:
            decisions[number].raisons += why
    return [decisions[v.number] for v in versions]


@dataclass
class Pruned:
    decisions: list[Decision]
    freed: int  # bytes removed (or that a real run would remove)


def prune(link: Path, policy: settings.ConservationVersions, today: date | None = None,
          dry_run: bool = False) -> Pruned:
    """Remove the versions the policy does not keep, under the writer lock (no load meanwhile);
    each removal is journaled first, so a restore of it is refused with the reason."""
    today = today or date.today()
    with writer_lock(link):
        decisions = plan(link, policy, today)
        gone = [d for d in decisions if not d.gardee]
        if not dry_run:
            journal = versions_dir(link) / PRUNED_FILE
            for d in gone:
                _append(journal, {"version": d.version.number, "creee": d.version.created.isoformat(),
                                  "supprimee": datetime.now().isoformat(timespec="seconds"),
                                  "octets": d.version.size})
                os.unlink(d.version.path)  # a reader holding it open keeps reading until it closes
                # its protected cubes (warehouse.publication) go with it
                shutil.rmtree(d.version.path.with_suffix(".publication"), ignore_errors=True)
    return Pruned(decisions, sum(d.version.size for d in gone))


def octets_fr(n: int) -> str:
    return f"{n / 1e6:,.1f} Mo".replace(",", " ").replace(".", ",")


def rapport(done: Pruned, policy: settings.ConservationVersions, dry_run: bool) -> list[str]:
    """The French lines `python -m warehouse prune` prints."""
    kept = [d for d in done.decisions if d.gardee]
    gone = [d for d in done.decisions if not d.gardee]
    lines = [f"Politique de conservation (config/observatoire.toml, [versions]) : la version en service, les "
             f"{policy.dernieres} dernières versions, la dernière version de chacun des {policy.mois} derniers "
             "mois, et toute version dont un dossier de comité a été tiré ou avec laquelle il a été comparé.",
             f"Versions gardées ({len(kept)}) :"]
    lines += [f"  {d.version.number:>6}  {d.version.created:%d/%m/%Y %H:%M}  {octets_fr(d.version.size):>10}  "
              + " ; ".join(d.raisons) for d in kept]
    verbe = "à supprimer" if dry_run else "supprimées"
    lines.append(f"Versions {verbe} ({len(gone)}) :" if gone else "Aucune version à supprimer.")
    lines += [f"  {d.version.number:>6}  {d.version.created:%d/%m/%Y %H:%M}  {octets_fr(d.version.size):>10}"
              for d in gone]
    if gone:
        lines.append(f"Espace {'qui serait libéré' if dry_run else 'libéré'} : {octets_fr(done.freed)}."
                     + (" Simulation : rien n'a été supprimé (relancez sans --dry-run)." if dry_run else ""))
    return lines
