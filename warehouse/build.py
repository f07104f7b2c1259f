"""Schema and views of the warehouse, derived from the contract module and sql/.

Raw tables hold the current rows of each template, with the load that brought them.
Reference tables come from the contract's code lists. Each file in sql/ holds one select;
it becomes a view named after the file, staging before marts.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from contract import (
    CODE_LISTS,
    CONSTANTES,
    COMMUNES_REUNION,
    DERIVED_LISTS,
    DYNAMIC_EXIT_CATEGORIES,
    MOTIF_CATEGORIES,
    MOTIF_CATEGORY_LABELS,
    RETURN_TEMPLATES,
    SUPERVISION_FUNCTIONS,
    TEMPLATES,
)
from warehouse import catalogue, settings
from warehouse.db import now, scalar

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
# Raise when the raw or bookkeeping tables change shape, with a step in MIGRATIONS that brings
# a warehouse of the version before up to it; views are rebuilt whenever sql/ changes.
SCHEMA_VERSION = 2

BOOKKEEPING = """
create table if not exists meta (key varchar primary key, value varchar);
create table if not exists load_log (
    load_id integer primary key,
    file_name varchar not null,   -- as given by the user (base name)
    checksum varchar not null,    -- sha256 of the file's bytes
    loaded_at timestamp not null,
    user_name varchar,
    templates varchar,            -- the templates found in the file, comma separated
    row_count integer,
    status varchar not null,      -- loaded | unchanged | rejected
    message varchar
);
create table if not exists load_problems (
    load_id integer not null, fichier varchar, feuille varchar, ligne integer,
    colonne varchar, valeur varchar, regle varchar
);
create table if not exists returns (       -- the current version of each return
    template varchar not null, siret varchar not null, annee integer not null,
    load_id integer not null, row_count integer not null, content_hash varchar not null,
    primary key (template, siret, annee)
);
create table if not exists return_events ( -- what each load did to each return
    load_id integer not null, template varchar not null, siret varchar not null,
    annee integer not null, action varchar not null, previous_load_id integer,  -- new|replaced|unchanged|rejected
    previous_row_count integer     -- rows of the return it replaced (action = replaced)
);
"""


def raw_table(template: str) -> str:
    return f"raw_{template}"


def raw_ddl(template: str) -> str:
    t = TEMPLATES[template]
    cols = ",\n    ".join(f"{c.name} {c.sql_type}" for c in t.columns)
    return f"create table if not exists {raw_table(template)} (\n    {cols},\n    _load_id integer not null\n)"


def _create_reference(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create or replace table ref_codes (liste varchar, code varchar, libelle varchar, rang integer)")
    con.executemany(
        "insert into ref_codes values (?, ?, ?, ?)",
        [(lst, code, label, i) for lst, codes in (CODE_LISTS | DERIVED_LISTS).items()
         for i, (code, label) in enumerate(codes.items())],
    )
    con.execute("create or replace table ref_template (template varchar primary key, libelle varchar,"
                " rang integer, retour_annuel boolean)")
    con.executemany("insert into ref_template values (?, ?, ?, ?)",
                    [(t.name, t.label, i, t.name in RETURN_TEMPLATES) for i, t in enumerate(TEMPLATES.values())])
    con.execute("create or replace table ref_fonction (fonction varchar primary key, libelle varchar,"
                " encadrement boolean)")
    con.executemany("insert into ref_fonction values (?, ?, ?)",
                    [(code, label, code in SUPERVISION_FUNCTIONS) for code, label in CODE_LISTS["FONCTION"].items()])
    # categorie_rang: the contract's order of the exit categories, the order every page shows them in
    con.execute(
        "create or replace table ref_motif_sortie (motif_sortie varchar primary key, libelle varchar,"
        " categorie varchar, categorie_libelle varchar, categorie_rang integer, dynamique boolean)"
    )
    con.executemany(
        "insert into ref_motif_sortie values (?, ?, ?, ?, ?, ?)",
        [
            (code, CODE_LISTS["MOTIF_SORTIE"][code], cat, MOTIF_CATEGORY_LABELS[cat], rang,
             cat in DYNAMIC_EXIT_CATEGORIES)
            for rang, (cat, codes) in enumerate(MOTIF_CATEGORIES.items())
            for code in codes
        ],
    )
    # One row, one column per constant of contract/constants.py; views cross join it.
    con.execute("create or replace table ref_constantes ("
                + ", ".join(f"{name} integer not null" for name in CONSTANTES) + ")")
    con.execute("insert into ref_constantes values (" + ", ".join("?" for _ in CONSTANTES) + ")",
                [value for value, _ in CONSTANTES.values()])
    for name, (_, meaning) in CONSTANTES.items():
        con.execute(f"comment on column ref_constantes.{name} is " + _sql_string(meaning))
    # The computed indicators an objective of the action plan may name (suivi_objectifs).
    con.execute("create or replace table ref_indicateur (indicateur varchar primary key, libelle varchar,"
                " unite varchar)")
    con.executemany("insert into ref_indicateur values (?, ?, ?)",
                    [(n, catalogue.label(n), catalogue.fmt(n)) for n in catalogue.indicators_of(catalogue.TERRITOIRE)])
    _create_seuils_attention(con)


def _create_seuils_attention(con: duckdb.DuckDBPyConnection) -> None:
    """One row: the thresholds of config/observatoire.toml [points_attention], read by the view
    points_attention (they are in the fingerprint, so a change rebuilds the marts)."""
    seuils = vars(settings.seuils_attention())
    con.execute("create or replace table ref_seuils_attention ("
                + ", ".join(f"{k} {'integer' if isinstance(v, int) else 'double'} not null" for k, v in seuils.items())
                + ")")
    con.execute("insert into ref_seuils_attention values (" + ", ".join("?" for _ in seuils) + ")", list(seuils.values()))


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sql_files() -> list[Path]:
    return sorted((SQL_DIR / "staging").glob("*.sql")) + sorted((SQL_DIR / "marts").glob("*.sql"))


def _sql_fingerprint() -> str:
    """Changes with sql/, the schema version, the constants and the thresholds of the points of
    attention: any of them rebuilds the views."""
    h = hashlib.sha256(str(SCHEMA_VERSION).encode() + repr(CONSTANTES).encode()
                       + repr(settings.seuils_attention()).encode())
    for f in sql_files():
        h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()


def _names_read(text: str, names: set[str]) -> set[str]:
    """The names of `names` a SQL text mentions as whole words (a mention in a comment counts:
    reading too much is safe, too little is not)."""
    return {n for n in names if re.search(rf"\b{n}\b", text)}


@functools.cache  # sql/ is code: it does not change while a process runs
def _ordered_sql_files() -> list[Path]:
    """Staging then marts, each file after the views its text names (a topological order)."""
    files = sql_files()
    names = {f.stem for f in files}
    reads = {f.stem: _names_read(f.read_text(), names - {f.stem}) for f in files}
    ordered: list[Path] = []
    done: set[str] = set()
    while len(ordered) < len(files):
        ready = [f for f in files if f.stem not in done and reads[f.stem] <= done]
        if not ready:
            raise RuntimeError(f"vues en dépendance circulaire : {sorted(names - done)}")
        ordered += ready
        done |= {f.stem for f in ready}
    return ordered


# The tables a load writes: the raw rows of each template and the bookkeeping of returns.
BOOKKEEPING_TABLES = frozenset({"load_log", "load_problems", "returns", "return_events"})
WRITTEN_BY_LOADS = {raw_table(t) for t in TEMPLATES} | BOOKKEEPING_TABLES


@functools.cache
def tables_read() -> dict[str, set[str]]:
    """For each view of sql/, the tables a load writes that it reads, itself or through the
    views it reads: a load that wrote none of them cannot change its rows."""
    out: dict[str, set[str]] = {}
    views = {f.stem for f in sql_files()}
    for f in _ordered_sql_files():  # a view after those it reads
        text = f.read_text()
        out[f.stem] = _names_read(text, WRITTEN_BY_LOADS).union(
            *(out[v] for v in _names_read(text, views - {f.stem})))
    return out


def _create_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Each file becomes a view named after it; returns the names in dependency order."""
    made = []
    for f in _ordered_sql_files():
        con.execute(f"create or replace view {f.stem} as\n{f.read_text()}")
        made.append(f.stem)
    return made


