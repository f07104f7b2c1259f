"""The generated returns as files: French headers from the contract; the plain format (one
CSV per template per year, streamed chunk by chunk) and the messy format (what structures
really send: four CSV flavours per basin, per-structure workbooks, the register)."""

from __future__ import annotations

import csv
import io
import os
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from contract import BOOL, CODE, CODE_LISTS, CODES, DATE, DEC, INT, TEMPLATES, Column
from seed_data.generator.profiles import COMMENTAIRES, OUTPUT_TEMPLATES, RETURNS, Siae
from seed_data.generator.plan import write_plans
from seed_data.generator.simulation import simulate_siae

# ---------------------------------------------------------------------------------------------
# Headers: the French label of the contract (matched after folding, like the snake name).


def french_header(col: Column) -> str:
    return col.label


def strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def caps_header(col: Column) -> str:
    return strip_accents(re.sub(r"\s*\([^)]*\)", "", french_header(col))).upper()


# ---------------------------------------------------------------------------------------------
# Plain format: one CSV per template per year, streamed chunk by chunk.


def _plain_formatters(template: str):
    iso: dict[date, str] = {}

    def fmt_date(v):
        s = iso.get(v)
        if s is None:
            s = iso[v] = v.isoformat()
        return s

    out = []
    for col in TEMPLATES[template].columns:
        if col.type == DATE:
            out.append((col.name, fmt_date))
        elif col.type == BOOL:
            out.append((col.name, lambda v: "true" if v else "false"))
        elif col.type == CODES:
            out.append((col.name, ",".join))
        else:
            out.append((col.name, str))
    return out


def _plain_chunk(args) -> dict[tuple[int, str], str]:
    """CSV text (no header) of a chunk of structures, per (annee, template)."""
    population, years, seed = args
    buffers: dict[tuple[int, str], io.StringIO] = {}
    writers = {}
    formatters = {t: _plain_formatters(t) for t in OUTPUT_TEMPLATES}
    for s in population:
        for y, templates in simulate_siae(s, years, seed).items():
            for name, rows in templates.items():
                key = (y, name)
                w = writers.get(key)
                if w is None:
                    buffers[key] = io.StringIO()
                    w = writers[key] = csv.writer(buffers[key], delimiter=";", lineterminator="\n")
                fm = formatters[name]
                w.writerows([["" if (v := row[c]) is None else f(v) for c, f in fm] for row in rows])
    return {k: b.getvalue() for k, b in buffers.items()}


def write_plain(out_dir: Path, population: list[Siae], years: list[int], seed: int,
                workers: int = 1, chunk: int = 100) -> list[Path]:
    files: dict[tuple[int, str], io.TextIOWrapper] = {}
    paths = []
    for y in years:
        (out_dir / str(y)).mkdir(parents=True, exist_ok=True)
        for name in OUTPUT_TEMPLATES:
            path = out_dir / str(y) / f"{name}_{y}.csv"
            f = files[(y, name)] = open(path, "w", encoding="utf-8", newline="")
            f.write(";".join(TEMPLATES[name].column_names) + "\n")
            paths.append(path)
    tasks = [(population[i:i + chunk], years, seed) for i in range(0, len(population), chunk)]
    try:
        if workers > 1 and len(tasks) > 1:
            import multiprocessing as mp

            with mp.get_context("fork" if hasattr(os, "fork") else "spawn").Pool(workers) as pool:
                for part in pool.imap(_plain_chunk, tasks):
                    for key, text in part.items():
                        files[key].write(text)
        else:
            for task in tasks:
                for key, text in _plain_chunk(task).items():
                    files[key].write(text)
    finally:
        for f in files.values():
            f.close()
    return paths


# ---------------------------------------------------------------------------------------------
# Messy format: what the structures really send.


