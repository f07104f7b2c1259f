"""French formatting of the figures and the one table the bench prints."""

from __future__ import annotations

import math

NNBSP = "\u202f"  # thousands separator, as in the app (ui/format.py)
OK, MISSED, INFO = "OK", "NON ATTEINT", ""


def nombre(v: float, decimales: int = 0) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    text = f"{abs(v):,.{decimales}f}".replace(",", NNBSP).replace(".", ",")
    return ("-" if round(v, decimales) < 0 else "") + text


def duree(seconds: float | None) -> str:
    """84 ms, 1,4 s, 63 s, 2 min 05 s."""
    if seconds is None:
        return "—"
    if seconds < 0.01:
        return f"{nombre(seconds * 1000, 1)} ms"
    if seconds < 1:
        return f"{nombre(seconds * 1000)} ms"
    if seconds < 10:
        return f"{nombre(seconds, 1)} s"
    if seconds < 120:
        return f"{nombre(seconds)} s"
    m, s = divmod(round(seconds), 60)
    return f"{m} min {s:02d} s"


def memoire(octets: float | None) -> str:
    if octets is None:
        return "—"
    mo = octets / 2**20
    return f"{nombre(mo)} Mo" if mo < 1024 else f"{nombre(mo / 1024, 2)} Go"


def ratio(x: float | None) -> str:
    if x is None:
        return "—"
    return f"× {nombre(x, 1 if x < 10 else 0)}"


def status(ok: bool | None) -> str:
    return INFO if ok is None else OK if ok else MISSED


class Table:
    """Rows of (mesure, valeur, cible, statut), with section headings."""

    HEADINGS = ("Mesure", "Valeur", "Cible", "Statut")

    def __init__(self, title: str):
        self.title = title
        self.rows: list[tuple[str, str, str, str] | str] = []

    def section(self, title: str) -> None:
        self.rows.append(title)

    def add(self, mesure: str, valeur: str, cible: str = "", ok: bool | None = None) -> None:
        self.rows.append((mesure, valeur, cible, status(ok)))

    def note(self, text: str) -> None:
        """A line of detail under the previous row, across the whole table."""
        self.rows.append(("", f"↳ {text}", "", ""))

    def render(self) -> str:
        data = [r for r in self.rows if isinstance(r, tuple) and not r[1].startswith("↳")]
        widths = [max(len(h), *(len(r[i]) for r in data)) if data else len(h) for i, h in enumerate(self.HEADINGS)]
        widths[0] = min(widths[0], 78)
        sep = "─┼─".join("─" * w for w in widths)
        line = lambda cells: " │ ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
        out = [self.title, "═" * len(sep), line(self.HEADINGS), sep]
        for r in self.rows:
            if isinstance(r, str):
                out += [sep, r] if len(out) > 4 else [r]
            elif r[1].startswith("↳"):
                out.append(" " * widths[0] + " │ " + r[1])
            else:
                out.append(line(r))
        out.append("═" * len(sep))
        return "\n".join(out)

    def as_json(self) -> list[dict]:
        out, section = [], None
        for r in self.rows:
            if isinstance(r, str):
                section = r
            else:
                if r[1].startswith("↳") and out:
                    out[-1].setdefault("details", []).append(r[1][2:])
                    continue
                out.append({"section": section, "mesure": r[0], "valeur": r[1], "cible": r[2], "statut": r[3]})
        return out