def _mart_names() -> set[str]:
    return {f.stem for f in sorted((SQL_DIR / "marts").glob("*.sql"))}


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.sql("select table_name from duckdb_tables() where schema_name = 'main'").fetchall()}


def _drop_materialised(con: duckdb.DuckDBPyConnection) -> None:
    for name in _mart_names() & _tables(con):
        con.execute(f"drop table {name}")


@dataclass(frozen=True)
class Changes:
    """What loads wrote: the years of their rows and return events (None: rows without a year,
    the communes reference, so every year), the tables they wrote (WRITTEN_BY_LOADS), and the
    SIAE whose returns they wrote (None: a template without SIRET, so any SIAE)."""
    years: frozenset[int] | None
    tables: frozenset[str]
    sirets: frozenset[str] | None = None


def refresh(con: duckdb.DuckDBPyConnection, changes: Changes | None = None) -> None:
    """Recompute the marts and store each as a table under its view's name, same columns.

    Pages then read precomputed rows (a few ms) instead of re-planning nested views at
    every query (docs/ARCHITECTURE.md, habit 5); a load calls this once, after its last file.
    `changes`: what the loads wrote (changes_since); only the marts that read those tables, and
    only the rows of the years a change can reach, are recomputed. None: everything.
    """
    if changes is not None and changes.years is not None and _mart_names() <= _tables(con):
        _refresh_years(con, changes)
        return
    _drop_materialised(con)
    marts = _mart_names()
    for name in _create_views(con):
        if name in marts:
            con.execute(f"create table _materialising as select * from {name}")
            con.execute(f"drop view {name}")
            con.execute(f"alter table _materialising rename to {name}")