@dataclass(frozen=True)
class Flavour:
    name: str
    sep: str
    encoding: str
    header: str  # label | name | caps
    decimal: str
    money_thousands: tuple[str, ...]  # separators drawn for money amounts ("" = none)
    dates: str  # fr | iso
    yes_no: tuple[tuple[str, str], ...]
    list_seps: tuple[str, ...]
    code_noise: float  # share of code cells written in another case / with accents / spaces
    lineterminator: str = "\n"
    extra_column: str | None = None
    trailing_empty_row: bool = False
    drop: tuple[str, ...] = ()  # optional columns this flavour does not send
    first: tuple[str, ...] = ()  # columns moved to the front


FLAVOURS = {
    "SUD": Flavour("SUD", ";", "cp1252", "label", ",", (" ", "\xa0", ""), "fr",
                   (("oui", "non"), ("Oui", "Non")), (",", ", "), 0.3, lineterminator="\r\n",
                   drop=("date_agrement",)),
    "OUEST": Flavour("OUEST", ";", "utf-8-sig", "name", ",", ("",), "iso", (("1", "0"),), (",",), 0.05,
                     lineterminator="\r\n"),
    "NORD": Flavour("NORD", ",", "utf-8", "caps", ".", ("",), "fr", (("O", "N"),), ("+", "|"), 0.1,
                    drop=("partenaires", "autres_activites")),
    "EST": Flavour("EST", ";", "utf-8", "label", ",", ("",), "fr", (("x", ""),), (",",), 0.1,
                   extra_column="Commentaire", trailing_empty_row=True, first=("siret",)),
}
DEFAULT_FLAVOUR = "OUEST"  # the basin of another department


def _code_variants(list_name: str, code: str) -> list[str]:
    """Ways of writing a code that differ only by case, accents or trailing spaces."""
    variants = [code.lower(), code.capitalize() + " ", code.lower() + " ", code.title()]
    accented = CODE_LISTS[list_name].get(code, "").replace(" ", "_")  # "Contrat_aidé"
    if strip_accents(accented).upper() == code and accented.upper() != code:
        variants += [accented, accented.lower()]
    return variants


_VARIANTS = {(ln, c): _code_variants(ln, c) for ln, codes in CODE_LISTS.items() for c in codes}


def _number(v: float, decimal: str, thousands: str = "", money: bool = False, cents: bool = True) -> str:
    if money:
        s = f"{abs(v):,.2f}" if (cents or v != int(v)) else f"{abs(v):,.0f}"
        s = s.replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)
        return "-" + s if v < 0 else s
    if isinstance(v, int) or v == int(v):
        return str(int(v))
    return repr(float(v)).replace(".", decimal)


