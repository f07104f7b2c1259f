"""Validate return files and store the good ones in a new warehouse version.

A file is stored whole or not at all (one transaction per file). A return is the rows of
one template for one (siret, annee): a reload replaces the previous return, and the
previous one stays in the earlier warehouse versions. Loading files whose returns are
identical to the stored ones writes nothing at all.
"""

from __future__ import annotations

import getpass
import hashlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Collection, Iterable, Iterator

import duckdb
import polars as pl

from contract import LOAD_ORDER, TEMPLATES
from loaders import objectifs
from loaders.read import ACCEPTED_SUFFIXES, fold, read_file
from loaders.replace import IncomingReturn, Replacement, incoming_returns
from loaders.report import ERROR, WARNING, LoadError, Problem
from loaders.cast import cast_column
from loaders.validate import Checked, check_sheet
from warehouse import audit, build, conservation, settings
from warehouse.db import db_path, new_version, now, register_frame, scalar

LOADED, UNCHANGED, REJECTED = "loaded", "unchanged", "rejected"
# Held back: valid, but it would replace a person-level return by one of fewer than half its
# rows, and that was not confirmed (loaders.replace). Nothing stored from it.
HELD = "held"
STATUS_LABELS = {LOADED: "chargé", UNCHANGED: "déjà chargé, inchangé", REJECTED: "refusé",
                 HELD: "retenu : confirmation requise", build.MIGRATION_STATUS: "mise à jour de l'entrepôt"}


@dataclass
class FileResult:
    path: Path
    name: str
    status: str = REJECTED
    problems: list[Problem] = field(default_factory=list)
    checksum: str = ""
    templates: list[str] = field(default_factory=list)
    rows: int = 0
    new: int = 0  # returns seen for the first time
    replaced: int = 0  # returns that replaced a different earlier version
    unchanged: int = 0  # returns identical to the stored ones
    incoming: list[IncomingReturn] = field(default_factory=list)  # the returns it carries, when valid
    # Stored returns it replaced (loaded) or would replace by fewer than half their rows (held).
    replacements: list[Replacement] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.niveau == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.niveau != ERROR]


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the .csv/.xlsx files found under directories (sorted, recursive)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in ACCEPTED_SUFFIXES
                          and not f.name.startswith(("~$", ".")))
        else:
            out.append(p)
    return out


