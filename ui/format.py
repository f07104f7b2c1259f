"""French formatting: the one home for how a number, a date, a file size or a count of
things ("3 fichiers") looks, on screen and in exports.

Thousands are separated by a narrow no-break space (U+202F), as French typography and
the browsers' fr-FR locale do; the same space comes before "%" and "€". A missing value
is "—". Metrics, tables, chart axes (through the Vega-Lite locale below) and the number
formats of the Excel exports all read this module.
"""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
import polars as pl

NNBSP = "\u202f"  # narrow no-break space: thousands, and before % and €
VIDE = "—"  # a value that is unknown (return not received, or a ratio over zero)

# Units of warehouse.catalogue -> how many decimals a value shows on screen, the same in
# tables, metrics, charts and captions (a rate: 93,4 %).
DECIMALES = {"nombre": 0, "decimal": 1, "pourcentage": 1, "euros": 0, "etp": 1, "annee": 0}
DECIMALES_MILLIONS = 1  # "25,3 M€"


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _arrondir_np(x: np.ndarray, decimales: int) -> np.ndarray:
    """The app's one rounding rule: half away from zero, at the precision shown.

    The relative nudge makes a value written with one more decimal round as written: 170.85
    is stored as 170.8499999…, and must read 170,9 (Streamlit's tables truncate, Vega's
    labels and Python's format round the binary value: both read 170,8)."""
    r = x * 10.0 ** decimales
    return np.sign(r) * np.floor(np.abs(r) * (1 + 2.0 ** -50) + 0.5) / 10.0 ** decimales


def arrondi(v, decimales: int):
    """One value by the rule of _arrondir_np: 170.86 -> 170.9, 2.5 -> 3, -2.5 -> -3."""
    if _missing(v) or isinstance(v, bool):
        return v
    return float(_arrondir_np(np.array([float(v)]), decimales)[0])


def decimales_stockees(unit: str) -> int:
    """Decimals of the stored value once rounded as shown: a rate is a fraction (0.934 -> 93,4 %)."""
    return DECIMALES.get(unit, 0) + (2 if unit == "pourcentage" else 0)


def arrondir(df: pl.DataFrame, unites: dict[str, str]) -> pl.DataFrame:
    """A frame's numeric columns rounded as shown ({column: unit}), for tables and charts,
    whose own formats would truncate (Streamlit) or round the binary value (Vega). Exports
    keep full precision."""
    cols = [c for c, u in unites.items() if c in df.columns and u in DECIMALES and u != "annee"
            and df.schema[c].is_float()]
    # Computed here and handed back as Series: a Python function inside a polars expression runs
    # on polars' threads and needs the GIL, which another session's thread may hold while it waits
    # for those threads (a deadlock seen with ten tabs opening at once; tests/test_layering.py).
    return df.with_columns(
        pl.Series(c, _arrondir_np(df[c].to_numpy(), decimales_stockees(unites[c])), dtype=pl.Float64).fill_nan(None)
        for c in cols)


def fmt_nombre(v, decimales: int | None = None) -> str:
    """1234.5 -> "1 234,5" (narrow no-break space); integers show no decimals by default."""
    if _missing(v):
        return VIDE
    if decimales is None:
        decimales = 0 if float(v).is_integer() else 1
    v = arrondi(v, decimales)
    text = f"{abs(v):,.{decimales}f}".replace(",", NNBSP).replace(".", ",")
    return ("-" if v < 0 else "") + text


def fmt_pct(v, decimales: int = 0) -> str:
    """A fraction as a percentage: 0.42 -> "42 %"."""
    if _missing(v):
        return VIDE
    return f"{fmt_nombre(arrondi(v, decimales + 2) * 100, decimales)}{NNBSP}%"


def fmt_euros(v, decimales: int = 0) -> str:
    """12345 -> "12 345 €"."""
    if _missing(v):
        return VIDE
    return f"{fmt_nombre(v, decimales)}{NNBSP}€"


def fmt_euros_court(v) -> str:
    """Large amounts for a big number on screen: 25 275 299 -> "25,3 M€"; below a million, in full."""
    if _missing(v):
        return VIDE
    if abs(v) >= 1_000_000:
        return f"{fmt_nombre(v / 1_000_000, DECIMALES_MILLIONS)}{NNBSP}M€"
    return fmt_euros(v)


def fmt_etp(v) -> str:
    return fmt_nombre(v, 1)


def fmt_booleen(v) -> str:
    if v is None:
        return VIDE
    return "oui" if v else "non"


