"""The SIAE sheet (pages/fiche_siae.py): one structure over n-2..n beside the median of its group
(its type in its basin): the charts (altair builders, no Streamlit call, as in ui.charts) and
the detail, on screen (years as headers) and for the export (one row per series and year)."""

from __future__ import annotations

import altair as alt
import polars as pl

from ui import labels
from ui.charts import MEDIAN, PALETTE, PRIMARY, axe, finish, marge
from ui.format import DECIMALES, DECIMALES_MILLIONS, arrondir, fmt_valeur


def siae_vs_mediane(fiche: pl.DataFrame, mediane: pl.DataFrame, col: str, *, nom: str,
                    groupe: str, sous_titre: str | None = None) -> alt.Chart:
    """One indicator of one SIAE over n-2..n, beside the median of its group."""
    unit = labels.unite(col)
    label = labels.colonne(col)
    rows = []
    for r in fiche.select("annee", col).iter_rows():
        rows.append({"annee": r[0], "serie": nom, "valeur": r[1]})
    if col in mediane.columns:
        for r in mediane.select("annee", col).iter_rows():
            rows.append({"annee": r[0], "serie": groupe, "valeur": r[1]})
    data = pl.DataFrame(rows, schema={"annee": pl.Int32, "serie": pl.String, "valeur": pl.Float64},
                        orient="row").filter(pl.col("valeur").is_not_null())
    # Six bars in a third of the page: values written without their unit, which the axis title
    # gives (amounts in M€ or k€, rates in %), so that neighbouring values do not overlap.
    top = data["valeur"].abs().max() if len(data) else 0
    echelle, decimales, titre = 1, DECIMALES.get(unit, 1), None
    if unit == "euros" and top >= 10_000:
        echelle, decimales, titre = (1e6, DECIMALES_MILLIONS, "M€") if top >= 1_000_000 else (1e3, 0, "k€")
    elif unit == "pourcentage":
        echelle, titre = 0.01, "%"
    data = arrondir(data.with_columns(pl.col("valeur") / echelle), {"valeur": "decimal" if decimales else "nombre"})
    fmt = f",.{decimales}f"
    series = [nom, groupe]
    base = alt.Chart(data).encode(
        # Every year of the sheet on the axis: a year without a return stays visibly empty.
        x=alt.X("annee:O", title=None, axis=alt.Axis(labelAngle=0), scale=alt.Scale(domain=fiche["annee"].to_list())),
        xOffset=alt.XOffset("serie:N", sort=series),
        y=alt.Y("valeur:Q", title=titre, axis=alt.Axis(format=",.1~f", tickCount=4, titleAngle=0, titleAlign="left",
                                                         titleAnchor="end", titleY=-14, titleX=-4) if titre
                else axe(unit, tickCount=4), scale=marge(data["valeur"].to_list(), 1.15)),
        tooltip=[alt.Tooltip("annee:O", title="Année"), alt.Tooltip("serie:N", title="Série"),
                 alt.Tooltip("valeur:Q", title=label + (f" ({titre})" if titre else ""), format=fmt)],
    )
    bars = base.mark_bar().encode(color=alt.Color(
        "serie:N", title=None, sort=series, scale=alt.Scale(domain=series, range=[PRIMARY, MEDIAN]),
        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400)))
    text = base.mark_text(dy=-8, fontSize=11).encode(text=alt.Text("valeur:Q", format=fmt))
    # A third of the page: a smaller title, so that "Taux de sortie en emploi durable" is not cut.
    return finish(bars + text, title=alt.Title(label, subtitle=sous_titre or alt.Undefined, anchor="start",
                                               fontSize=15), height=300)


SORTIES_SIAE = {"emploi_durable": ("Emploi durable", PALETTE[2]), "autres_dynamiques": (
    "Autre sortie dynamique", PALETTE[0]), "autres": ("Autre sortie", PALETTE[5]), "neutres": ("Sortie neutre", "#9E9E9E")}


