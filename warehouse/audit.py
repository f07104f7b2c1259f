"""The audit log: who signed in, loaded, restored, erased or exported what, and when.

An append-only JSON-lines file beside the warehouse (`iae.duckdb.audit.jsonl`), not a table:
the app reads the warehouse read-only, and a sign-in must not create a warehouse version.
"""

from __future__ import annotations

import fcntl
import json
from datetime import datetime
from pathlib import Path

import polars as pl

EVENTS = {
    "connexion": "Connexion",
    "chargement": "Chargement de fichiers",
    "restauration": "Restauration d'une version",
    "effacement": "Effacement de données individuelles",
    "export": "Export",
}


def path_for(link: Path) -> Path:
    return link.with_name(link.name + ".audit.jsonl")


def record(link: Path, event: str, user: str | None, **details) -> None:
    if event not in EVENTS:
        raise ValueError(event)
    line = json.dumps({"quand": datetime.now().isoformat(timespec="seconds"), "evenement": event,
                       "utilisateur": user or "inconnu", "details": details}, ensure_ascii=False, default=str)
    target = path_for(link)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.write(line + "\n")


def read(link: Path) -> pl.DataFrame:
    """Newest first; `details` as readable text."""
    target = path_for(link)
    rows = []
    if target.exists():
        for line in target.read_text(encoding="utf-8").splitlines():
            try:
                r = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by a crash: skip it, keep the rest
            rows.append({"quand": r["quand"], "evenement": EVENTS.get(r["evenement"], r["evenement"]),
                         "utilisateur": r["utilisateur"],
                         "details": ", ".join(f"{k} : {v}" for k, v in r.get("details", {}).items())})
    schema = {"quand": pl.String, "evenement": pl.String, "utilisateur": pl.String, "details": pl.String}
    return pl.DataFrame(rows, schema=schema).reverse()
