"""Tables as a restricted reader gets them: each cell taken from the year's publication.

warehouse.queries computes a table for the selection as for anyone, then, for a scope under
statistical secrecy, hands it here: every figure is replaced by the published cell of the
same (annee, bassin, type_siae[, modalité]) — NULL where it is hidden, with a
`_secret_<column>` column saying why. A restricted reader picks one basin or all and one
type or all, so its selection is always one cell of the published cube; anything else is
refused (`SelectionNonPubliee`), whatever the page or the URL asks.
"""

from __future__ import annotations

import duckdb
import polars as pl

from contract import CODE_LISTS, DERIVED_LISTS, DYNAMIC_EXIT_CATEGORIES, MOTIF_CATEGORIES, MOTIF_CATEGORY_LABELS
from warehouse import secrecy, settings
from warehouse.publication import NON_RENSEIGNE, TOUS, publication
from warehouse.scope import Filters


CATEGORIE_DU_MOTIF = {m: c for c, ms in MOTIF_CATEGORIES.items() for m in ms}
# the words of sql/marts/publics_repartition.sql, for a dimension no SIAE of the selection has
DIMENSIONS_PUBLICS = {"sexe": "Sexe", "tranche_age": "Tranche d'âge à l'entrée", "statut_entree": "Statut à l'entrée",
                      "orientation": "Orientation", "type_contrat": "Type de contrat", "difficulte": "Difficultés"}


class SelectionNonPubliee(Exception):
    """A restricted reader asked for a union of basins or types; the message is French."""


MESSAGE_SELECTION = (
    "Sous secret statistique, les tableaux sont publiés pour un bassin ou pour tous, et pour un type "
    "de SIAE ou pour tous : choisissez au plus un bassin et un type.")


def cellule(f: Filters) -> tuple[str, str]:
    """The (bassin, type_siae) cell of the cube the selection is, or SelectionNonPubliee."""
    if len(f.bassins) > 1 or len(f.types) > 1:
        raise SelectionNonPubliee(MESSAGE_SELECTION)
    return (f.bassins[0] if f.bassins else TOUS, f.types[0] if f.types else TOUS)


def territoire(con: duckdb.DuckDBPyConnection, f: Filters, rows: pl.DataFrame) -> pl.DataFrame:
    """Rows of indicateurs_territoire with every figure the publication hides set to NULL."""
    cellule(f)
    if rows.height == 0:
        return rows
    reasons = pl.concat([
        publication(con, y).raisons_territoire().with_columns(pl.lit(y, rows["annee"].dtype).alias("annee"))
        for y in rows["annee"].unique().sort().to_list()], how="diagonal")
    out = rows.join(reasons, on=["annee", "bassin", "type_siae"], how="left", maintain_order="left")
    why = [c for c in reasons.columns if c.startswith("_secret_") and c.removeprefix("_secret_") in rows.columns]
    return out.with_columns(
        pl.when(pl.col(w).is_not_null()).then(None).otherwise(pl.col(w.removeprefix("_secret_")))
        .alias(w.removeprefix("_secret_")) for w in why)


def repartition(con: duckdb.DuckDBPyConnection, f: Filters, rows: pl.DataFrame, *, famille: str | pl.Expr,
                modalite: str, mesures: dict[str, str], annee: str | None = None,
                familles: tuple[str, ...] = ()) -> pl.DataFrame:
    """A distribution over the selection, each figure replaced by its published cell.

    `famille`: the publication's family of the rows (a name, or an expression over the rows);
    `modalite`: the rows' column holding the modality; `mesures`: rows' column -> the suffix
    its family takes (":nb_personnes") or "" ; `annee`: the rows' year column, or the filter's year;
    `familles`: the families when `famille` is an expression (so that even no row at all is
    filled from the cube: an empty table would tell a hidden zero)."""
    b, t = cellule(f)
    fam = pl.lit(famille) if isinstance(famille, str) else famille
    keyed = rows.with_row_index("_ligne").with_columns(
        fam.alias("_famille"),
        pl.col(modalite).cast(pl.String).fill_null(NON_RENSEIGNE).alias("_modalite"),
        (pl.col(annee) if annee else pl.lit(f.annee)).alias("_annee"))
    years = keyed["_annee"].unique().sort().to_list() or (list(range(f.annee - 2, f.annee + 1)) if annee else [f.annee])
    keyed = _avec_modalites_absentes(con, keyed, b, t, years, modalite, next(iter(mesures.values())), annee,
                                     familles or ((famille,) if isinstance(famille, str) else ()))
    out = keyed
    for col, suffixe in mesures.items():
        pub = pl.concat([
            publication(con, y).cellules.filter(pl.col("bassin") == b, pl.col("type_siae") == t)
            .select(pl.lit(y).alias("_annee"), (pl.col("famille").str.strip_suffix(suffixe)).alias("_famille")
                    if suffixe else pl.col("famille").alias("_famille"),
                    pl.col("modalite").alias("_modalite"),
                    pl.col("famille").str.ends_with(suffixe).alias("_garde"),
                    pl.when(pl.col("raison").is_null()).then(pl.col("valeur")).alias("_valeur"),
                    pl.col("raison").alias(f"_secret_{col}"))
            .filter(pl.col("_garde")).drop("_garde")
            for y in years])
        out = (out.join(pub, on=["_annee", "_famille", "_modalite"], how="left", maintain_order="left")
               .with_columns(pl.col("_valeur").cast(rows.schema[col]).alias(col)).drop("_valeur"))
    return out.sort("_ligne").drop("_ligne", "_famille", "_modalite", "_annee")


