"""What a file would replace in the warehouse, and when a replacement must be confirmed.

A return (template, siret, annee) that a file brings replaces the stored one (CONTRACT
section 1). For the person-level templates, a new return with fewer than half the rows of
the stored one is far more often a mistake (a pre-filled workbook half filled in, the wrong
sheet) than a real change: it is held back until the user confirms it (CONTRACT section 5,
`--confirmer`; a checkbox on the import page).

`incoming_returns` summarises the returns of a checked file (rows, fingerprint, the headline
figures); `replacements` compares them with the stored returns. Both read only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from contract import TEMPLATES
from warehouse.db import register_frame

# Templates with one row per person: their returns are guarded.
PERSON_TEMPLATES = ("salaries_insertion", "personnel_permanent")

# Headline figures of a return, as the indicator views compute them (CONTRACT section 4),
# shown before -> after when a replacement must be confirmed.
FIGURES = {
    "salaries_insertion": {"nb_salaries": "Salariés présents dans l'année", "nb_entrees": "Entrées dans l'année",
                           "nb_sorties": "Sorties dans l'année"},
    "personnel_permanent": {"nb_permanents": "Permanents présents dans l'année",
                            "nb_benevoles": "Bénévoles présents dans l'année"},
}


@dataclass(frozen=True)
class IncomingReturn:
    """One return carried by a checked file."""

    template: str
    siret: str
    annee: int
    rows: int
    content_hash: str
    figures: dict[str, int] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Replacement:
    """A stored return that a file would replace by a different one."""

    template: str
    siret: str
    annee: int
    old_rows: int
    new_rows: int
    old_load_id: int
    before: dict[str, int] = field(default_factory=dict, compare=False)
    after: dict[str, int] = field(default_factory=dict, compare=False)

    @property
    def needs_confirmation(self) -> bool:
        """Person-level, and fewer than half the rows of the stored return."""
        return self.template in PERSON_TEMPLATES and 2 * self.new_rows < self.old_rows

    @property
    def where(self) -> str:
        return f"{TEMPLATES[self.template].label} {self.annee}, SIRET {self.siret}"

    def sentence(self) -> str:
        """`remplace un retour de 205 lignes (Salariés en insertion 2024, SIRET …) par 82 lignes`."""
        return f"remplace un retour de {_lignes(self.old_rows)} ({self.where}) par {_lignes(self.new_rows)}"

    def held_sentence(self, how: str = "relancez avec --confirmer") -> str:
        """The report line of a file held back: old and new row counts, and how to confirm."""
        return (f"ce fichier remplacerait le retour {self.where} de {_lignes(self.old_rows)} par "
                f"{_lignes(self.new_rows)}, moins de la moitié : rien n'est enregistré. Si c'est voulu, {how}.")


def _lignes(n: int) -> str:
    return f"{n} ligne" if n == 1 else f"{n} lignes"


def figures(template: str, df: pl.DataFrame) -> pl.DataFrame:
    """Per (siret, annee), the headline figures of a person-level return's typed rows.

    Same definitions as sql/staging + indicateurs_siae: present in annee, entries and exits
    dated in annee, among the rows present.
    """
    if template not in FIGURES:
        return df.select("siret", "annee").unique()
    start, end = pl.date(pl.col("annee"), 1, 1), pl.date(pl.col("annee"), 12, 31)
    present = (pl.col("date_entree") <= end) & (pl.col("date_sortie").is_null() | (pl.col("date_sortie") >= start))
    if template == "salaries_insertion":
        aggs = [present.sum().alias("nb_salaries"),
                (present & pl.col("date_entree").is_between(start, end)).sum().alias("nb_entrees"),
                (present & pl.col("date_sortie").is_between(start, end).fill_null(False)).sum().alias("nb_sorties")]
    else:
        benevole = pl.col("statut") == "BENEVOLE"
        aggs = [(present & ~benevole).sum().alias("nb_permanents"), (present & benevole).sum().alias("nb_benevoles")]
    return df.group_by("siret", "annee").agg(aggs).with_columns(pl.exclude("siret", "annee").cast(pl.Int64))


def incoming_returns(template: str, typed: pl.DataFrame, hashes: pl.DataFrame) -> list[IncomingReturn]:
    """The returns of one checked sheet; `hashes` is loaders.load._content_hashes of it."""
    joined = hashes.join(figures(template, typed), on=["siret", "annee"], how="left")
    names = list(FIGURES.get(template, {}))
    return [IncomingReturn(template, r["siret"], r["annee"], r["n"], r["content_hash"],
                           {k: r[k] for k in names})
            for r in joined.iter_rows(named=True)]


def replacements(con, incoming: list[IncomingReturn], with_figures: bool = False) -> list[Replacement]:
    """The stored returns that `incoming` would replace by different content (read only).

    `with_figures`: for the replacements that need confirmation, the headline figures of the
    stored return (before) and of the new one (after).
    """
    if not incoming:
        return []
    keys = pl.DataFrame([(r.template, r.siret, r.annee, r.content_hash) for r in incoming],
                        schema={"template": pl.String, "siret": pl.String, "annee": pl.Int32, "h": pl.String},
                        orient="row")
    register_frame(con, "incoming_keys", keys)
    try:
        stored = con.sql("""select r.template, r.siret, r.annee, r.row_count, r.load_id
                            from returns r inner join incoming_keys i using (template, siret, annee)
                            where r.content_hash <> i.h""").fetchall()
    finally:
        con.unregister("incoming_keys")
    by_key = {(r.template, r.siret, r.annee): r for r in incoming}
    out = []
    for template, siret, annee, old_rows, load_id in stored:
        new = by_key[(template, siret, annee)]
        rep = Replacement(template, siret, annee, old_rows, new.rows, load_id)
        if with_figures and rep.needs_confirmation:
            rep = Replacement(template, siret, annee, old_rows, new.rows, load_id,
                              stored_figures(con, template, siret, annee), dict(new.figures))
        out.append(rep)
    order = {(r.template, r.siret, r.annee): i for i, r in enumerate(incoming)}
    return sorted(out, key=lambda r: order[(r.template, r.siret, r.annee)])


def stored_figures(con, template: str, siret: str, annee: int) -> dict[str, int]:
    """The headline figures of the stored return, from its rows (same definitions as `figures`)."""
    cols = ", ".join(c for c in ("siret", "annee", "date_entree", "date_sortie", "statut")
                     if c in TEMPLATES[template].column_names)
    rows = con.sql(f"select {cols} from raw_{template} where siret = $s and annee = $a",
                   params={"s": siret, "a": annee}).pl()
    got = figures(template, rows)
    names = list(FIGURES.get(template, {}))
    return {k: int(got[k][0]) if got.height else 0 for k in names}
