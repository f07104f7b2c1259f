"""What the « Points d'attention » page, the Fiche SIAE and the dialogue sheet make of the
points of attention and of the peer positions (warehouse.queries_attention): the list of
structures, the counts by rule and basin, the words of a quartile, and the Altair builder of
the peer strip (here rather than in ui/charts.py, which is near its size limit; it uses
charts.finish like every builder).
"""

from __future__ import annotations

import altair as alt
import polars as pl

from ui import charts, labels
from ui.format import fmt_valeur
from warehouse import regles
from warehouse.queries_attention import INDICATEURS_PAIRS, MOTIF_NON_PUBLIE

GROUPES = {"BASSIN": "bassin", "DEPARTEMENT": "département"}
QUARTILES = {1: "1er quartile (≤ Q1)", 2: "2e quartile (Q1 à médiane)", 3: "3e quartile (médiane à Q3)",
             4: "4e quartile (> Q3)"}


def avec_libelles(points: pl.DataFrame) -> pl.DataFrame:
    """Rows of queries_attention.points_attention with the rule's words and formatted figures.
    The rules (and the settings file behind them) are read once, not once per row: per row it
    was 3 s a rerun at national scale."""
    rules = regles.regles()
    unites = {c: r.unite for c, r in rules.items()}

    def textes(col: str) -> pl.Series:  # in the rule's unit: 1 retour manquant, -50 %, -3 000 €
        return pl.Series(f"{col}_texte", [fmt_valeur(v, unites.get(r, "decimal")) for r, v in
                                          zip(points["regle"].to_list(), points[col].to_list())], dtype=pl.String)

    return points.with_columns(
        pl.col("regle").replace_strict({c: r.libelle for c, r in rules.items()}, default=pl.col("regle"),
                                       return_dtype=pl.String).alias("regle_libelle"),
        textes("valeur"), textes("seuil"),
    )


def structures(points: pl.DataFrame) -> pl.DataFrame:
    """One row per SIAE with at least one point: how many, which; most points first."""
    if points.is_empty():
        return pl.DataFrame(schema={"siret": pl.String, "raison_sociale": pl.String, "type_siae": pl.String,
                                    "bassin": pl.String, "nb_points": pl.UInt32, "points": pl.String})
    return (avec_libelles(points)
            .group_by("siret", maintain_order=True)
            .agg(pl.first("raison_sociale", "type_siae", "bassin"), pl.len().alias("nb_points"),
                 pl.col("regle_libelle").str.join(" · ").alias("points"))
            .sort(["nb_points", "raison_sociale"], descending=[True, False]))


def comptes(points: pl.DataFrame) -> pl.DataFrame:
    """Structures concerned by each rule, by basin, with the total (one column per basin)."""
    d = avec_libelles(points)
    d = d.with_columns(labels.en_mots(d, "bassin", labels.bassin))
    bassins = sorted(d["bassin"].unique().to_list())
    ordre = list(regles.regles())
    wide = (d.group_by("regle", "regle_libelle", "bassin").len()
            .pivot(on="bassin", index=["regle", "regle_libelle"], values="len")
            .with_columns(pl.col(bassins).fill_null(0)))
    wide = wide.with_columns(pl.sum_horizontal(bassins).alias("Total"),
                             pl.col("regle").replace_strict({c: i for i, c in enumerate(ordre)}, default=99,
                                                            return_dtype=pl.Int32).alias("_rang"))
    return wide.sort("_rang").select("regle_libelle", *bassins, "Total")


def _position(v, q1, med, q3) -> float | None:
    """Where v sits on a scale where Q1 = 1, the median 2, Q3 = 3, linear between them and,
    beyond, one interquartile range per unit, capped at 0 and 4 (group extremes are single
    structures' values: they are never shown)."""
    if v is None or q1 is None:
        return None
    iqr = q3 - q1
    if v <= q1:
        return max(0.0, 1 - (q1 - v) / iqr) if iqr > 0 else 1.0
    if v <= med:
        return 1 + (v - q1) / (med - q1)
    if v <= q3:
        return 2 + (v - med) / (q3 - med)
    return min(4.0, 3 + (v - q3) / iqr) if iqr > 0 else 3.0