def sorties_siae(fiche: pl.DataFrame, *, sous_titre: str | None = None) -> alt.Chart:
    """One SIAE's exits of each year by category, stacked; a year without a return draws nothing."""
    d = fiche.filter(pl.col("nb_sorties").is_not_null()).select(
        "annee", emploi_durable="nb_sorties_emploi_durable",
        autres_dynamiques=pl.col("nb_sorties_dynamiques") - pl.col("nb_sorties_emploi_durable"),
        autres=pl.col("nb_sorties") - pl.col("nb_sorties_dynamiques") - pl.col("nb_sorties_neutres"),
        neutres="nb_sorties_neutres").unpivot(index="annee", variable_name="cle", value_name="sorties").with_columns(
        categorie=pl.col("cle").replace_strict({k: v[0] for k, v in SORTIES_SIAE.items()}),
        rang=pl.col("cle").replace_strict({k: i for i, k in enumerate(SORTIES_SIAE)}, return_dtype=pl.Int32))
    domain = [v[0] for v in SORTIES_SIAE.values()]
    base = alt.Chart(d).encode(x=alt.X("annee:O", title=None, axis=alt.Axis(labelAngle=0),
                                       scale=alt.Scale(domain=fiche["annee"].to_list())))
    bars = base.mark_bar().encode(
        y=alt.Y("sum(sorties):Q", title=None, axis=axe("nombre", tickCount=4)),
        color=alt.Color("categorie:N", title=None, sort=domain, scale=alt.Scale(
            domain=domain, range=[v[1] for v in SORTIES_SIAE.values()]), legend=alt.Legend(columns=2)),
        order=alt.Order("rang:Q"),
        tooltip=[alt.Tooltip("annee:O", title="Année"), alt.Tooltip("categorie:N", title="Catégorie"),
                 alt.Tooltip("sorties:Q", title="Sorties", format=",.0f")])
    total = base.mark_text(dy=-8).encode(y=alt.Y("sum(sorties):Q"), text=alt.Text("sum(sorties):Q", format=",.0f"))
    return finish(bars + total, title=alt.Title("Sorties par catégorie", subtitle=sous_titre or alt.Undefined,
                                                anchor="start", fontSize=15), height=300)


def fiche_et_mediane(fiche: pl.DataFrame, mediane: pl.DataFrame, cols: list[str], nom: str,
                     groupe: str) -> pl.DataFrame:
    """The SIAE's rows and its group's medians, one row per (série, année), for one table."""
    keep = ["annee", *cols]
    a = fiche.select(keep).with_columns(pl.lit(nom).alias("serie"))
    b = mediane.select([c for c in keep if c in mediane.columns]).with_columns(pl.lit(groupe).alias("serie"))
    b = b.cast({c: a.schema[c] for c in b.columns if c in keep and a.schema[c] != b.schema[c]
                and a.schema[c].is_numeric() and not a.schema[c].is_integer()})
    return pl.concat([a, b], how="diagonal_relaxed").sort(["annee", "serie"], descending=[True, False])


def _mediane(mediane: pl.DataFrame, col: str, annee: int) -> str:
    """The group's median of a column for a year, as shown: « secret » when statistical secrecy
    hides it (warehouse.diffusion.masquer_medianes), "—" when not computed."""
    row = mediane.filter(pl.col("annee") == annee)
    if row.height == 1 and f"_secret_{col}" in mediane.columns and row[f"_secret_{col}"].item():
        return "secret"
    return fmt_valeur(row[col].item() if col in mediane.columns and row.height == 1 else None, labels.unite(col))


def mediane_secrete(mediane: pl.DataFrame) -> str | None:
    """Why a median of the group is hidden by statistical secrecy (the first reason), else None."""
    raisons = [r for c in mediane.columns if c.startswith("_secret_") for r in mediane[c].to_list() if r]
    return raisons[0] if raisons else None


def mediane_texte(mediane: pl.DataFrame, col: str, annee: int) -> str:
    """The group's median of a column for a year, as shown."""
    return f"{_mediane(mediane, col, annee)} en {annee}"


def fiche_par_annee(fiche: pl.DataFrame, mediane: pl.DataFrame, cols: list[str], annees: list[int]) -> pl.DataFrame:
    """The SIAE sheet's detail on screen: one line per indicator, the years as headers, each beside
    the group's median ("—": no value, or no median computed; « secret »: a median hidden)."""
    def valeur(df: pl.DataFrame, col: str, annee: int):
        row = df.filter(pl.col("annee") == annee)
        return row[col].item() if col in df.columns and row.height == 1 else None

    lignes = []
    for col in cols:
        ligne = {"Indicateur": labels.colonne(col)}
        for a in annees:
            ligne[str(a)] = fmt_valeur(valeur(fiche, col, a), labels.unite(col))
            ligne[f"Médiane {a}"] = _mediane(mediane, col, a)
        lignes.append(ligne)
    return pl.DataFrame(lignes, schema={k: pl.String for k in lignes[0]})