class MessyWriter:
    def __init__(self, out_dir: Path, seed: int):
        self.out_dir = out_dir
        self.seed = seed
        self.written: list[Path] = []

    def rng_for(self, rel: str) -> random.Random:
        return random.Random(f"{self.seed}:{rel}")

    # ---- CSV
    def cell(self, fl: Flavour, template: str, col: Column, v, rng: random.Random, cents: bool) -> str:
        if v is None:
            return ""
        t = col.type
        if t == DATE:
            return f"{v.day:02d}/{v.month:02d}/{v.year}" if fl.dates == "fr" else v.isoformat()
        if t == BOOL:
            yes, no = rng.choice(fl.yes_no)
            return yes if v else no
        if t == CODE:
            return rng.choice(_VARIANTS[(col.codes, v)]) if rng.random() < fl.code_noise else v
        if t == CODES:
            sep = rng.choice(fl.list_seps)
            return sep.join(rng.choice(_VARIANTS[(col.codes, c)]).strip() if rng.random() < fl.code_noise else c
                            for c in v)
        if t == DEC:
            money = template == "finances"
            return _number(v, fl.decimal, rng.choice(fl.money_thousands) if money else "", money, cents)
        return str(v)

    def header(self, fl: Flavour, col: Column) -> str:
        if fl.header == "name":
            return col.name
        if fl.header == "caps":
            return caps_header(col)
        return french_header(col)

    def write_csv(self, rel: str, fl: Flavour, template: str, rows: list[tuple[Siae, dict]]) -> None:
        rng = self.rng_for(rel)
        cols = [c for c in TEMPLATES[template].columns if c.name not in fl.drop or c.required]
        cols = [c for c in cols if c.name in fl.first] + [c for c in cols if c.name not in fl.first]
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=fl.sep, lineterminator=fl.lineterminator)
        header = [self.header(fl, c) for c in cols]
        if fl.extra_column:
            header.append(fl.extra_column)
        w.writerow(header)
        cents_of: dict[str, bool] = {}
        for s, row in rows:
            cents = cents_of.setdefault(s.siret, rng.random() < 0.6)
            line = [self.cell(fl, template, c, row[c.name], rng, cents) for c in cols]
            if fl.extra_column:
                line.append(rng.choice(COMMENTAIRES) if rng.random() < 0.1 else "")
            w.writerow(line)
        if fl.trailing_empty_row:
            w.writerow([""] * len(header))
        path = self.out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buf.getvalue().encode(fl.encoding))
        self.written.append(path)

    # ---- workbooks
    def write_xlsx(self, rel: str, sheets: dict[str, list[dict]], created: datetime,
                   code_noise: float = 0.0) -> None:
        import xlsxwriter

        rng = self.rng_for(rel)
        path = self.out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                             "strings_to_urls": False})
        wb.set_properties({"created": created, "author": "Observatoire IAE (données synthétiques)"})
        bold = wb.add_format({"bold": True})
        date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
        for name, rows in sheets.items():
            ws = wb.add_worksheet(name)
            cols = TEMPLATES[name].columns
            for j, c in enumerate(cols):
                ws.write_string(0, j, french_header(c), bold)
                ws.set_column(j, j, max(10, len(french_header(c)) + 2))
            for i, row in enumerate(rows, start=1):
                for j, c in enumerate(cols):
                    v = row[c.name]
                    if v is None:
                        continue
                    if c.type == DATE:
                        ws.write_datetime(i, j, datetime(v.year, v.month, v.day), date_fmt)
                    elif c.type in (INT, DEC):
                        ws.write_number(i, j, v)
                    elif c.type == BOOL:
                        ws.write_string(i, j, "oui" if v else "non")
                    elif c.type == CODES:
                        ws.write_string(i, j, "; ".join(v))
                    elif c.type == CODE and rng.random() < code_noise:
                        ws.write_string(i, j, rng.choice(_VARIANTS[(c.codes, v)]))
                    else:
                        ws.write_string(i, j, str(v))
        wb.close()
        self.written.append(path)


def write_messy(out_dir: Path, population: list[Siae], years: list[int], seed: int) -> list[Path]:
    mw = MessyWriter(out_dir, seed)
    by_year: dict[int, dict[str, list[tuple[Siae, dict]]]] = {y: {t: [] for t in OUTPUT_TEMPLATES} for y in years}
    workbooks: dict[int, list[tuple[Siae, dict[str, list[dict]]]]] = {y: [] for y in years}
    for s in population:
        for y, templates in simulate_siae(s, years, seed).items():
            by_year[y]["conventions"] += [(s, r) for r in templates["conventions"]]
            returns = {t: templates[t] for t in RETURNS if t in templates}
            if s.workbook:
                if returns:
                    workbooks[y].append((s, returns))
                continue
            for t, rows in returns.items():
                by_year[y][t] += [(s, r) for r in rows]
    basins = sorted({s.bassin for s in population}, key=lambda b: (b not in FLAVOURS, b))
    for y in years:
        created = datetime(y + 1, 2, 15, 9, 0, 0)
        mw.write_xlsx(f"{y}/conventions_{y}.xlsx", {"conventions": [r for _, r in by_year[y]["conventions"]]},
                      created)
        for b in basins:
            fl = FLAVOURS.get(b, FLAVOURS[DEFAULT_FLAVOUR])
            for t in RETURNS:
                rows = [(s, r) for s, r in by_year[y][t] if s.bassin == b]
                if rows:
                    mw.write_csv(f"{y}/{b.lower()}/{t}_{b.lower()}_{y}.csv", fl, t, rows)
        for s, returns in workbooks[y]:
            mw.write_xlsx(f"{y}/{s.bassin.lower()}/{s.siret}.xlsx", returns, created, code_noise=0.05)
    return mw.written + write_plans(out_dir, years)