# A mart row of year n reads the finances of n - 1 and n - 2 (indicateurs_siae, points_attention):
# a change in year n changes the rows of n, n + 1 and n + 2. Raise it if a view reads further back.
YEARS_READ_BACK = 2


# Marts each row of which reads only the rows of its own SIAE (every join is on siret): after a
# load of a few SIAE's returns, only their rows are recomputed. A mart comparing a SIAE with
# others (points_attention: the medians of its type) must not be listed.
PER_SIAE_MARTS = frozenset({"indicateurs_siae", "suivi_retours", "financement_par_financeur"})
# Above this many SIAE, recomputing whole years is as fast (a filter `siret = ?` reaches DuckDB's
# scans; `siret in (...)` does not, so each SIAE is a statement of its own).
MAX_SIAE_ONE_BY_ONE = 10


def changes_since(con: duckdb.DuckDBPyConnection, since_load_id: int) -> Changes:
    """What the loads numbered from `since_load_id` wrote. A raw table is written when it holds
    rows of those loads: a replaced return's rows are deleted and its new ones inserted in the
    same load. Years and SIAE: those of the rows and of the return events (a refused return is one)."""
    written = [t for t in TEMPLATES
               if scalar(con, f"select count(*) from (select 1 from {raw_table(t)} where _load_id >= ? limit 1)",
                         [since_load_id])]
    tables = frozenset({raw_table(t) for t in written}) | BOOKKEEPING_TABLES
    if "communes" in written:
        return Changes(None, tables)
    by_siae = [t for t in written if "siret" in TEMPLATES[t].return_key]
    parts = [f"select annee, siret from {raw_table(t)} where _load_id >= $id" for t in by_siae]
    parts += [f"select annee, null from {raw_table(t)} where _load_id >= $id" for t in written if t not in by_siae]
    parts.append("select annee, siret from return_events where load_id >= $id")
    rows = con.sql(" union ".join(parts), params={"id": since_load_id}).fetchall()
    sirets = None if len(by_siae) < len(written) else frozenset(r[1] for r in rows)
    return Changes(frozenset(r[0] for r in rows), tables, sirets)


