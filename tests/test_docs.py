"""The READMEs and docs/ point at things that exist: each markdown link to a relative path, and
each file or folder of the repository they name in `code` (`ui/labels.py`, `sql/marts/*.sql`,
`ui/labels.MODELES_COURTS`). A renamed or split module then fails here, not in a reader's hands.
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted(p for p in ROOT.rglob("*.md") if not {".venv", ".git", "artifacts"} & set(p.parts))
TOP_LEVEL = {p.name for p in ROOT.iterdir()}
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CODE = re.compile(r"`([^`\s]+)`")


def _ignored_patterns() -> list[str]:
    lines = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    return [line.strip().rstrip("/") for line in lines if "/" in line.strip() and not line.startswith("#")]


def generated(path: str) -> bool:
    """A path the app or the bench creates at run time (git-ignored, so absent from a clone)."""
    parts = path.rstrip("/").split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return any(fnmatch.fnmatch(p, pattern) for p in prefixes for pattern in _ignored_patterns())


def broken_links(doc: Path, text: str) -> list[str]:
    broken = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue  # a web address, a mail or an anchor of the same page
        if not (doc.parent / target.split("#")[0]).exists():
            broken.append(target)
    return broken


def missing_paths(text: str) -> list[str]:
    """Paths of the repository named in `code` that do not exist (patterns: none matches)."""
    missing = []
    for token in CODE.findall(text):
        if "/" not in token or token.split("/")[0] not in TOP_LEVEL or "<" in token or generated(token):
            continue
        if "*" in token:
            found = any(ROOT.glob(token.rstrip("/")))
        else:
            found = (ROOT / token).exists()
            module = re.fullmatch(r"([\w/]+)\.\w+", token)
            found = found or bool(module and (ROOT / f"{module.group(1)}.py").exists())
        if not found:
            missing.append(token)
    return missing


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(doc):
    broken = broken_links(doc, doc.read_text(encoding="utf-8"))
    assert not broken, f"links to nothing: {broken}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_named_path_exists(doc):
    missing = missing_paths(doc.read_text(encoding="utf-8"))
    assert not missing, f"named but not in the repository: {missing}"


def test_the_checks_see_a_stale_name():
    doc = ROOT / "docs" / "ARCHITECTURE.md"
    text = ("[contract](CONTRACT.md) [gone](GONE.md) [web](https://example.org) [top](#layout) "
            "`ui/ancien.py` `ui/ancien.MODELES_COURTS` `ui/labels.MODELES_COURTS` `sql/marts/*.sql` "
            "`sql/nowhere/*.sql` `warehouse/iae.duckdb.versions/` `sql/marts/<view>.sql`")
    assert broken_links(doc, text) == ["GONE.md"]
    assert missing_paths(text) == ["ui/ancien.py", "ui/ancien.MODELES_COURTS", "sql/nowhere/*.sql"]
