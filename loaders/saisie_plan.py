"""The action plan edited in the app: checked and stored as the file a user would load.

The edited table becomes the CSV of the `objectifs` template, then goes through the loader
itself (`check_file` to check, `load_files` to store): the same rules, the same French
report, one load per save with its warehouse version, load log line and audit line. There
is no second validator. The editor edits one year: every row gets that year, so a save
replaces that year's plan only.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl

from contract import TEMPLATES
from loaders.load import FileResult, check_file, load_files
from loaders.objectifs import TEMPLATE


def nom_fichier(annee: int) -> str:
    """The name the load history and the report give a save."""
    return f"plan_action_{annee}_saisie.csv"


def csv_du_plan(plan: pl.DataFrame, annee: int) -> bytes:
    """The edited rows as an `objectifs` CSV (`;`, UTF-8): every column of the template, under its
    French label, so that the report names the columns as the editor shows them."""
    t = TEMPLATES[TEMPLATE]
    text = plan.with_columns(pl.lit(annee).alias("annee"))
    text = text.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in t.column_names if c not in text.columns)
    text = text.select(pl.col(c.name).cast(pl.String).alias(c.label) for c in t.columns)
    return text.write_csv(separator=";", null_value="").encode("utf-8")


def _fichier(folder: str, plan: pl.DataFrame, annee: int) -> Path:
    path = Path(folder) / nom_fichier(annee)
    path.write_bytes(csv_du_plan(plan, annee))
    return path


def verifier(plan: pl.DataFrame, annee: int) -> FileResult:
    """The loader's verdict on the edited plan; nothing is stored."""
    with tempfile.TemporaryDirectory(prefix="plan_") as folder:
        result, _ = check_file(_fichier(folder, plan, annee), set(), nom_fichier(annee), checksum=False)
    return result


def enregistrer(plan: pl.DataFrame, annee: int, user: str, link: Path | None = None) -> FileResult:
    """Load the edited plan: a new warehouse version (or none when it is unchanged or refused)."""
    with tempfile.TemporaryDirectory(prefix="plan_") as folder:
        path = _fichier(folder, plan, annee)
        return load_files([path], link, user=user, names={path: nom_fichier(annee)})[0]