def _refresh_years(con: duckdb.DuckDBPyConnection, changes: Changes) -> None:
    """Replace, mart after mart in dependency order, the rows a change can reach by the rows the
    mart's select gives for them (a mart read by a later one is already renewed): the years
    touched and the two after; in PER_SIAE_MARTS, only the rows of the SIAE touched. A mart that
    reads none of the written tables keeps its rows (a finances return leaves the salaried
    people's distributions as they are)."""
    years = sorted({int(y) + k for y in changes.years for k in range(YEARS_READ_BACK + 1)})
    if not years:
        return
    marts = _mart_names()
    reads = tables_read()
    one_by_one = changes.sirets is not None and len(changes.sirets) <= MAX_SIAE_ONE_BY_ONE
    for f in _ordered_sql_files():
        if f.stem not in marts or not reads[f.stem] & changes.tables:
            continue
        selections = ([{"annees": years, "siret": s} for s in sorted(changes.sirets)]
                      if one_by_one and f.stem in PER_SIAE_MARTS else [{"annees": years}])
        for params in selections:
            where = "list_contains($annees, annee)" + (" and siret = $siret" if "siret" in params else "")
            con.execute(f"delete from {f.stem} where {where}", params)
            con.execute(f"insert into {f.stem} select * from (\n{f.read_text()}\n) where {where}", params)


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    try:
        value = scalar(con, "select value from meta where key = 'fingerprint'")
    except duckdb.CatalogException:
        return False
    return value == _sql_fingerprint()


def stored_schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version a warehouse was built with; None for a new (empty) one."""
    try:
        value = scalar(con, "select value from meta where key = 'schema_version'")
    except duckdb.CatalogException:
        return None
    return int(value) if value is not None else None


MIGRATION_STATUS = "migration"  # load_log.status of a row that records an upgrade, not a file


def _log_migration(con: duckdb.DuckDBPyConnection, file_name: str, templates: str, rows: int, message: str) -> int:
    """A row of the load history saying what an upgrade changed in the data; returns its load_id."""
    load_id = scalar(con, "select coalesce(max(load_id), 0) + 1 from load_log")
    con.execute("insert into load_log values (?, ?, '', ?, 'mise à jour', ?, ?, ?, ?)",
                [load_id, file_name, now(), templates, rows, MIGRATION_STATUS, message])
    return load_id


def _v2_replaced_rows_and_les_avirons(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 2: return_events keeps the size of the return a load replaced; Les Avirons
    (97401), shipped in OUEST by mistake, belongs to SUD (CONTRACT section 2)."""
    con.execute("alter table return_events add column if not exists previous_row_count integer")
    wrong = scalar(con, "select count(*) from raw_communes where commune_insee = '97401' and bassin = 'OUEST' "
                        "and nom = 'Les Avirons'")
    if not wrong:
        return  # not the shipped reference (another department's), or already right
    siae = scalar(con, "select count(distinct siret) from raw_conventions where commune_insee = '97401'")
    load_id = _log_migration(
        con, "référentiel des communes (mise à jour)", "communes", 1,
        f"Les Avirons (97401) passe du bassin OUEST au bassin SUD (erreur du référentiel livré) : "
        f"{siae} SIAE de cette commune comptée(s) désormais dans le bassin Sud")
    con.execute("update raw_communes set bassin = 'SUD', _load_id = ? where commune_insee = '97401'", [load_id])


# Step n brings a warehouse of schema n - 1 to schema n; each runs once, in order.
MIGRATIONS = {2: _v2_replaced_rows_and_les_avirons}


def _migrate(con: duckdb.DuckDBPyConnection, stored: int) -> None:
    for version in range(stored + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[version](con)


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Create or upgrade everything; safe to run on a warehouse that is already current."""
    stored = stored_schema_version(con)
    con.execute(BOOKKEEPING)
    for name in TEMPLATES:
        con.execute(raw_ddl(name))
    _create_reference(con)
    if stored is not None:
        _migrate(con, stored)
    if scalar(con, "select count(*) from raw_communes") == 0:
        con.executemany("insert into raw_communes values (?, ?, ?, 0)", COMMUNES_REUNION)
    refresh(con)
    con.execute("insert or replace into meta values ('fingerprint', ?), ('schema_version', ?)",
                [_sql_fingerprint(), str(SCHEMA_VERSION)])