def bande_pairs(positions: pl.DataFrame, annee: int) -> pl.DataFrame:
    """One row per (indicator, group) of year `annee`: the positions of n and n-1 on the
    quartile scale, and the words of the tooltip and of a withheld comparison."""
    rows = []
    for ind in INDICATEURS_PAIRS:
        unit = labels.unite(ind)
        for groupe, mot in GROUPES.items():
            def row(a):
                r = positions.filter((pl.col("annee") == a) & (pl.col("indicateur") == ind) & (pl.col("groupe") == groupe))
                return r.row(0, named=True) if r.height else None
            n, n1 = row(annee), row(annee - 1)
            if n is None:
                continue
            rows.append(dict(
                ligne=f"{labels.colonne(ind)} · {mot}", indicateur=ind, groupe=groupe,
                publie=n["publie"], position=_position(n["valeur"], n["q1"], n["mediane"], n["q3"]),
                position_n1=_position(n1["valeur"], n1["q1"], n1["mediane"], n1["q3"]) if n1 else None,
                valeur=fmt_valeur(n["valeur"], unit), valeur_n1=fmt_valeur(n1["valeur"], unit) if n1 else "—",
                q1=fmt_valeur(n["q1"], unit), mediane=fmt_valeur(n["mediane"], unit), q3=fmt_valeur(n["q3"], unit),
                quartile=QUARTILES.get(n["quartile"], "valeur inconnue"), nb_valeurs=n["nb_valeurs"],
                message=(MOTIF_NON_PUBLIE if not n["publie"] else "valeur inconnue" if n["valeur"] is None else ""),
            ))
    return pl.DataFrame(rows, schema={"ligne": pl.String, "indicateur": pl.String, "groupe": pl.String,
                                      "publie": pl.Boolean, "position": pl.Float64, "position_n1": pl.Float64,
                                      "valeur": pl.String, "valeur_n1": pl.String, "q1": pl.String,
                                      "mediane": pl.String, "q3": pl.String, "quartile": pl.String,
                                      "nb_valeurs": pl.Int64, "message": pl.String})


def graphique_pairs(bande: pl.DataFrame, *, annee: int, type_siae: str, largeur: int | str = "container") -> alt.Chart:
    """The peer strip: for each indicator and group, the box Q1-Q3 with its median, the SIAE
    in `annee` (filled dot) and in `annee - 1` (hollow dot, joined by its move)."""
    ordre = bande["ligne"].to_list()
    y = alt.Y("ligne:N", title=None, sort=ordre, axis=alt.Axis(labelLimit=330))
    base = alt.Chart(bande).encode(y=y)
    sc = alt.Scale(domain=[0, 4], nice=False)
    x = alt.X("position:Q", title=None, scale=sc,
              axis=alt.Axis(values=[1, 2, 3], labelExpr="['', 'Q1', 'médiane', 'Q3', ''][datum.value]",
                            orient="top", grid=True))
    tip = [alt.Tooltip("ligne:N", title="Indicateur"), alt.Tooltip("valeur:N", title=str(annee)),
           alt.Tooltip("valeur_n1:N", title=str(annee - 1)), alt.Tooltip("quartile:N", title="Position"),
           alt.Tooltip("q1:N", title="Q1"), alt.Tooltip("mediane:N", title="Médiane"), alt.Tooltip("q3:N", title="Q3"),
           alt.Tooltip("nb_valeurs:Q", title="Structures comparées")]
    pub = base.transform_filter("datum.publie")
    boite = pub.mark_bar(height=10, color="#DDDDDD").encode(x=alt.X("un:Q", scale=sc), x2="trois:Q") \
        .transform_calculate(un="1", trois="3")
    mediane = pub.mark_tick(color=charts.MEDIAN, thickness=2, size=16).encode(x=alt.X("deux:Q", scale=sc)) \
        .transform_calculate(deux="2")
    mouvement = pub.transform_filter("isValid(datum.position) && isValid(datum.position_n1)") \
        .mark_rule(color=charts.MEDIAN, strokeDash=[3, 2]).encode(x=alt.X("position_n1:Q", scale=sc),
                                                                   x2="position:Q")
    avant = pub.mark_point(color=charts.MEDIAN, size=60, filled=False).encode(
        x=alt.X("position_n1:Q", scale=sc), tooltip=tip)
    point = pub.mark_point(color=charts.PRIMARY, size=110, filled=True, opacity=1).encode(x=x, tooltip=tip)
    message = base.transform_filter("datum.message != ''").mark_text(align="left", fontSize=11, color="#555555",
                                                                     fontStyle="italic") \
        .encode(x=alt.datum(0.05), text="message:N")
    chart = alt.layer(boite, mediane, mouvement, avant, point, message)
    return charts.finish(chart, title=alt.Title(
        f"Position parmi les {labels.type_siae(type_siae)} en {annee}",
        subtitle=f"Boîte : de Q1 à Q3, trait : médiane ; point plein : {annee}, point creux : {annee - 1}",
        anchor="start"), height=alt.Step(22), width=largeur)
