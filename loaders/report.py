"""The French report a user reads when a file is refused or warned about."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass, replace

from contract import REPORT_COLUMNS

ERROR, WARNING = "erreur", "avertissement"


@dataclass(frozen=True)
class Problem:
    fichier: str
    feuille: str | None
    ligne: int | str | None  # as the user sees it: header = 1; grouped lines: "2 à 5, 8" (see `group`)
    colonne: str | None  # the header as written in the file, or the column's French label
    valeur: str | None
    regle: str  # the rule broken, in French
    niveau: str = ERROR

    def line(self) -> str:
        where = [self.fichier]
        if self.feuille:
            where.append(f"feuille « {self.feuille} »")
        if self.ligne is not None:
            several = isinstance(self.ligne, str) and not self.ligne.isdigit()
            where.append(f"{'lignes' if several else 'ligne'} {self.ligne}")
        if self.colonne:
            where.append(f"colonne « {self.colonne} »")
        value = f" : valeur « {self.valeur} »" if self.valeur not in (None, "") else ""
        return f"{', '.join(where)}{value} — {self.regle}"


class LoadError(Exception):
    """A whole file cannot be read: one French sentence, never a traceback."""

    def __init__(self, fichier: str, message: str):
        super().__init__(message)
        self.problem = Problem(fichier, None, None, None, None, message)


def line_ranges(lines: list[int]) -> str:
    """[2, 3, 4, 5, 8, 10, 11, 12] -> `2 à 5, 8, 10 à 12`."""
    out: list[str] = []
    ordered = sorted(set(lines))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        out.append(str(ordered[i]) if i == j else f"{ordered[i]} à {ordered[j]}")
        i = j + 1
    return ", ".join(out)


def _lines_of(ligne: int | str) -> list[int]:
    """The row numbers of a line of report, grouped (`2 à 5, 8`) or not."""
    if isinstance(ligne, int):
        return [ligne]
    out: list[int] = []
    for part in str(ligne).split(","):
        bounds = [int(b) for b in re.findall(r"\d+", part)]
        out += list(range(bounds[0], bounds[-1] + 1)) if bounds else []
    return out


MAX_VALUES = 3  # values quoted on a grouped line when they differ from row to row


def group(problems: list[Problem]) -> list[Problem]:
    """One line per (file, sheet, column, rule) instead of one per row: `SIRET … lignes 2 à 41`.

    Lines keep the order of their first row; `ligne` becomes `2 à 5, 8, 10 à 12`; `valeur` is the
    value when every row has the same, else the first few distinct values then `…`. Problems about a
    whole file or sheet (no row) stay as they are. Grouping a grouped report changes nothing.
    """
    groups: dict[tuple, list[Problem]] = {}
    order: list[tuple | Problem] = []
    for p in problems:
        if p.ligne is None:
            order.append(p)
            continue
        key = (p.fichier, p.feuille, p.colonne, p.regle, p.niveau)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(p)
    out = []
    for item in order:
        if isinstance(item, Problem):
            out.append(item)
            continue
        members = groups[item]
        if len(members) == 1:
            out.append(members[0])
            continue
        lines = [n for p in members for n in _lines_of(p.ligne)]
        values = list(dict.fromkeys(p.valeur for p in members if p.valeur not in (None, "")))
        valeur = (values[0] if len(values) == 1 and all(p.valeur == values[0] for p in members)
                  else ", ".join(values[:MAX_VALUES]) + (", …" if len(values) > MAX_VALUES else "") or None)
        ligne = line_ranges(lines)
        out.append(replace(members[0], ligne=int(ligne) if ligne.isdigit() else ligne, valeur=valeur))
    return out


def to_csv(problems: list[Problem]) -> bytes:
    """The report as a CSV that opens cleanly in French Excel (`;`, UTF-8 with BOM), repeated
    problems grouped (`group`): the column Ligne reads `2 à 41`."""
    problems = group(problems)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow([*REPORT_COLUMNS.values(), "Niveau"])
    for p in problems:
        row = asdict(p)
        writer.writerow([row[k] if row[k] is not None else "" for k in [*REPORT_COLUMNS, "niveau"]])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
