"""Normalise, cast and validate one template's rows; every problem is reported at once.

Steps (docs/ARCHITECTURE.md, habit 7): text cells are normalised and cast with strict=False
(loaders.cast), so a cell that does not cast is reported rather than raising, then the
typed frame is checked by a pandera schema derived from the contract, lazily, without coerce.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Callable

import polars as pl

from contract import CODE, CODE_LISTS, CODES, DATE, DEC, OPEN_CODE_LISTS, Column, Template
from loaders import objectifs
from loaders.cast import CAST_RULES, DATE_SHAPE, NO_SUCH_DATE, POLARS_TYPES, cast_column
from loaders.read import ROW, Sheet
from loaders.report import ERROR, WARNING, Problem

if TYPE_CHECKING:
    import pandera.polars as pa

# Reports stay readable: past this many lines a file gets one summary line more.
MAX_PROBLEMS_PER_FILE = 2000

SIRET_LENGTH_RULE = "SIRET invalide : un numéro SIRET compte 14 chiffres"
SIRET_LUHN_RULE = "SIRET invalide : ce numéro SIRET n'existe pas, un chiffre est probablement mal saisi"


def allowed_codes(codes: str) -> str:
    """`CDDI (CDD d'insertion), CONTRAT_AIDE (Contrat aidé), …`: each code with its French label
    (the code alone when the label only repeats it, as `SARL` or `Autre`)."""
    return ", ".join(c if lbl.upper() == c else f"{c} ({lbl})" for c, lbl in CODE_LISTS[codes].items())


def _luhn_digits(siret: pl.Expr) -> pl.Expr:
    """14 ASCII digits with a correct Luhn key: integer arithmetic, no Python loop."""
    n = siret.cast(pl.Int64, strict=False)
    total = pl.lit(0, dtype=pl.Int64)
    for j in range(14):  # j-th digit from the right; every second one is doubled, minus 9 above 9
        d = (n // 10**j) % 10
        total = total + (d if j % 2 == 0 else 2 * d - 9 * (d >= 5).cast(pl.Int64))
    return siret.str.contains(r"^[0-9]{14}$") & (total % 10 == 0)


def _luhn_ok(s: pl.Series) -> pl.Series:
    """The Luhn check, computed once per distinct SIRET (a few thousand in 300,000 rows); null passes."""
    uniques = s.unique().drop_nulls().to_frame("siret")
    good = uniques.filter(_luhn_digits(pl.col("siret")))["siret"]
    return s.is_in(good.implode()) | s.is_null()


@dataclass(frozen=True)
class Rule:
    """A rule across columns: `ok` is True on good rows; the report names `column`."""

    column: str
    ok: pl.Expr
    message: pl.Expr  # a French sentence per row, built only for failing rows


def _lit(text: str) -> pl.Expr:
    return pl.lit(text)


def _fmt_date(expr: pl.Expr) -> pl.Expr:
    return expr.dt.strftime("%d/%m/%Y")


def _rules(template: Template) -> dict[str, Rule]:
    annee = pl.col("annee")
    entree, sortie = pl.col("date_entree"), pl.col("date_sortie")
    year_end = pl.date(annee, 12, 31)
    year_start = pl.date(annee, 1, 1)
    shares = [f"part_ca_{k}" for k in ("particuliers", "entreprises", "associations", "collectivites")]
    total = pl.sum_horizontal(shares)
    age = entree.dt.year() - pl.col("annee_naissance")
    catalogue = {
        "shares_sum_100": Rule(
            "part_ca_particuliers",
            (pl.any_horizontal(pl.col(s).is_null() for s in shares)) | ((total - 100).abs() <= 1),
            pl.format("les quatre parts du chiffre d'affaires doivent totaliser 100 % (à 1 près) ; total : {}",
                      total.round(2)),
        ),
        "age_at_entry": Rule(
            "annee_naissance",
            age.is_between(16, 70) | age.is_null(),
            pl.format("l'âge à l'entrée doit être compris entre 16 et 70 ans ; ici {} ans", age),
        ),
        "entry_in_year": Rule(
            "date_entree",
            (entree <= year_end) | entree.is_null() | annee.is_null(),
            pl.format("la date d'entrée doit être au plus tard le 31/12/{}", annee),
        ),
        "exit_after_entry": Rule(
            "date_sortie",
            (sortie >= entree) | sortie.is_null() | entree.is_null(),
            pl.format("la date de sortie doit être postérieure ou égale à la date d'entrée ({})", _fmt_date(entree)),
        ),
        "exit_in_or_after_year": Rule(
            "date_sortie",
            (sortie >= year_start) | sortie.is_null() | annee.is_null(),
            pl.format("sortie avant le 01/01/{} : la personne n'était pas présente pendant l'année du retour", annee),
        ),
        "motif_iff_exit": Rule(
            "motif_sortie",
            sortie.is_null() == pl.col("motif_sortie").is_null(),
            pl.when(sortie.is_null())
            .then(_lit("motif de sortie indiqué sans date de sortie"))
            .otherwise(_lit("motif de sortie obligatoire quand une date de sortie est indiquée")),
        ),
        # Person-level rows carry a pseudonymous identifier only (docs/CONTRACT.md section 2:
        # "never a name"): a social security number (NIR: 13 digits, 15 with its key, first
        # digit 1 to 8) is refused, so it never reaches the warehouse.
        "identifiant_pseudonyme": Rule(
            "identifiant",
            ~pl.col("identifiant").str.replace_all(r"[\s.\-]", "").str.contains(r"^[1-8]\d{12}(\d{2})?$")
            | pl.col("identifiant").is_null(),
            _lit("l'identifiant ressemble à un numéro de sécurité sociale (NIR) : indiquez le numéro "
                 "d'agrément ou un code interne, jamais un identifiant qui désigne la personne"),
        ),
        "benevole_indemnise_only_benevole": Rule(
            "benevole_indemnise",
            ~pl.col("benevole_indemnise").fill_null(False) | (pl.col("statut") == "BENEVOLE"),
            pl.format("« bénévole indemnisé » ne concerne que les bénévoles ; statut ici : {}", pl.col("statut")),
        ),
    }
    rules = {name: catalogue[name] for name in template.rules}
    key = list(template.key)
    rules["duplicate_key"] = Rule(
        key[-1],
        pl.struct(key).is_first_distinct() | pl.any_horizontal(pl.col(k).is_null() for k in key),
        pl.format(
            "doublon : la même clé ({}) figure déjà à la ligne {}",
            _lit(", ".join(key)),
            pl.col(ROW).first().over(key),
        ),
    )
    return rules


def _range_rule(col: Column) -> str:
    lo, hi = col.min, col.max
    num = lambda v: f"{v:g}".replace(".", ",")  # noqa: E731
    if lo is not None and hi is not None:
        if col.min_exclusive:
            return f"doit être supérieur à {num(lo)} et au plus {num(hi)}"
        return f"doit être compris entre {num(lo)} et {num(hi)}"
    if lo is not None:
        return f"doit être supérieur ou égal à {num(lo)}"
    return f"doit être inférieur ou égal à {num(hi)}"


def _column_conditions(col: Column, communes: frozenset[str]) -> list[tuple[Callable[[pl.Expr], pl.Expr], str]]:
    """(condition on the column, French rule) pairs: the pandera checks and the precheck share them."""
    conditions = []
    if col.min is not None or col.max is not None:
        rule = _range_rule(col)
        if col.min is not None:
            lower = (lambda e, v=col.min: e.gt(v)) if col.min_exclusive else (lambda e, v=col.min: e.ge(v))
            conditions.append((lower, rule))
        if col.max is not None:
            conditions.append((lambda e, v=col.max: e.le(v), rule))
    if col.type == CODE and col.codes not in OPEN_CODE_LISTS:
        allowed = list(CODE_LISTS[col.codes]) + list(col.extra_codes)
        conditions.append((lambda e, a=allowed: e.is_in(a), "code inconnu ; codes admis : "
                           + ", ".join([allowed_codes(col.codes), *col.extra_codes])))
    if col.pattern:
        pattern = col.pattern if col.pattern.startswith("^") else "^" + col.pattern  # as pandera's str_matches
        conditions.append((lambda e, p=pattern: e.str.contains(p), "format attendu : " + col.pattern_rule))
    if col.siret:
        # Two sentences a non-specialist understands: the length, then the check digit (Luhn)
        # only for 14 digits.
        conditions.append((lambda e: e.str.contains(r"^[0-9]{14}$"), SIRET_LENGTH_RULE))
        conditions.append((lambda e: ~e.str.contains(r"^[0-9]{14}$")
                           | e.map_batches(_luhn_ok, return_dtype=pl.Boolean), SIRET_LUHN_RULE))
    if col.commune and communes:
        conditions.append((lambda e, k=sorted(communes): e.is_in(k),
                           "commune inconnue du référentiel des communes (code INSEE à 5 caractères)"))
    return conditions


def _pandera():
    """pandera.polars, imported when first needed: its import takes 1.5 s (pandas included) and
    a clean file never needs it (see `_passes_schema`)."""
    import pandera.polars

    return pandera.polars


def _column_checks(col: Column, communes: frozenset[str]) -> list[pa.Check]:
    pa = _pandera()
    return [pa.Check(lambda d, f=f: d.lazyframe.select(f(pl.col(d.key))), error=rule)
            for f, rule in _column_conditions(col, communes)]


@lru_cache(maxsize=32)
def schema(template: Template, communes: frozenset[str]) -> pa.DataFrameSchema:
    """The pandera schema of a template, derived from the contract."""
    pa = _pandera()
    columns = {
        c.name: pa.Column(POLARS_TYPES[c.type], checks=_column_checks(c, communes), nullable=not c.required,
                          required=True)
        for c in template.columns
    }
    checks = [
        pa.Check(lambda d, r=rule: d.lazyframe.select(r.ok.fill_null(True)), name=name)
        for name, rule in _rules(template).items()
    ]
    return pa.DataFrameSchema(columns, checks=checks)


def _passes_schema(typed: pl.DataFrame, template: Template, communes: frozenset[str]) -> bool:
    """Whether pandera would find nothing, in one pass over the frame.

    pandera runs each check as its own query (0.1 s a file at national scale): a clean file,
    the usual case, is settled here, and pandera runs only to describe the failures. Same
    conditions and null handling as pandera: a null check result passes; a required column
    holds no null (nor NaN, for decimals).
    """
    if typed.schema != pl.Schema({c.name: POLARS_TYPES[c.type] for c in template.columns}):
        return False
    passes = []
    for c in template.columns:
        e = pl.col(c.name)
        if c.required:
            passes.append(e.is_not_null() & e.is_not_nan() if c.type == DEC else e.is_not_null())
        passes += [f(e).fill_null(True) for f, _ in _column_conditions(c, communes)]
    passes += [r.ok.fill_null(True) for r in _rules(template).values()]
    try:
        return typed.select(pl.all_horizontal(passes).all()).item() is True
    except pl.exceptions.PolarsError:  # pandera would report the check that cannot run
        return False


def _codes_problems(sheet: Sheet, typed: pl.DataFrame, col: Column) -> pl.DataFrame:
    """List columns: pandera cannot check each element against a list, so we do it here."""
    allowed = list(CODE_LISTS[col.codes])
    bad = typed.select(
        ROW, pl.col(col.name).list.eval(pl.element().filter(~pl.element().is_in(allowed))).alias("bad")
    ).filter(pl.col("bad").list.len() > 0)
    return bad.select(
        ROW,
        pl.lit(col.name).alias("column"),
        pl.lit("code(s) inconnu(s) : ").add(pl.col("bad").list.join(", "))
        .add(pl.lit(" ; codes admis : " + allowed_codes(col.codes))).alias("regle"),
    )


@dataclass
class Checked:
    sheet: Sheet
    typed: pl.DataFrame | None  # None when the sheet has errors
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not any(p.niveau == ERROR for p in self.problems)


def _problem(sheet: Sheet, ligne, column: str | None, valeur, regle: str, niveau: str = ERROR) -> Problem:
    header = None
    if column is not None:
        header = sheet.headers.get(column) or sheet.template.column(column).label
    return Problem(sheet.file, sheet.sheet, ligne, header, None if valeur is None else str(valeur), regle, niveau)


def _cast_rule(col: Column) -> pl.Expr:
    """The rule of a cell that did not cast; a well-written date that does not exist says so."""
    if col.type == DATE:
        return (pl.when(pl.col("valeur").str.contains(DATE_SHAPE)).then(pl.lit(NO_SUCH_DATE))
                .otherwise(pl.lit(CAST_RULES[DATE])))
    return pl.lit(CAST_RULES[col.type])


def check_sheet(sheet: Sheet, communes: frozenset[str]) -> Checked:
    """Cast and validate a sheet; returns the typed frame when it has no error."""
    t = sheet.template
    problems: list[Problem] = []
    for name in sheet.missing:
        if t.column(name).required:
            problems.append(_problem(sheet, 1, name, None, f"colonne obligatoire absente (« {t.column(name).label} »)"))
    for header in sheet.unknown:
        problems.append(Problem(sheet.file, sheet.sheet, 1, header, None,
                                "colonne inconnue de ce modèle : elle sera ignorée", WARNING))
    if sheet.frame.height == 0:
        problems.append(Problem(sheet.file, sheet.sheet, None, None, None, "aucune ligne de données", ERROR))
        return Checked(sheet, None, problems)

    raw = sheet.frame
    typed = pl.DataFrame([cast_column(c, raw[c.name]) for c in t.columns] + [raw[ROW]])

    # Cells that held text but did not cast: one problem each, with the text as written.
    # One lazy query for all columns: polars runs the columns side by side.
    cast_failures = [
        pl.LazyFrame({ROW: raw[ROW], "valeur": raw[c.name], "_typed": typed[c.name]})
        .filter(pl.col("valeur").is_not_null() & pl.col("_typed").is_null())
        .select(ROW, "valeur", pl.lit(c.name).alias("column"), _cast_rule(c).alias("regle"))
        for c in t.columns if c.type in CAST_RULES
    ]
    failed_cells = pl.concat(cast_failures).collect() if cast_failures else pl.DataFrame()
    if t.name == "objectifs":  # indicators named by their label, realised values of computed ones
        # (after the cast check: a value dropped here is not a cell that failed to cast)
        typed, found_here = objectifs.normalise(sheet, typed)
        problems += found_here

    found = [failed_cells] if failed_cells.height else []
    for c in t.columns:
        if c.type == CODES:
            bad = _codes_problems(sheet, typed, c)
            if bad.height:
                found.append(bad.join(raw.select(ROW, pl.col(c.name).alias("valeur")), on=ROW))

    if not _passes_schema(typed.drop(ROW), t, communes):
        try:
            schema(t, communes).validate(typed.drop(ROW), lazy=True)
        except _pandera().errors.SchemaErrors as exc:
            found.append(_pandera_problems(exc.failure_cases, sheet, raw, typed))

    if found:
        all_found = (
            pl.concat([f.select(ROW, "column", pl.col("valeur").cast(pl.String), "regle") for f in found])
            .filter(~pl.col("column").is_in(sheet.missing))  # already said once, at the header
            .unique(subset=[ROW, "column"], keep="first", maintain_order=True)
            .sort(ROW, pl.col("column").replace_strict(t.column_names, range(len(t.column_names))))
        )
        for r in all_found.head(MAX_PROBLEMS_PER_FILE).iter_rows(named=True):
            problems.append(_problem(sheet, r[ROW], r["column"], r["valeur"], r["regle"]))
        if all_found.height > MAX_PROBLEMS_PER_FILE:
            problems.append(Problem(sheet.file, sheet.sheet, None, None, None,
                                    f"… et {all_found.height - MAX_PROBLEMS_PER_FILE} autres problèmes non listés"))
    ok = not any(p.niveau == ERROR for p in problems)
    return Checked(sheet, typed.drop(ROW) if ok else None, problems)


def _pandera_problems(fc: pl.DataFrame, sheet: Sheet, raw: pl.DataFrame, typed: pl.DataFrame) -> pl.DataFrame:
    """pandera failure cases -> (row, column, value as written, French rule)."""
    rules = _rules(sheet.template)
    fc = fc.filter(pl.col("index").is_not_null()).with_columns(pl.col("index").cast(pl.Int64))
    out = []
    col_cases = fc.filter(pl.col("schema_context") == "Column")
    if col_cases.height:
        col_cases = col_cases.with_columns(
            pl.when(pl.col("check") == "not_nullable")
            .then(pl.lit("valeur obligatoire manquante"))
            .otherwise(pl.col("check"))
            .alias("regle")
        )
        # Our checks carry their French sentence in `error`, which pandera reports as `check`.
        idx = col_cases["index"]
        out.append(col_cases.select(
            pl.col("index").alias("i"), pl.col("column"), pl.col("regle"),
        ).with_columns(
            pl.Series(ROW, raw[ROW].gather(idx)),
            pl.Series("valeur", [raw[c][i] for c, i in zip(col_cases["column"], idx)], dtype=pl.String),
        ).drop("i"))
    for name, rule in rules.items():
        rows = fc.filter((pl.col("schema_context") == "DataFrameSchema") & (pl.col("check") == name))["index"]
        if rows.len() == 0:
            continue
        picked = typed.with_row_index("i").filter(pl.col("i").is_in(rows.implode()))
        msgs = typed.with_columns(rule.message.alias("_msg"))["_msg"].gather(picked["i"])
        out.append(pl.DataFrame({
            ROW: raw[ROW].gather(picked["i"]),
            "column": [rule.column] * picked.height,
            "valeur": raw[rule.column].gather(picked["i"]).cast(pl.String),
            "regle": msgs,
        }))
    order = [ROW, "column", "valeur", "regle"]
    return pl.concat([o.select(order) for o in out]) if out else pl.DataFrame(schema={ROW: pl.Int64, "column": pl.String,
                                                            "valeur": pl.String, "regle": pl.String})