def fmt_valeur(v, unit: str, decimales: int | None = None, *, court: bool = False) -> str:
    """Any value, by the unit the catalogue gives its column; `court` shortens millions of euros."""
    d = DECIMALES.get(unit, 0) if decimales is None else decimales
    if unit == "pourcentage":
        return fmt_pct(v, d)
    if unit == "euros":
        return fmt_euros_court(v) if court else fmt_euros(v, d)
    if unit == "booleen":
        return fmt_booleen(v)
    if unit == "annee":
        return VIDE if _missing(v) else str(int(v))
    if unit in ("nombre", "decimal", "etp"):
        return fmt_nombre(v, d)
    return VIDE if v is None else str(v)


def fmt_evolution(actuel, precedent, unit: str, *, court: bool = False) -> str | None:
    """The change from the previous year, as shown under a metric; None when unknown.

    Rates change in percentage points ("+2,5 pts"), amounts in their unit ("+12", "+3 400 €").
    """
    if _missing(actuel) or _missing(precedent):
        return None
    diff = actuel - precedent
    if unit == "pourcentage":
        shown = round(diff * 100, 1)
        body = f"{fmt_nombre(abs(shown), 1)}{NNBSP}pt" + ("s" if abs(shown) >= 2 else "")
    elif unit == "euros":
        shown = round(diff)
        body = fmt_euros_court(abs(shown)) if court else fmt_euros(abs(shown))
    else:
        d = DECIMALES.get(unit, 1)
        shown = round(diff, d)
        body = fmt_nombre(abs(shown), d)
    if shown == 0:
        return "0"  # Streamlit shows a numeric-looking "0" in grey, with no arrow
    return ("+" if shown > 0 else "-") + body


def date_fr(v) -> str:
    """A moment as French officers write it: 03/02/2026 14:05."""
    if v is None:
        return VIDE
    return v.strftime("%d/%m/%Y %H:%M") if isinstance(v, datetime) else str(v)


def dates_fr(df: pl.DataFrame, *cols: str) -> pl.DataFrame:
    """Datetime columns as French text (tables and exports show them as read)."""
    return df.with_columns(pl.col(c).dt.strftime("%d/%m/%Y %H:%M") for c in cols if c in df.columns)


def taille(octets: int) -> str:
    """A file size the French way: 820 o, 12,5 Ko, 3,2 Mo."""
    if octets < 1024:
        return f"{fmt_nombre(octets)}{NNBSP}o"
    if octets < 2**20:
        return f"{fmt_nombre(octets / 1024, 1)}{NNBSP}Ko"
    return f"{fmt_nombre(octets / 2**20, 1)}{NNBSP}Mo"


def pluriel(n: int, mot: str, pluriel_: str | None = None) -> str:
    """"1 fichier", "3 fichiers", "0 fichier" (French: 0 and 1 are singular)."""
    return f"{fmt_nombre(n)} {mot if abs(n) < 2 else (pluriel_ or mot + 's')}"


# Vega-Lite locale: axes, labels and tooltips of every chart read numbers the French way.
VEGA_LOCALE = {
    "number": {
        "decimal": ",",
        "thousands": NNBSP,
        "grouping": [3],
        "currency": ["", f"{NNBSP}€"],
        "percent": f"{NNBSP}%",
        "minus": "-",
        "nan": VIDE,
    },
    "time": {
        "dateTime": "%A %e %B %Y à %X",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                   "octobre", "novembre", "décembre"],
        "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                        "nov.", "déc."],
    },
}

# d3-format strings for chart axes and tooltips, by unit (read with VEGA_LOCALE).
VEGA_FORMAT = {
    "nombre": ",.0f",
    "decimal": ",.1f",
    "etp": ",.1f",
    "pourcentage": ".1%",
    "euros": "$,.0f",
    "annee": "d",
}

# Excel number formats (stored in the file in Excel's own syntax; French Excel shows
# "1 234,5", "42,0 %", "12 345 €").
EXCEL_FORMAT = {
    "nombre": "#,##0",
    "decimal": "#,##0.00",
    "etp": "#,##0.00",
    "pourcentage": "0.0%",
    "euros": '#,##0 "€"',
    "annee": "0",
}


def csv_nombre(v, unit: str) -> str:
    """A number as French Excel reads it from a CSV: decimal comma, no thousands separator.

    Percentages are written as percentages (42,5 for 0.425) under a header ending in "(%)".
    """
    if _missing(v):
        return ""
    if unit == "booleen" or isinstance(v, bool):
        return "oui" if v else "non"
    if not isinstance(v, (int, float)):
        return str(v)
    if unit == "pourcentage":
        v = v * 100
    if isinstance(v, int) or (unit in ("nombre", "annee") and float(v).is_integer()):
        return str(int(v))
    text = f"{v:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")
