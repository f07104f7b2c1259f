"""Where the warehouse lives, its versions, and connections to it.

The warehouse path (`warehouse/iae.duckdb` by default) is a symbolic link to the current
version file in `<path>.versions/`. A write never touches the current file: it copies it
to a new version, writes there, checkpoints, then swaps the link atomically. So

- the app keeps reading the version it has open while a load runs (DuckDB allows one
  writer or many readers per file, never both: here they never share a file);
- a crash or a kill mid-load leaves the link on the previous, intact version;
- every previous version stays on disk and can be restored (`python -m warehouse restore`).

The copy is made ahead: once a version is current, a detached process copies it to
`<version>.<stamp>.prochaine` (spare_of) under the writer lock held shared, and the next write
takes that file instead of copying (0,37 s of a late return at national scale). A spare is
only ever a copy of a version file at a moment no writer held the lock; a write discards the
spares of other versions, and an in-place rewrite (warehouse.privacy) discards them all.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

import duckdb

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "warehouse" / "iae.duckdb"
_VERSION_RE = re.compile(r"^v(\d{6})\.duckdb$")


class WarehouseError(Exception):
    """A problem to show to the user as it is (French sentence, no traceback)."""


def db_path(arg: str | os.PathLike | None = None) -> Path:
    """`--db` wins, then the IAE_DB environment variable, then the default."""
    return Path(arg or os.environ.get("IAE_DB") or DEFAULT_DB).absolute()


def versions_dir(link: Path) -> Path:
    return link.with_name(link.name + ".versions")


def current_file(link: Path) -> Path | None:
    """The version file the link names, or None when there is no warehouse yet."""
    if link.is_symlink() or link.exists():
        real = link.resolve()
        return real if real.exists() else None
    return None


def exists(link: Path) -> bool:
    return current_file(link) is not None


@dataclass(frozen=True)
class Version:
    number: int
    path: Path
    created: datetime
    size: int
    current: bool


def list_versions(link: Path) -> list[Version]:
    folder = versions_dir(link)
    if not folder.is_dir():
        return []
    cur = current_file(link)
    out = []
    for p in sorted(folder.iterdir()):
        m = _VERSION_RE.match(p.name)
        if m:
            st = p.stat()
            out.append(Version(int(m.group(1)), p, datetime.fromtimestamp(st.st_mtime), st.st_size, p == cur))
    return out


def connect_read(link: Path) -> duckdb.DuckDBPyConnection:
    cur = current_file(link)
    if cur is None:
        raise WarehouseError(f"Aucun entrepôt de données à {link} : lancez `python -m warehouse init`.")
    return duckdb.connect(str(cur), read_only=True)


def _lock_file(link: Path) -> Path:
    return link.with_name(link.name + ".lock")


@contextmanager
def writer_lock(link: Path) -> Iterator[None]:
    """One writer at a time; a second load waits for the first instead of failing. The copy
    ahead (SPARE_SUFFIX) holds it shared: a write waits for the copy in progress to end."""
    link.parent.mkdir(parents=True, exist_ok=True)
    with open(_lock_file(link), "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _point_link(link: Path, target: Path) -> None:
    """Atomically make `link` name `target` (a relative link, so the folder can move)."""
    tmp = link.with_name(link.name + ".newlink")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(target, link.parent), tmp)
    os.replace(tmp, link)
    _fsync_dir(link.parent)


def _adopt_plain_file(link: Path) -> None:
    """A warehouse given as a plain DuckDB file becomes version 1 of a versioned one."""
    if link.exists() and not link.is_symlink():
        folder = versions_dir(link)
        folder.mkdir(exist_ok=True)
        first = folder / "v000001.duckdb"
        os.replace(link, first)
        _point_link(link, first)


@contextmanager
def new_version(link: Path, source: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection on a copy of the current version (or of `source`).

    If the block ends normally the copy becomes the current version; if it raises, or the
    process dies, the copy is discarded and the current version is untouched. Either way the
    copy for the next write is started (the one made ahead was used, kept or not).
    """
    try:
        yield from _new_version(link, source)
    finally:
        copy_ahead(link)


def _new_version(link: Path, source: Path | None) -> Iterator[duckdb.DuckDBPyConnection]:
    with writer_lock(link):
        _adopt_plain_file(link)
        folder = versions_dir(link)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.tmp*"):  # left by a load that was killed
            stale.unlink()
        numbers = [v.number for v in list_versions(link)]
        final = folder / f"v{max(numbers, default=0) + 1:06d}.duckdb"
        tmp = folder / (final.name + ".tmp")
        src = source or current_file(link)
        spare = _take_spare(folder, src)
        if spare is not None:
            os.replace(spare, tmp)
        elif src is not None:
            shutil.copyfile(src, tmp)
        con = duckdb.connect(str(tmp))
        try:
            yield con
            con.execute("checkpoint")
        except BaseException:
            con.close()
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
            raise
        con.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        _point_link(link, final)


SPARE_SUFFIX = ".prochaine"  # v000012.duckdb.<stamp>.prochaine: a copy of v000012.duckdb for the next write

