"""Statistical secrecy for tables that leave the warehouse for a committee or a structure.

French public statistics do not publish a count of fewer than 5 persons, nor a financial
aggregate over fewer than 3 structures. Masking one cell is not enough where totals are
shown: a hidden part is recovered by subtracting the others from the total. So every
additive relation (a "TOUS" total and its parts) with exactly one hidden cell gets a second
one hidden (the smallest), until none is left (secondary suppression).

`protect(df, spec)` returns the frame with hidden cells set to null and, for each column
that lost a cell, a column `_secret_<col>` saying why, so the page can print the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

TOTAL = "TOUS"
MIN_PERSONS = 5
MIN_STRUCTURES = 3

REASON_PERSONS = "secret statistique : moins de {n} personnes"
REASON_STRUCTURES = "secret statistique : moins de {n} structures"
REASON_DOMINANCE = "secret statistique : une structure représente plus de {p} % du montant"
REASON_MEDIANE = "secret statistique : un comité connaît toutes les autres structures du groupe sauf une ou deux"
REASON_SECONDARY = "secret statistique : masqué pour qu'une case voisine ne puisse pas être recalculée"
REASON_DERIVED = "secret statistique : calculé à partir d'une case masquée"


@dataclass(frozen=True)
class Spec:
    """Which columns of a table are person counts, money, and what ratios read them."""

    dims: tuple[str, ...]  # the columns whose "TOUS" rows are totals of the other rows
    persons: tuple[str, ...] = ()  # additive counts of persons
    money: tuple[str, ...] = ()  # additive euro amounts
    structures: str | None = None  # column counting the structures behind the money
    derived: dict[str, tuple[str, ...]] = field(default_factory=dict)  # ratio -> its inputs
    keys: tuple[str, ...] = ("annee",)  # columns that split the table into independent tables


# indicateurs_territoire as published to a committee.
TERRITOIRE = Spec(
    dims=("bassin", "type_siae"),
    persons=("nb_salaries", "nb_entrees", "nb_sorties", "nb_sorties_dynamiques", "nb_sorties_emploi_durable",
             "nb_sorties_neutres", "nb_femmes", "nb_rsa"),
    money=("chiffre_affaires", "financement_public"),
    structures="nb_retours_finances",
    derived={
        "etp_insertion": ("nb_salaries",),
        "taux_realisation_etp": ("nb_salaries",),
        "taux_sortie_dynamique": ("nb_sorties_dynamiques", "nb_sorties", "nb_sorties_neutres"),
        "taux_emploi_durable": ("nb_sorties_emploi_durable", "nb_sorties", "nb_sorties_neutres"),
        "part_femmes": ("nb_femmes", "nb_salaries"),
        "part_rsa": ("nb_rsa", "nb_salaries"),
        "ratio_public_ca": ("chiffre_affaires", "financement_public"),
        "fonds_propres_pct_ca": ("chiffre_affaires",),
    },
)


def _relations(df: pl.DataFrame, spec: Spec) -> list[tuple[int, list[int]]]:
    """(total row, part rows) for every additive relation the table shows."""
    rows = df.select(*spec.keys, *spec.dims).with_row_index("_i").to_dicts()
    index: dict[tuple, int] = {tuple(r[c] for c in (*spec.keys, *spec.dims)): r["_i"] for r in rows}
    relations = []
    for d_pos, d in enumerate(spec.dims):
        groups: dict[tuple, list[int]] = {}
        for r in rows:
            if r[d] == TOTAL:
                continue
            key = tuple(r[c] for c in (*spec.keys, *spec.dims) if c != d)
            groups.setdefault(key, []).append(r["_i"])
        for key, parts in groups.items():
            full = list(key)
            full.insert(len(spec.keys) + d_pos, TOTAL)
            total = index.get(tuple(full))
            if total is not None and parts:
                relations.append((total, parts))
    return relations


def _secondary(values: list, hidden: dict[int, str], relations: list[tuple[int, list[int]]],
               frozen: frozenset[int] = frozenset()) -> None:
    """Hide more cells until no relation has exactly one hidden cell (in place).

    `frozen` cells were decided by another table (see `protect`): never picked here."""
    changed = True
    while changed:
        changed = False
        for total, parts in relations:
            cells = [total, *parts]
            if sum(i in hidden for i in cells) != 1 or all(i in frozen for i in cells):
                continue
            candidates = [i for i in parts if i not in hidden and i not in frozen and values[i] is not None]
            candidates = sorted(candidates, key=lambda i: (values[i] == 0, values[i]))
            free_total = total not in hidden and total not in frozen
            pick = candidates[0] if candidates else (total if free_total else None)
            if pick is not None:
                hidden[pick] = REASON_SECONDARY
                changed = True


def protect(df: pl.DataFrame, spec: Spec, min_persons: int = MIN_PERSONS,
            min_structures: int = MIN_STRUCTURES,
            decided: dict[str, dict[int, str | None]] | None = None) -> pl.DataFrame:
    """The table with every cell that could single out a person or a structure hidden.

    `decided`: cells whose fate another published table already settled, by column and
    row: the reason they are hidden there, or None when they are published there. A total
    shown on two pages must be hidden on both or on neither, else one page gives away what
    the other hides; those cells are kept as decided, and the other cells protect them.
    """
    if df.height == 0:
        return df
    relations = _relations(df, spec)
    hidden_by_col: dict[str, dict[int, str]] = {}
    decided = decided or {}

    def settle(col: str, values: list, hidden: dict[int, str]) -> None:
        fixed = decided.get(col, {})
        for i, why in fixed.items():
            if why:
                hidden[i] = why
            else:
                hidden.pop(i, None)
        _secondary(values, hidden, relations, frozenset(fixed))
        hidden_by_col[col] = hidden

    for col in spec.persons:
        if col not in df.columns:
            continue
        values = df[col].to_list()
        settle(col, values, {i: REASON_PERSONS.format(n=min_persons) for i, v in enumerate(values)
                     if v is not None and 0 < v < min_persons})

    if spec.structures and spec.structures in df.columns:
        few = {i for i, n in enumerate(df[spec.structures].to_list()) if n is not None and 0 < n < min_structures}
        for col in spec.money:
            if col not in df.columns:
                continue
            values = df[col].to_list()
            settle(col, values, {i: REASON_STRUCTURES.format(n=min_structures) for i in few})

    for col, inputs in spec.derived.items():
        if col not in df.columns:
            continue
        hidden = {}
        for inp in inputs:
            for i in hidden_by_col.get(inp, {}):
                hidden[i] = REASON_DERIVED
        hidden_by_col[col] = hidden

    out = df
    for col, hidden in hidden_by_col.items():
        if not hidden:
            continue
        mask = pl.Series([i in hidden for i in range(df.height)])
        reasons = pl.Series(f"_secret_{col}", [hidden.get(i) for i in range(df.height)], dtype=pl.String)
        out = out.with_columns(pl.when(mask).then(None).otherwise(pl.col(col)).alias(col), reasons)
    return out


def reason(df: pl.DataFrame, col: str, row: int) -> str | None:
    """Why a cell is hidden, or None when it is shown."""
    name = f"_secret_{col}"
    return df[name][row] if name in df.columns else None
