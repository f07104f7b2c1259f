"""Read a return file (.csv or .xlsx) into one all-text frame per template.

Every cell is read as text so that a bad cell is reported, never silently turned into
null. Headers are folded (docs/CONTRACT.md section 1) and matched to a template's columns. Each
frame keeps `_ligne`, the row number the user sees in Excel or a text editor (header = 1).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import polars as pl

from contract import TEMPLATES, Template
from loaders.report import LoadError, Problem

ROW = "_ligne"
ACCEPTED_SUFFIXES = (".csv", ".xlsx")
_ARTICLES = {"d", "l", "de", "du", "des", "la", "le"}
# Columns our pre-filled workbooks add for the reader (loaders/template.py): read past, no warning.
READING_AIDS = {"nom_commune"}
# How far down a sheet we look for the header row (title lines above it are common).
_HEADER_SEARCH_ROWS = 15


def fold(text: str) -> str:
    """`Chiffre d'affaires (€)` -> `chiffre_affaires`: the header matching rule of the contract."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\([^)]*\)", " ", text)
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w and w not in _ARTICLES]
    return "_".join(words)


def _header_aliases() -> dict[str, dict[str, str]]:
    """Per template, folded header -> column name (the snake name and the French label both match)."""
    return {
        t.name: {**{fold(c.label): c.name for c in t.columns}, **{fold(c.name): c.name for c in t.columns}}
        for t in TEMPLATES.values()
    }


ALIASES = _header_aliases()


@dataclass
class Sheet:
    """One template's rows from one file (a CSV, or one sheet of a workbook)."""

    file: str
    sheet: str | None
    template: Template
    frame: pl.DataFrame  # contract column names, all text, plus _ligne
    headers: dict[str, str]  # column name -> header as the user wrote it
    missing: list[str] = field(default_factory=list)  # contract columns absent from the file
    unknown: list[str] = field(default_factory=list)  # headers that match no column


def _score(template: Template, folded: list[str]) -> tuple[int, int]:
    """(required columns found, columns found): how well headers fit a template."""
    names = {ALIASES[template.name].get(h) for h in folded} - {None}
    return len(names & set(template.required)), len(names)