def _libelle(code: str) -> str:
    for lists in (CODE_LISTS, DERIVED_LISTS):
        for labels in lists.values():
            if code in labels:
                return labels[code]
    return code


def _avec_modalites_absentes(con, keyed: pl.DataFrame, b: str, t: str, years: list, modalite: str,
                             suffixe: str, annee: str | None, familles: tuple[str, ...]) -> pl.DataFrame:
    """`keyed` with a row for every modality the cube has for its families, even one no SIAE
    of the selection has: without it, a modality hidden at 0 would be told by its missing row.
    The added row carries the modality, its label, and for an exit motive its category."""
    familles = set(familles) | set(keyed["_famille"].unique().to_list())
    have = set(zip(keyed["_annee"].to_list(), keyed["_famille"].to_list(), keyed["_modalite"].to_list()))
    extra = []
    for y in years:
        cells = publication(con, y).cellules.filter(pl.col("bassin") == b, pl.col("type_siae") == t)
        for fam, mod in cells.select("famille", "modalite").iter_rows():
            base = fam.removesuffix(suffixe) if suffixe else fam
            if not fam.endswith(suffixe) or base not in familles or (y, base, mod) in have:
                continue
            have.add((y, base, mod))
            row = {"_famille": base, "_modalite": mod, "_annee": y, modalite: mod if mod != NON_RENSEIGNE else None}
            if annee:
                row[annee] = y
            if "dimension" in keyed.columns and base.startswith("publics:"):
                row["dimension"] = base.removeprefix("publics:")
                same = keyed.filter(pl.col("_famille") == base)
                row["dimension_libelle"] = same["dimension_libelle"][0] if same.height else \
                    DIMENSIONS_PUBLICS.get(row["dimension"], row["dimension"])
            for col in ("libelle", "motif_libelle", "financeur_libelle"):
                if col in keyed.columns:
                    row[col] = _libelle(mod)
            if "categorie" in keyed.columns and mod in CATEGORIE_DU_MOTIF:
                cat = CATEGORIE_DU_MOTIF[mod]
                row.update(categorie=cat, categorie_libelle=MOTIF_CATEGORY_LABELS.get(cat, cat),
                           dynamique=cat in DYNAMIC_EXIT_CATEGORIES)
            extra.append(row)
    if not extra:
        return keyed
    start = (keyed["_ligne"].max() or 0) + 1
    added = pl.DataFrame([{**r, "_ligne": start + i} for i, r in enumerate(extra)], infer_schema_length=None)
    added = added.select([c for c in added.columns if c in keyed.columns]).with_columns(
        # a yes/no modality (formation_suivie) is text in the cube, a boolean in the rows
        pl.col(c).cast(pl.String).replace_strict({"true": True, "false": False}, default=None, return_dtype=pl.Boolean)
        for c in added.columns if keyed.schema[c] == pl.Boolean and added.schema[c] != pl.Boolean)
    return pl.concat([keyed, added.cast({c: keyed.schema[c] for c in added.columns}, strict=False)],
                     how="diagonal_relaxed")


def medianes(con: duckdb.DuckDBPyConnection, annee: int, bassin: str, type_siae: str,
             colonnes: tuple[str, ...]) -> dict[str, str | None]:
    """For each column, why its median over the group (bassin or TOUS, type or TOUS) of
    `annee` may not be published, or None.

    A median is one structure's value (or the mean of two): it is published only over at
    least 5 structures that gave the figure, and only where no committee knows all but one
    or two of them: for every basin, the group's structures outside it are 0 or at least 3."""
    conf = settings.load()
    counts = con.sql(
        "select bassin, " + ", ".join(f"count({c}) as {c}" for c in colonnes) +
        " from indicateurs_siae where annee = $annee"
        " and ($bassin = 'TOUS' or bassin = $bassin) and ($type = 'TOUS' or type_siae = $type)"
        " group by bassin", params={"annee": annee, "bassin": bassin, "type": type_siae}).pl()
    out: dict[str, str | None] = {}
    minimum = max(5, conf.seuil_structures)
    for c in colonnes:
        per_basin = counts[c].to_list() if counts.height else []
        total = sum(per_basin)
        if total < minimum:
            out[c] = secrecy.REASON_MEDIANE_PETITE.format(n=minimum)
        elif any(0 < total - n < 3 for n in per_basin):
            out[c] = secrecy.REASON_MEDIANE
        else:
            out[c] = None
    return out


def masquer_medianes(rows: pl.DataFrame, raisons: list[dict[str, str | None]]) -> pl.DataFrame:
    """Median rows with the hidden ones set to NULL and `_secret_<col>` saying why (one dict a row)."""
    cols = sorted({c for r in raisons for c in r})
    return rows.with_columns(
        *[pl.Series(c, [None if r.get(c) else v for v, r in zip(rows[c].to_list(), raisons)], dtype=rows.schema[c])
          for c in cols],
        *[pl.Series(f"_secret_{c}", [r.get(c) for r in raisons], dtype=pl.String) for c in cols])

