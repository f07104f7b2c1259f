"""The French report a user reads when a file is refused or warned about."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass

from contract import REPORT_COLUMNS

ERROR, WARNING = "erreur", "avertissement"


@dataclass(frozen=True)
class Problem:
    fichier: str
    feuille: str | None
    ligne: int | None  # as the user sees it: header = 1
    colonne: str | None  # the header as written in the file, or the column's French label
    valeur: str | None
    regle: str  # the rule broken, in French
    niveau: str = ERROR

    def line(self) -> str:
        where = [self.fichier]
        if self.feuille:
            where.append(f"feuille « {self.feuille} »")
        if self.ligne is not None:
            where.append(f"ligne {self.ligne}")
        if self.colonne:
            where.append(f"colonne « {self.colonne} »")
        value = f" : valeur « {self.valeur} »" if self.valeur not in (None, "") else ""
        return f"{', '.join(where)}{value} — {self.regle}"


class LoadError(Exception):
    """A whole file cannot be read: one French sentence, never a traceback."""

    def __init__(self, fichier: str, message: str):
        super().__init__(message)
        self.problem = Problem(fichier, None, None, None, None, message)


def to_csv(problems: list[Problem]) -> bytes:
    """The report as a CSV that opens cleanly in French Excel (`;`, UTF-8 with BOM)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow([*REPORT_COLUMNS.values(), "Niveau"])
    for p in problems:
        row = asdict(p)
        writer.writerow([row[k] if row[k] is not None else "" for k in [*REPORT_COLUMNS, "niveau"]])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