def _guess_template(folded: list[str], hint: str) -> Template | None:
    """The template whose required columns the headers hold; the name breaks ties."""
    hint_f = fold(hint)
    ranked = sorted(
        TEMPLATES.values(),
        key=lambda t: (_score(t, folded)[0] == len(t.required), t.name in hint_f, _score(t, folded)),
        reverse=True,
    )
    best = ranked[0]
    # A template is recognised when at least half of its required columns (and two) are there.
    needed = min(len(best.required), max(2, (len(best.required) + 1) // 2))
    return best if _score(best, folded)[0] >= needed else None


def _template_for_sheet(sheet_name: str, folded: list[str], file_name: str) -> Template | None:
    by_name = TEMPLATES.get(fold(sheet_name))
    return by_name or _guess_template(folded, file_name + " " + sheet_name)


def _frame_to_sheet(file: str, sheet: str | None, template: Template, raw: pl.DataFrame,
                    header_idx: int, first_line: int) -> Sheet:
    """`raw` has positional text columns; row `header_idx` holds the headers."""
    header_cells = [str(v).strip() if v is not None else "" for v in raw.row(header_idx)]
    aliases = ALIASES[template.name]
    headers: dict[str, str] = {}
    unknown = []
    select = []
    for pos, header in enumerate(header_cells):
        name = aliases.get(fold(header))
        if name and name not in headers:
            headers[name] = header
            select.append(pl.col(raw.columns[pos]).alias(name))
        elif header and fold(header) not in READING_AIDS:
            unknown.append(header)
    missing = [c.name for c in template.columns if c.name not in headers]
    # One lazy query, collected once: five eager steps cost 0.5 s on a 300,000-row file.
    body = raw.lazy().slice(header_idx + 1).select(
        *select, pl.int_range(header_idx + 1, raw.height, dtype=pl.Int64).add(first_line).alias(ROW)
    )
    # Text normalisation common to all types: trim (no-break spaces too), empty -> null.
    body = body.with_columns(
        pl.col(n).str.strip_chars(" \t\r\n\u00a0\u202f").replace("", None) for n in headers
    )
    # Empty rows (trailing rows, spacer rows) are normal: drop them, keep the others' numbers.
    # A row holding only its year and return key (SIRET, or the commune of a demand workbook: a
    # pre-filled template left blank) is empty too.
    prefilled = {"annee", "siret", *template.return_key}
    content = [n for n in headers if n not in prefilled] or list(headers)
    if content:
        body = body.filter(pl.any_horizontal(pl.col(n).is_not_null() for n in content))
    frame = body.with_columns(pl.lit(None, dtype=pl.String).alias(name) for name in missing).select(
        *template.column_names, ROW
    ).collect()
    return Sheet(file, sheet, template, frame, headers, missing, unknown)


def _find_header_row(raw: pl.DataFrame, template_hint: Template | None) -> tuple[int, Template | None, list[str]]:
    """The first rows may hold a title: take the row that matches a template best."""
    best = (0, None, [], (-1, -1))
    for i in range(min(_HEADER_SEARCH_ROWS, raw.height)):
        folded = [fold(v) if v is not None else "" for v in raw.row(i)]
        template = template_hint or _guess_template(folded, "")
        if template is None:
            continue
        score = _score(template, folded)
        if score > best[3]:
            best = (i, template, folded, score)
    return best[0], best[1], best[2]


def _utf8(data: bytes, file: str) -> bytes:
    """UTF-8 bytes of the file without BOM (polars parses bytes 3x faster than a StringIO).

    The decoded text is not kept: a Python string of a 47 MB file holding one character above
    U+00FF (’, €) takes 94 MB, held for nothing while polars parses."""
    if b"\x00" in data[:4096]:
        raise LoadError(file, "ce fichier n'est pas un fichier texte CSV (contenu binaire).")
    try:
        data.decode("utf-8-sig")  # only to know it is UTF-8
        return data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252").encode("utf-8")
    except UnicodeDecodeError:
        raise LoadError(file, "encodage non reconnu : enregistrez le fichier en CSV UTF-8 ou Windows-1252.") from None


def _separator(utf8: bytes) -> str:
    end = utf8.find(b"\n")  # not split(): it would copy the whole rest of the file
    first = (utf8 if end < 0 else utf8[:end]).decode("utf-8")
    return max((";", ",", "\t"), key=first.count)


def read_csv(data: bytes, file: str) -> list[Sheet]:
    if not data or data.isspace():  # not strip(): a copy of the whole file
        raise LoadError(file, "le fichier est vide.")
    utf8 = _utf8(data, file)
    del data  # the caller's reference aside, nothing here keeps two copies of the file
    if not utf8 or utf8.isspace():
        raise LoadError(file, "le fichier est vide.")
    sep = _separator(utf8)
    try:
        raw = pl.read_csv(utf8, separator=sep, has_header=False, infer_schema=False,
                          truncate_ragged_lines=True, quote_char='"')
    except Exception as exc:  # polars says why in English; the user gets the French gist
        raise LoadError(file, f"fichier CSV illisible (guillemets ou lignes mal formées) : {exc}".split("\n")[0]) from None
    del utf8
    header_idx, template, _ = _find_header_row(raw, None)
    if template is None:
        raise LoadError(file, "aucun modèle de retour reconnu : les en-têtes de colonnes ne correspondent à aucun "
                              f"modèle ({', '.join(TEMPLATES)}).")
    folded = [fold(v) if v is not None else "" for v in raw.row(header_idx)]
    template = _guess_template(folded, Path(file).stem) or template
    return [_frame_to_sheet(file, None, template, raw, header_idx, first_line=1)]


# A workbook of yearly returns unzips to a few MB; far more is a zip bomb, refused unread.
MAX_XLSX_UNCOMPRESSED = 300 * 1024 * 1024


def _check_zip(path: Path, file: str) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError):
        raise LoadError(file, "classeur Excel illisible ou endommagé (enregistrez-le à nouveau en .xlsx).") from None
    if total > MAX_XLSX_UNCOMPRESSED:
        raise LoadError(file, f"classeur refusé : son contenu décompressé ({total // 2**20} Mo) dépasse "
                              f"{MAX_XLSX_UNCOMPRESSED // 2**20} Mo.")


def read_xlsx(path: Path, file: str) -> list[Sheet]:
    _check_zip(path, file)
    try:
        reader = fastexcel.read_excel(path)
    except Exception:
        raise LoadError(file, "classeur Excel illisible ou endommagé (enregistrez-le à nouveau en .xlsx).") from None
    sheets = []
    # Sheets named after a template are the returns; the others (instructions, lists) are
    # read only in a workbook with no such sheet, e.g. a single template on "Feuil1".
    named = [n for n in reader.sheet_names if fold(n) in TEMPLATES]
    for name in named or reader.sheet_names:
        try:
            raw = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars()
        except Exception:
            raise LoadError(file, f"feuille « {name} » illisible.") from None
        if raw.height == 0:
            continue
        hint = TEMPLATES.get(fold(name))
        header_idx, template, _ = _find_header_row(raw, hint)
        if template is None:
            continue  # an instruction sheet or a notes sheet: not a template
        # Index i of a sheet read from its first row is Excel row i + 1.
        sheets.append(_frame_to_sheet(file, name, template, raw, header_idx, first_line=1))
    if not sheets:
        raise LoadError(file, "aucune feuille du classeur ne correspond à un modèle de retour (les feuilles doivent "
                              f"s'appeler {', '.join(list(TEMPLATES)[:-1])} ou {list(TEMPLATES)[-1]}, ou porter "
                              "leurs en-têtes).")
    return sheets


def read_file(path: Path, display_name: str | None = None) -> list[Sheet]:
    """All template sheets of a file; raises LoadError with a French sentence when unreadable."""
    file = display_name or path.name
    suffix = path.suffix.lower()
    if suffix == ".xlsm":
        raise LoadError(file, "les classeurs avec macros (.xlsm) sont refusés : enregistrez-le en .xlsx.")
    if suffix not in ACCEPTED_SUFFIXES:
        raise LoadError(file, "format non accepté : seuls les fichiers .csv et .xlsx sont lus.")
    try:
        if path.stat().st_size == 0:
            raise LoadError(file, "le fichier est vide.")
        if suffix == ".xlsx":
            with open(path, "rb") as fh:
                if fh.read(4) != b"PK\x03\x04":
                    raise LoadError(file, "ce fichier porte l'extension .xlsx mais n'est pas un classeur Excel.")
            return read_xlsx(path, file)
        return read_csv(path.read_bytes(), file)
    except OSError as exc:
        raise LoadError(file, f"fichier impossible à lire ({exc.strerror}).") from None