# Run by a detached interpreter (standard library only: it starts fast and imports nothing of
# ours): wait for the writer lock shared, then copy the current version if it still is current.
# The copy's name carries the source's stamp (_stamp): a source changed since in any way (a
# version rewritten in place, a backup copied over it) no longer matches it.
_COPY_AHEAD = """
import fcntl, os, shutil, sys
lock, link, src = sys.argv[1:4]
def stamp():
    st = os.stat(src)
    return f"{st.st_ino}-{st.st_size}-{st.st_ctime_ns}"
with open(lock, "a") as fh:
    fcntl.flock(fh, fcntl.LOCK_SH)
    before = stamp()
    spare = f"{src}.{before}.prochaine"
    if os.path.realpath(link) == src and not os.path.exists(spare):
        part = spare + ".partielle" + str(os.getpid())
        shutil.copyfile(src, part)
        with open(part, "rb+") as f:
            os.fsync(f.fileno())
        if stamp() == before:
            os.replace(part, spare)
        else:
            os.unlink(part)
"""


def _stamp(path: Path) -> str:
    """What changes whenever a file is written, replaced or copied over (ctime cannot be set).
    The same as `stamp()` in _COPY_AHEAD (tests/test_versions_copy_ahead.py finds its copies)."""
    st = path.stat()
    return f"{st.st_ino}-{st.st_size}-{st.st_ctime_ns}"


def spare_of(version: Path) -> Path:
    """Where the copy made ahead of this version file, as it is now, would be."""
    return version.with_name(f"{version.name}.{_stamp(version)}{SPARE_SUFFIX}")


def copy_ahead(link: Path) -> subprocess.Popen | None:
    """Start copying the current version for the next write, in a process of its own that
    outlives a command-line load; the write after waits for it through the writer lock."""
    cur = current_file(link)
    if cur is None:
        return None
    proc = subprocess.Popen([sys.executable, "-c", _COPY_AHEAD, str(_lock_file(link)), str(link), str(cur)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    threading.Thread(target=proc.wait, daemon=True).start()  # reaped while this process lives (the app)
    return proc


def _take_spare(folder: Path, src: Path | None) -> Path | None:
    """The copy made ahead of `src`, if there is one (called under the writer lock); the
    spares of other versions and a copy cut short are removed."""
    wanted = None if src is None else spare_of(src)
    for f in folder.glob(f"*{SPARE_SUFFIX}*"):
        if f != wanted:
            f.unlink(missing_ok=True)
    return wanted if wanted is not None and wanted.exists() else None


def discard_spares(link: Path) -> None:
    """Remove the copies made ahead (under the writer lock): before a version file is rewritten."""
    _take_spare(versions_dir(link), None)


# Beside the versions: one JSON line per version removed by `python -m warehouse prune`
# (warehouse.conservation), so a restore of one says why it cannot be done.
PRUNED_FILE = "supprimees.jsonl"


def pruned_versions(link: Path) -> dict[int, dict]:
    """The versions removed by the retention policy: number -> {"creee", "supprimee", "octets"}."""
    path = versions_dir(link) / PRUNED_FILE
    out = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by a crash
            out[int(row["version"])] = row
    return out


def restore(link: Path, number: int) -> Path:
    """Make an older version current again, as a new version: history only grows."""
    wanted = next((v for v in list_versions(link) if v.number == number), None)
    if wanted is None and number in pruned_versions(link):
        gone = pruned_versions(link)[number]
        raise WarehouseError(
            f"La version {number} (créée le {_date_fr(gone['creee'])}) a été supprimée le "
            f"{_date_fr(gone['supprimee'])} par la politique de conservation des versions "
            "(`python -m warehouse prune`) : elle ne peut plus être restaurée. Les versions conservées "
            "sont listées par `python -m warehouse versions`.")
    if wanted is None:
        raise WarehouseError(f"La version {number} n'existe pas (voir `python -m warehouse versions`).")
    with new_version(link, source=wanted.path):
        pass
    return current_file(link)


def _date_fr(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%d/%m/%Y à %H:%M")


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


class _ArrowStream:
    """A polars frame as DuckDB sees it through the Arrow PyCapsule interface, and nothing else."""

    def __init__(self, frame):
        self._frame = frame

    def __arrow_c_stream__(self, requested_schema=None):
        return self._frame.__arrow_c_stream__(requested_schema)


def register_frame(con: duckdb.DuckDBPyConnection, name: str, frame) -> None:
    """`con.register` for a polars frame. DuckDB's own polars path converts through pyarrow, whose
    import is 0.15 s of a one-row late return; the PyCapsule interface hands it the same Arrow
    buffers without it (as fast on a 300,000-row frame). Unregister as usual."""
    con.register(name, _ArrowStream(frame))


def scalar(con: duckdb.DuckDBPyConnection, query: str, params: dict | None = None):
    """The single value of a query (DuckDB 2 relations have no fetchone)."""
    rows = con.sql(query, params=params).fetchall()
    return rows[0][0] if rows else None