def _checksum(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def holds_communes(path: Path) -> bool:
    """Cheap look at a file: does it bring communes (to be loaded before the returns naming them)?"""
    return "commune" in fold(path.stem) and "conventions" not in fold(path.stem)


def check_file(path: Path, communes: set[str], display_name: str | None = None,
               checksum: bool = True) -> tuple[FileResult, list[Checked]]:
    """Read and validate one file without storing anything (used by the import page too).

    A valid file's `incoming` lists the returns it carries (for loaders.replace).
    """
    result, checked, _ = _check(path, communes, display_name, checksum)
    return result, checked


def _check(path: Path, communes: set[str], display_name: str | None,
           checksum: bool, incoming: bool = True) -> tuple[FileResult, list[Checked], list]:
    """check_file, and the fingerprints of the returns of each sheet (None: nothing to fingerprint).

    `incoming`: list the returns the file carries, with their headline figures (the import page
    shows them before loading); a load finds what it replaces in SQL and needs none (a national
    load made 250,000 of them for nothing)."""
    result = FileResult(path, display_name or path.name)
    try:
        if checksum and path.exists() and path.is_file():
            result.checksum = _checksum(path)
        sheets = read_file(path, result.name)
    except LoadError as exc:
        result.problems.append(exc.problem)
        return result, [], []
    if len(sheets) > 1 and any(s.frame.height for s in sheets):
        # A workbook made from the template: the sheets a structure left empty are not errors.
        for s in sheets:
            if s.frame.height == 0:
                result.problems.append(Problem(result.name, s.sheet, None, None, None,
                                               "feuille sans ligne de données : ignorée", WARNING))
        sheets = [s for s in sheets if s.frame.height]
    sheets.sort(key=lambda s: LOAD_ORDER.index(s.template.name))
    checked = []
    for sheet in sheets:
        c = check_sheet(sheet, frozenset(communes))
        checked.append(c)
        result.problems += c.problems
        if c.ok and sheet.template.name == "communes":
            communes |= set(c.typed["commune_insee"].to_list())  # later sheets may name them
    result.templates = [c.sheet.template.name for c in checked]
    result.rows = sum(c.sheet.frame.height for c in checked)
    result.status = LOADED if not result.errors else REJECTED
    hashes = [_content_hashes(c.typed, list(c.sheet.template.return_key))
              if c.ok and "siret" in c.sheet.template.return_key else None for c in checked]
    if result.status == LOADED and incoming:
        result.incoming = [r for c, h in zip(checked, hashes) if h is not None
                           for r in incoming_returns(c.sheet.template.name, c.typed, h)]
    return result, checked, hashes


def _content_hashes(df: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """One row per return in the frame, with a fingerprint of its rows."""
    return df.group_by(key, maintain_order=True).agg(
        pl.struct(df.columns).hash(7).sum().alias("h"), pl.len().alias("n")
    ).select(*key, pl.format("{}-{}", pl.col("h"), pl.col("n")).alias("content_hash"), pl.col("n").cast(pl.Int32))


def store_sheet(con: duckdb.DuckDBPyConnection, template: str, df: pl.DataFrame, load_id: int,
                hashes: pl.DataFrame | None = None,
                replaced_out: list[Replacement] | None = None) -> tuple[int, int, int]:
    """Write one template's rows; returns (new, replaced, unchanged) return counts.

    `hashes`: the frame's `_content_hashes`, when the checking thread computed them already.
    `replaced_out`: receives the returns replaced, with their former and new row counts.
    """
    t = TEMPLATES[template]
    raw = build.raw_table(template)
    casts = ", ".join(f"i.{c.name}::{c.sql_type}" for c in t.columns)
    register_frame(con, "incoming", df)
    try:
        if template == "communes":
            con.execute(f"delete from {raw} where commune_insee in (select commune_insee from incoming)")
            con.execute(f"insert into {raw} select {casts}, ? from incoming i", [load_id])
            return df.height, 0, 0
        if template == objectifs.TEMPLATE:  # keyed by year: a file replaces the whole plan of each year it holds
            return objectifs.store_plan(con, df, load_id)
        if "siret" not in t.return_key:
            return _store_by_key(con, t, raw, casts, load_id)
        key = list(t.return_key)
        register_frame(con, "incoming_returns", hashes if hashes is not None else _content_hashes(df, key))
        con.execute(
            """create or replace temp table diff as
               select i.siret, i.annee, i.content_hash, i.n, r.load_id as previous_load_id,
                      r.row_count as previous_row_count,
                      case when r.content_hash is null then 'new'
                           when r.content_hash = i.content_hash then 'unchanged'
                           else 'replaced' end as action
               from incoming_returns i
               left join returns r on r.template = ? and r.siret = i.siret and r.annee = i.annee""",
            [template],
        )
        con.execute(f"delete from {raw} r using diff d where d.action = 'replaced' "
                    "and r.siret = d.siret and r.annee = d.annee")
        con.execute(
            f"""insert into {raw} select {casts}, ? from incoming i
                where exists (select 1 from diff d where d.action <> 'unchanged'
                              and d.siret = i.siret and d.annee = i.annee)""",
            [load_id],
        )
        con.execute("insert or replace into returns select ?, siret, annee, ?, n, content_hash "
                    "from diff where action <> 'unchanged'", [template, load_id])
        con.execute("insert into return_events select ?, ?, siret, annee, action, previous_load_id, "
                    "case when action = 'replaced' then previous_row_count end from diff", [load_id, template])
        counts = dict(con.sql("select action, count(*) from diff group by action").fetchall())
        if counts.get("replaced") and replaced_out is not None:
            replaced_out += [Replacement(template, siret, annee, old, n, previous) for siret, annee, old, n, previous in
                             con.sql("select siret, annee, previous_row_count, n, previous_load_id from diff "
                                     "where action = 'replaced' order by siret, annee").fetchall()]
        return counts.get("new", 0), counts.get("replaced", 0), counts.get("unchanged", 0)
    finally:
        con.unregister("incoming")
        try:
            con.unregister("incoming_returns")
        except duckdb.Error:
            pass


def _store_by_key(con: duckdb.DuckDBPyConnection, t, raw: str, casts: str, load_id: int) -> tuple[int, int, int]:
    """A template keyed by something else than (siret, annee), one row per key (demande_territoire
    by (annee, commune_insee)): each key the file holds replaces its stored row, other rows stay.
    A row identical to the stored one is left as it is, so loading the same file twice changes
    nothing. Counts are rows: (new, replaced, unchanged)."""
    assert t.key == t.return_key, t.name
    on = " and ".join(f"r.{k} = i.{k}" for k in t.key)
    same = " and ".join(f"r.{c.name} is not distinct from i.{c.name}::{c.sql_type}" for c in t.columns)
    con.execute(f"""create or replace temp table diff_keyed as
        select i.*, case when r.{t.key[0]} is null then 'new' when {same} then 'unchanged' else 'replaced' end
                    as _action
        from incoming i left join {raw} r on {on}""")
    con.execute(f"delete from {raw} r using diff_keyed i where i._action = 'replaced' and {on}")
    con.execute(f"insert into {raw} select {casts}, ? from diff_keyed i where i._action <> 'unchanged'", [load_id])
    counts = dict(con.sql("select _action, count(*) from diff_keyed group by _action").fetchall())
    return counts.get("new", 0), counts.get("replaced", 0), counts.get("unchanged", 0)


def replacement_summary(replaced: list[Replacement], held: bool = False, most: int = 3) -> str:
    """`remplace un retour de 205 lignes (Salariés en insertion 2024, SIRET …) par 82 lignes`, for
    the load report and history; a file replacing many returns gets the first few and a count."""
    said = [r.sentence() for r in replaced[:most]]
    if held:
        said = [s.replace("remplace ", "remplacerait ", 1) for s in said]
    if len(replaced) > most:
        said.append(f"et {len(replaced) - most} autre(s) retour(s) remplacé(s)")
    return " ; ".join(said)


def _log(con, load_id: int, r: FileResult, user: str | None) -> None:
    message = None
    if r.status == REJECTED:
        message = f"{len(r.errors)} problème(s)"
    elif r.status == HELD:
        message = "retenu, rien n'est enregistré : " + replacement_summary(r.replacements, held=True)
    elif r.status == LOADED:
        message = f"{r.new} nouveau(x) retour(s), {r.replaced} remplacé(s), {r.unchanged} inchangé(s)"
        if r.replacements:
            message += " ; " + replacement_summary(r.replacements)
    con.execute("insert into load_log values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [load_id, r.name, r.checksum, now(), user, ",".join(r.templates), r.rows, r.status, message])
    if r.problems:
        con.executemany("insert into load_problems values (?, ?, ?, ?, ?, ?, ?)",
                        [(load_id, p.fichier, p.feuille, p.ligne, p.colonne, p.valeur,
                          p.regle if p.niveau == ERROR else f"avertissement : {p.regle}") for p in r.problems])


def _log_rejected_returns(con, load_id: int, checked: list[Checked]) -> None:
    """The returns a rejected file was meant to bring, so the quality page can say "refusé"."""
    for c in checked:
        if "siret" not in c.sheet.template.column_names:
            continue
        frame = c.sheet.frame
        keys = frame.select(  # the SIRET as the loader reads it (a lost leading zero put back)
            cast_column(c.sheet.template.column("siret"), frame["siret"]),
            pl.col("annee").str.extract(r"^(\d{4})").cast(pl.Int32)
        ).drop_nulls().unique()
        if keys.height:
            con.executemany("insert into return_events values (?, ?, ?, ?, 'rejected', null, null)",
                            [(load_id, c.sheet.template.name, s, a) for s, a in keys.iter_rows()])


def _file_checksum(path: Path) -> str:
    return _checksum(path) if path.is_file() else ""


def _check_for_load(path: Path, communes: set[str], name: str) -> tuple[FileResult, list[Checked], list]:
    """check_file, and the fingerprints of the returns of a file to be stored.

    A valid sheet's text frame is let go once typed: the store reads the typed one, and two
    files are in memory at once (one stored, one checked), 40 MB each for a national return."""
    result, checked, hashes = _check(path, communes, name, checksum=False, incoming=False)
    if result.status == LOADED:
        for c in checked:
            c.sheet.frame = c.sheet.frame.clear()
    return result, checked, hashes


def _checked_ahead(files: list[Path], communes: set[str],
                   names: dict[Path, str]) -> Iterator[tuple[FileResult, list[Checked], list]]:
    """The files checked in order, each one in threads while the caller stores the one before.

    A DuckDB insert keeps one core busy; reading, validating and fingerprinting (polars) and
    the checksum (hashlib) use what is left. One worker checks the files one after the
    other, so a commune brought by a file is known to the next ones, as when everything ran
    in turn; one file ahead bounds the memory.
    """
    def joined(check: Future, checksum: Future) -> tuple[FileResult, list[Checked], list]:
        result, checked, hashes = check.result()
        result.checksum = checksum.result()
        return result, checked, hashes

    with ThreadPoolExecutor(1, thread_name_prefix="check") as checker, \
            ThreadPoolExecutor(1, thread_name_prefix="checksum") as summer:
        ahead = None
        for path in files:
            submitted = (checker.submit(_check_for_load, path, communes, names.get(path, path.name)),
                         summer.submit(_file_checksum, path))
            if ahead is not None:
                yield joined(*ahead)
            ahead = submitted
        if ahead is not None:
            yield joined(*ahead)


class _NothingChanged(Exception):
    """Every file was already loaded as is: discard the new version."""


def _hold(result: FileResult, confirmer: bool | Collection[str], how: str) -> bool:
    """Hold a valid file back when it would replace a person-level return by fewer than half
    its rows and that was not confirmed (`confirmer`: True, or the names of confirmed files)."""
    if confirmer is True or (not isinstance(confirmer, bool) and result.name in confirmer):
        return False
    shrinking = [r for r in result.replacements if r.needs_confirmation]
    if not shrinking:
        return False
    result.status = HELD
    result.replacements = shrinking
    result.problems += [Problem(result.name, None, None, None, None, r.held_sentence(how)) for r in shrinking]
    return True


def load_files(paths: Iterable[str | Path], link: Path | None = None, user: str | None = None,
               progress: Callable[[int, int, FileResult], None] | None = None,
               names: dict[Path, str] | None = None, confirmer: bool | Collection[str] = False,
               how_to_confirm: str = "relancez avec --confirmer") -> list[FileResult]:
    """Validate and load files into a new warehouse version; one result per file, in order.

    `names` gives the name to show for a path (the import page stores uploads in temporary files).
    `confirmer`: True, or the names of the files whose shrinking replacements are confirmed
    (loaders.replace); the others are held back (status HELD), nothing stored from them.
    """
    link = db_path(link)
    user = user or getpass.getuser()
    files = expand(paths)
    files.sort(key=lambda p: not holds_communes(p))  # stable: the reference first
    names = names or {}
    results: list[FileResult] = []
    if not files:
        return results
    try:
        with new_version(link) as con:
            if not build.is_current(con):
                build.build(con)
            communes = {r[0] for r in con.sql("select commune_insee from raw_communes").fetchall()}
            load_id = scalar(con, "select coalesce(max(load_id), 0) from load_log")
            first_load_id = load_id + 1
            for i, (result, checked, hashes) in enumerate(_checked_ahead(files, communes, names)):
                load_id += 1
                if result.status == LOADED:
                    con.execute("begin transaction")
                    try:
                        for c, h in zip(checked, hashes):
                            n, r, u = store_sheet(con, c.sheet.template.name, c.typed, load_id, h,
                                                  result.replacements)
                            result.new, result.replaced, result.unchanged = (
                                result.new + n, result.replaced + r, result.unchanged + u)
                        if _hold(result, confirmer, how_to_confirm):
                            # Checked on what the store found (no query more for the usual file): undone.
                            con.execute("rollback")
                            result.new = result.replaced = result.unchanged = 0
                            _log(con, load_id, result, user)
                            results.append(result)
                            if progress:
                                progress(i + 1, len(files), result)
                            continue
                        if result.new == 0 and result.replaced == 0:
                            result.status = UNCHANGED
                        _log(con, load_id, result, user)
                        con.execute("commit")
                    except duckdb.Error as exc:
                        con.execute("rollback")
                        result.status = REJECTED
                        result.problems.append(Problem(result.name, None, None, None, None,
                                                       f"enregistrement impossible : {exc}".split("\n")[0]))
                        _log(con, load_id, result, user)
                else:
                    _log(con, load_id, result, user)
                    _log_rejected_returns(con, load_id, checked)
                results.append(result)
                if progress:
                    progress(i + 1, len(files), result)
            if results and all(r.status == UNCHANGED for r in results):
                raise _NothingChanged
            # The marts are tables: recompute them once, after the last file, only what it can change.
            build.refresh(con, build.changes_since(con, first_load_id))
    except _NothingChanged:
        pass
    else:
        _prune_after_load(link)
    audit.record(link, "chargement", user, fichiers=len(results),
                 acceptes=sum(r.status != REJECTED for r in results),
                 refuses=sum(r.status == REJECTED for r in results))
    return results


def _prune_after_load(link: Path) -> None:
    """The retention policy after a load that made a version: disk stays bounded (each
    version is a full copy) with no one running `prune`. The load is stored whatever happens here."""
    policy = settings.conservation_versions()
    if policy.apres_chargement:
        try:
            conservation.prune(link, policy)
        except OSError:
            pass  # a version that cannot be removed now is removed after a later load
