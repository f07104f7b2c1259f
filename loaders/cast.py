"""Normalise and cast one template's text cells to their contract types, with strict=False:
a cell that does not cast comes out null, so that loaders.validate reports it rather than
raising. Decimal commas, spaced thousands, both date formats, yes/no variants, code case,
accents and aliases are all read here.
"""

from __future__ import annotations

import re

import polars as pl

from contract import BOOL, CODE, CODE_ALIASES, CODES, DATE, DEC, INT, TEXT, Column

_SPACES = r"[\s\u00a0\u202f]"
_TRUE = ["o", "oui", "1", "true", "vrai", "x", "y", "yes"]
_FALSE = ["n", "non", "0", "false", "faux", "no"]

POLARS_TYPES = {INT: pl.Int64, DEC: pl.Float64, DATE: pl.Date, BOOL: pl.Boolean, CODE: pl.String,
                CODES: pl.List(pl.String), TEXT: pl.String}

CAST_RULES = {
    INT: "nombre entier attendu",
    DEC: "nombre attendu (par exemple 1 250,50)",
    DATE: "date attendue au format JJ/MM/AAAA ou AAAA-MM-JJ",
    BOOL: "oui ou non attendu (O/N, oui/non, 1/0, x ou vide)",
}
# A date written in an accepted format that did not cast: 31/02/2025, 2025-13-01.
DATE_SHAPE = r"^(\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{1,2}-\d{1,2})$"
NO_SUCH_DATE = "cette date n'existe pas : vérifiez le jour et le mois"


def fold_code(expr: pl.Expr) -> pl.Expr:
    """`Rsa `, `mission locale`, `Réunion` -> `RSA`, `MISSION_LOCALE`, `REUNION`."""
    return (
        expr.str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.to_uppercase()
        .str.replace_all(r"[^A-Z0-9]+", "_")
        .str.strip_chars("_")
    )


def _number_text(expr: pl.Expr) -> pl.Expr:
    """`1 250,50 €` -> `1250.50`; with both `.` and `,`, the last one is the decimal mark."""
    s = expr.str.replace_all(_SPACES, "").str.replace_all(r"[€%]", "")
    both = s.str.contains(",", literal=True) & s.str.contains(".", literal=True)
    comma_decimal = (
        pl.when(both)
        .then(s.str.reverse().str.find(",", literal=True) < s.str.reverse().str.find(".", literal=True))
        .otherwise(s.str.contains(",", literal=True))
    )
    return (
        pl.when(comma_decimal)
        .then(s.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .otherwise(s.str.replace_all(",", "", literal=True))
    )


def _cast(col: Column) -> pl.Expr:
    c = pl.col(col.name)
    if col.type == INT:
        num = _number_text(c)
        # Excel gives whole numbers as `2021` or `2021.0`; `12.5` is not an integer.
        return pl.when(num.str.contains(r"^[+-]?\d+(\.0*)?$")).then(
            num.str.replace(r"\.0*$", "").cast(pl.Int64, strict=False)
        )
    if col.type == DEC:
        return _number_text(c).cast(pl.Float64, strict=False)
    if col.type == DATE:
        fr = c.str.strptime(pl.Date, "%d/%m/%Y", strict=False)
        iso = c.str.slice(0, 10).str.strptime(pl.Date, "%Y-%m-%d", strict=False)
        return pl.coalesce(fr, pl.when(c.str.contains(r"^\d{4}-\d{2}-\d{2}([ T]|$)")).then(iso))
    if col.type == BOOL:
        low = c.str.to_lowercase()
        return pl.when(low.is_in(_TRUE)).then(True).when(low.is_in(_FALSE)).then(False)
    if col.type == CODE:
        code = _apply_aliases(fold_code(c), col.codes)
        return code.fill_null(col.default) if col.default else code
    if col.type == CODES:
        return (
            c.str.replace_all(r"[;|+]", ",").str.split(",")
            .list.eval(_apply_aliases(fold_code(pl.element()), col.codes))
            .list.eval(pl.element().filter(pl.element() != ""))
        )
    # Text: identifiers typed in Excel come back as numbers (`97411.0`, `9.7411E+04`), with
    # spaces, and without their leading zero (docs/CONTRACT.md section 1: they must load).
    if _is_identifier(col):
        return c.map_elements(lambda v, siret=col.siret: identifier_text(v, siret), return_dtype=pl.String,
                              skip_nulls=True)
    if col.name == "code_ape":
        return c.str.replace_all(r"[\s.]", "").str.to_uppercase()
    return c


def _is_identifier(col: Column) -> bool:
    return col.siret or col.commune or col.name == "commune_insee"


_SCIENTIFIC = re.compile(r"^\d+([.,]\d+)?[eE]\+?\d+$")
_WHOLE = re.compile(r"^(\d+)[.,]0+$")
_BLANKS = re.compile(_SPACES)


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def identifier_text(value: str, siret: bool) -> str:
    """A SIRET or INSEE code as written, back to its text when a spreadsheet held it as a number:
    `12345678901234.0` -> `12345678901234`, `9,7401E+04` -> `97401`, spaces dropped; a SIRET of 12
    or 13 digits gets its leading zeros back when the padded number passes the Luhn check; an
    INSEE code of 4 digits gets its leading zero (the check of known communes then applies)."""
    s = _BLANKS.sub("", value)
    if _SCIENTIFIC.match(s):
        number = float(s.replace(",", "."))
        if number.is_integer() and number < 1e15:
            s = str(int(number))
    s = _WHOLE.sub(r"\1", s)
    if siret:
        s = s.replace(".", "")
        padded = s.zfill(14)
        return padded if s.isascii() and s.isdigit() and 12 <= len(s) <= 13 and _luhn(padded) else s
    s = s.upper()
    return s.zfill(5) if s.isascii() and s.isdigit() and len(s) == 4 else s


def cast_column(col: Column, s: pl.Series) -> pl.Series:
    """Cast one column; repetitive columns (codes, years, hours) are cast once per distinct value.
    Also reads a refused file's keys as the loader would (loaders.load)."""
    if _is_identifier(col):  # Python per distinct value: a few thousand SIRETs in 300,000 rows
        uniq = s.unique().drop_nulls()
        mapping = dict(zip(uniq.to_list(), (identifier_text(v, col.siret) for v in uniq.to_list())))
        return s.replace_strict(mapping, default=None, return_dtype=pl.String).alias(col.name)
    if col.type == TEXT and _cast(col).meta.is_column():
        return s  # free text is kept as read: no need to look for its distinct values
    uniq = s.unique()
    if uniq.len() * 4 > s.len():
        return s.to_frame(col.name).select(_cast(col).alias(col.name))[col.name]
    table = uniq.to_frame(col.name).with_columns(_cast(col).alias("_cast"))
    joined = s.to_frame(col.name).join(table, on=col.name, how="left", nulls_equal=True, maintain_order="left")
    return joined["_cast"].alias(col.name)


def _apply_aliases(expr: pl.Expr, codes: str | None) -> pl.Expr:
    aliases = CODE_ALIASES.get(codes or "", {})
    return expr.replace(aliases) if aliases else expr
