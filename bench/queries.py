"""Indicator figures: refresh time, query time of every mart, the DuckDB floor, EXPLAIN ANALYZE."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from bench.measure import median_time, timed
from warehouse import build
from warehouse.db import connect_read, current_file, new_version

SQL_DIR = build.SQL_DIR


def mart_names() -> list[str]:
    return sorted(f.stem for f in (SQL_DIR / "marts").glob("*.sql"))


def mart_kinds(link: Path) -> dict[str, str]:
    """'table' (materialised) or 'vue' for each mart, as found in the warehouse."""
    con = connect_read(link)
    try:
        tables = {r[0] for r in con.sql("select table_name from duckdb_tables() where schema_name = 'main'").fetchall()}
        views = {r[0] for r in con.sql("select view_name from duckdb_views() where schema_name = 'main'").fetchall()}
    finally:
        con.close()
    return {m: "table" if m in tables else "vue" if m in views else "absente" for m in mart_names()}


def refresh(link: Path) -> dict:
    """What `python -m warehouse init` costs after a schema change: a new version (copy of the
    current file), the schema and every mart rebuilt, checkpoint and link swap."""
    t0 = time.perf_counter()
    with new_version(link) as con:
        t_build = timed(lambda: build.build(con))
        t1 = time.perf_counter()
    total = time.perf_counter() - t0
    return {"construction_s": t_build, "total_s": total, "copie_et_ecriture_s": total - t_build,
            "checkpoint_s": time.perf_counter() - t1}


def _year_sql(name: str) -> str:
    return f"select * from {name} where annee = $annee"


def time_marts(link: Path, year: int, runs: int = 5, budget: float = 8.0) -> list[dict]:
    """Median time of `select *` on each mart for one year and for all years, on the app's kind
    of connection (read-only), results fetched into polars as the pages do."""
    con = connect_read(link)
    out = []
    try:
        for name in mart_names():
            row = {"vue": name}
            try:
                cols = {r[0] for r in con.sql(f"describe {name}").fetchall()}
                if "annee" in cols:
                    t, _ = median_time(lambda: con.sql(_year_sql(name), params={"annee": year}).pl(), runs,
                                       budget=budget)
                    row["une_annee_s"] = t
                    row["lignes_une_annee"] = con.sql(f"select count(*) from {name} where annee = $annee",
                                                      params={"annee": year}).fetchall()[0][0]
                t, _ = median_time(lambda: con.sql(f"select * from {name}").pl(), runs, budget=budget)
                row["toutes_annees_s"] = t
                row["lignes_toutes_annees"] = con.sql(f"select count(*) from {name}").fetchall()[0][0]
            except duckdb.Error as exc:
                row["erreur"] = str(exc).splitlines()[0]
            out.append(row)
    finally:
        con.close()
    return out


def _on_demand_views(con: duckdb.DuckDBPyConnection) -> None:
    """Temporary views, one per mart, shadowing the materialised tables: the indicators
    computed at query time from the raw tables, as they would be without materialisation."""
    pending = sorted((SQL_DIR / "marts").glob("*.sql"))
    while pending:
        failed = []
        for f in pending:
            try:
                con.execute(f"create or replace temp view {f.stem} as\n{f.read_text()}")
            except duckdb.CatalogException:
                failed.append(f)
        if len(failed) == len(pending):
            raise duckdb.CatalogException(f"vue {failed[0].stem} impossible à créer")
        pending = failed


def floor(link: Path, year: int, runs: int = 7) -> dict:
    """The floor: indicateurs_territoire for one year, straight from DuckDB on a plain
    connection to the same file, nothing around it; and the same computed on demand."""
    con = duckdb.connect(str(current_file(link)), read_only=True)
    try:
        q = "select * from indicateurs_territoire where annee = $annee"
        t_plain, _ = median_time(lambda: con.sql(q, params={"annee": year}).fetchall(), runs)
        res = {"plancher_s": t_plain}
        try:
            _on_demand_views(con)
            t_demand, _ = median_time(lambda: con.sql(q, params={"annee": year}).fetchall(), runs, budget=15)
            res["a_la_demande_s"] = t_demand
        except duckdb.Error as exc:
            res["a_la_demande_erreur"] = str(exc).splitlines()[0]
        return res
    finally:
        con.close()


def explain(link: Path, names: list[str], out_dir: Path) -> list[Path]:
    """EXPLAIN ANALYZE of the given marts (all years) into text files, for the report."""
    con = connect_read(link)
    written = []
    try:
        for name in names:
            rows = con.sql(f"explain analyze select * from {name}").fetchall()
            path = out_dir / f"explain_{name}.txt"
            path.write_text("\n".join(str(r[-1]) for r in rows))
            written.append(path)
    finally:
        con.close()
    return written


def view_profile(link: Path, name: str, year: int | None = None) -> str:
    """EXPLAIN ANALYZE of a mart computed on demand (from its SQL), to find what is slow."""
    con = duckdb.connect(str(current_file(link)), read_only=True)
    try:
        _on_demand_views(con)
        where = f" where annee = {int(year)}" if year else ""
        rows = con.sql(f"explain analyze select * from {name}{where}").fetchall()
        return "\n".join(str(r[-1]) for r in rows)
    finally:
        con.close()
