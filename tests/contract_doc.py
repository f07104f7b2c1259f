"""docs/CONTRACT.md read as data: the templates' columns, the code lists and the indicator views'
columns, in the order the page gives them. The page is the reference; tests compare the code to it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

CONTRACT_MD = Path(__file__).resolve().parent.parent / "docs" / "CONTRACT.md"

_NAME = re.compile(r"[a-z][a-z0-9_]*")


def _text() -> str:
    return CONTRACT_MD.read_text(encoding="utf-8")


def _subsection(name: str) -> str:
    """The text of `### name ...` up to the next heading."""
    m = re.search(rf"^### {re.escape(name)}\b.*?\n(.*?)(?=^#)", _text() + "\n#", re.S | re.M)
    assert m, f"docs/CONTRACT.md has no section '### {name}'"
    return m.group(1)


def _section(number: int) -> str:
    m = re.search(rf"^## {number}\. .*?\n(.*?)(?=^## )", _text() + "\n## ", re.S | re.M)
    assert m, f"docs/CONTRACT.md has no section {number}"
    return m.group(1)


@cache
def template_columns() -> dict[str, list[dict]]:
    """Section 2: for each template, its columns in order, as {name, type, codes, required}."""
    templates: dict[str, list[dict]] = {}
    for heading, body in re.findall(r"^### (\w+) .*?\n(.*?)(?=^#|\Z)", _section(2), re.S | re.M):
        columns = []
        for line in body.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
            if len(cells) < 3 or cells[0] in ("column", "---"):
                continue
            kind = cells[1].split()
            for name in (n.strip() for n in cells[0].split(",")):
                columns.append({
                    "name": name,
                    "type": kind[0] if kind else None,
                    "codes": kind[1] if len(kind) > 1 else None,
                    "required": cells[2] == "yes",
                })
        templates[heading] = columns
    return templates


@cache
def code_lists() -> dict[str, list[str]]:
    """Section 3: each code list with its codes in order; MOTIF_SORTIE's categories under 'MOTIF_SORTIE.<cat>'."""
    lists: dict[str, list[str]] = {}
    parent = None
    for line in _section(3).splitlines():
        m = re.match(r"^(\s*)- ([A-Z_]+)(?:,? [^:]*)?:(.*)$", line)
        if not m:
            continue
        indent, name, codes = m.groups()
        if indent:
            lists[f"{parent}.{name}"] = re.findall(r"[A-Z0-9_]+", re.sub(r"\(.*?\)", "", codes))
            lists[parent] += lists[f"{parent}.{name}"]
            continue
        parent = name
        lists[name] = re.findall(r"[A-Z0-9_]+", re.sub(r"\(.*?\)", "", codes))
    return lists


def _strip_parentheses(text: str) -> str:
    while re.search(r"\([^()]*\)", text):
        text = re.sub(r"\([^()]*\)", " ", text)
    return text


def _names(items: list[str], continue_after_formula: bool) -> list[str]:
    """Leading names of a comma-separated run: `a, b, c = x / y, d: words` gives a, b, c, d."""
    names = []
    for item in (i.strip() for i in items):
        m = _NAME.match(item)
        if not m:
            break
        names.append(m.group())
        rest = item[m.end():].strip().rstrip(".")
        if rest and not (continue_after_formula and rest.startswith("=")):
            break
    return names


@cache
def view_columns(view: str) -> list[str]:
    """Section 4: the public columns of an indicator view, in the order the page defines them.

    A sentence `Identity: a, b, ...` (or `Returns received:`, `Columns:`) lists names; a bullet
    defines the names that start it and each of its `;`-separated clauses.
    """
    text = _strip_parentheses(re.sub(r"`", "", _subsection(view)))
    blocks: list[str] = []
    new_block = True
    for line in text.splitlines():
        if not line.strip():
            new_block = True
        elif new_block or line.startswith("- "):
            blocks.append(line)
            new_block = False
        else:
            blocks[-1] += " " + line.strip()
    names: list[str] = []
    for block in (b.strip() for b in blocks):
        if block.startswith("- "):
            for clause in block[2:].split(";"):
                names += _names(clause.split(","), continue_after_formula=False)
        elif m := re.search(r"\b(?:Identity|Returns received|Columns)\s*:(.*?)(?:\.\s|\.?$)", block):
            names += _names(m.group(1).split(","), continue_after_formula=True)
    return list(dict.fromkeys(names))


def view_names() -> list[str]:
    """Section 4: the indicator views the page defines, in order."""
    return re.findall(r"^### (\w+)", _section(4), re.M)
