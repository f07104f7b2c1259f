"""Altair chart builders: a frame in, an `alt.Chart` out, no Streamlit call; `spec` turns a
builder into the Vega-Lite spec that `st.vega_lite_chart` draws.

Every chart reads numbers the French way (Vega-Lite locale from ui.format), uses the
Okabe-Ito palette (distinguishable with the common colour-vision deficiencies), and has a
title that says what is shown and for which selection. Years are ordinal, so 2025 never
reads "2 025". Pages check for empty frames before calling these and say why.
"""

from __future__ import annotations

import hashlib
from typing import Callable

import altair as alt
import polars as pl
from altair import utils
from altair.utils.schemapi import debug_mode

from ui import labels
from ui.format import DECIMALES_MILLIONS, VEGA_FORMAT, VEGA_LOCALE, VIDE, arrondir, fmt_nombre

# Heights are the whole chart's (title, axes and legend included): Streamlit fits Vega-Lite
# charts to their container ("fit-x fit-y"), so a height of 200 left an 80-pixel plot.

# Okabe & Ito (2008), "Color Universal Design"; black left out, yellow last (low contrast on white).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]
PRIMARY = PALETTE[0]
MEDIAN = "#7F7F7F"
# Each basin keeps its colour on every chart.
BASSIN_COLOURS = {"NORD": PALETTE[0], "EST": PALETTE[1], "OUEST": PALETTE[2], "SUD": PALETTE[3]}


def _fmt(unit: str) -> str:
    """Format of values written on a chart (labels, tooltips)."""
    return VEGA_FORMAT.get(unit, ",.1f")


def _axis_fmt(unit: str) -> str:
    """Axis ticks: no trailing ",0" on round ETP values."""
    return {"etp": ",.1~f", "decimal": ",.1~f", "pourcentage": ".1~%"}.get(unit, _fmt(unit))


def _arrondi(df: pl.DataFrame, col: str, unit: str | None = None) -> pl.DataFrame:
    """Values drawn and written as the tables and metrics show them (ui.format.arrondir):
    Vega's formats round the binary value, so 170.85 would read 170,8 here and 170,9 there."""
    return arrondir(df, {col: unit or labels.unite(col)})


def axe(unit: str, **kw) -> alt.Axis:
    """An axis in the unit's format; counts tick on whole numbers only (never "0, 0, 1, 1")."""
    if unit == "nombre":
        kw.setdefault("tickMinStep", 1)
    return alt.Axis(format=_axis_fmt(unit), **kw)


def marge(values, factor: float = 1.2) -> alt.Scale:
    """A quantitative scale with room at the end of the longest bar for its value."""
    vals = [v for v in values if v is not None]
    top = max(vals, default=0)
    bottom = min([0, *vals])
    return alt.Scale(domain=[bottom, top * factor if top > 0 else 1], nice=False)


def _millions(data: pl.DataFrame, col: str) -> tuple[pl.DataFrame, str, str, str]:
    """Large euro amounts in millions ("22,3 M€"), smaller ones as they are.

    Returns the frame, the field to plot, its d3 format and the suffix written after values.
    """
    vals = data[col].drop_nulls()
    if labels.unite(col) == "euros" and len(vals) and vals.abs().max() >= 1_000_000:
        data = arrondir(data.with_columns((pl.col(col) / 1_000_000).alias(f"{col}_m")), {f"{col}_m": "decimal"})
        return data, f"{col}_m", f",.{DECIMALES_MILLIONS}f", "\u202fM€"
    return data, col, _fmt(labels.unite(col)), ""


def _title(text: str, subtitle: str | None = None) -> alt.Title:
    return alt.Title(text, subtitle=subtitle or alt.Undefined, anchor="start")


def _config(size: int, label_limit: int) -> alt.Config:
    return alt.Config(
        locale=VEGA_LOCALE,
        axis=alt.AxisConfig(labelFontSize=size, titleFontSize=size, labelLimit=label_limit),
        legend=alt.LegendConfig(labelFontSize=size, titleFontSize=size, orient="bottom", labelLimit=320),
        title=alt.TitleConfig(fontSize=size + 5, subtitleFontSize=size, subtitleColor="#444444"),
        view=alt.ViewConfig(stroke=None),
    )


# Built (and validated) once: the same settings for every chart, larger fonts for projection.
CONFIG = {False: _config(13, 220), True: _config(22, 320)}
NO_ACTIONS = {"embedOptions": {"actions": False}}


def finish(chart: alt.TopLevelMixin, *, grand: bool = False, **props) -> alt.TopLevelMixin:
    """French locale, readable sizes (larger for projection), no chart-editor menu; `props`
    (title, height, ...) are the chart's own.

    Set in place on the chart just built, not with `.configure_*()` / `.properties()`: each of
    those copies the whole chart, and copying a layered chart merges its layers' parameters
    again; five copies were most of a chart's build time (20 to 70 ms a chart).
    """
    for name, value in props.items():
        setattr(chart, name, value)
    chart.config = CONFIG[grand]
    chart.usermeta = NO_ACTIONS
    return chart


_COMPOSITIONS = ("layer", "hconcat", "vconcat", "concat")


def _frames_named(chart, swap: list, datasets: dict) -> None:
    """Replace each frame of the chart and its layers with a named dataset, remembering what to put back."""
    data = chart._get("data")
    if not (utils.is_undefined(data) or isinstance(data, (dict, str, alt.SchemaBase))):
        from streamlit import dataframe_util  # Arrow IPC, as Streamlit's own Altair path writes it

        arrow = dataframe_util.convert_anything_to_arrow_bytes(data)
        name = hashlib.blake2b(arrow, digest_size=16).hexdigest()
        datasets[name] = arrow
        swap.append((chart, data))
        chart.data = alt.NamedData(name=name)
    for key in _COMPOSITIONS:
        for sub in chart._get(key, ()):
            if isinstance(sub, alt.TopLevelMixin):
                _frames_named(sub, swap, datasets)


def spec(builder: Callable[[], alt.TopLevelMixin]) -> dict:
    """Build a chart and return its Vega-Lite spec for `st.vega_lite_chart` (see vega_lite).

    Built with Altair's debug mode off: in debug mode each axis, scale, title or tooltip
    object validates itself against the schema when created, for a better error message
    (a third of a chart's build time). Altair switches the same global off in its own copy();
    two sessions building at once can at worst leave it off, which only changes error messages.
    """
    with debug_mode(False):
        return vega_lite(builder())


def vega_lite(chart: alt.TopLevelMixin) -> dict:
    """The Vega-Lite spec of a finished chart, for `st.vega_lite_chart`: what `st.altair_chart`
    sends, without validating it against the Vega-Lite JSON schema again.

    That validation (jsonschema over the whole spec, data included) took 5 to 450 ms a chart,
    most of a page's rerun; the builders' specs are validated by tests/test_app_charts.py.
    Frames go as Arrow datasets named by a hash of their content, as Streamlit names them; no
    Altair theme is applied (Streamlit disables Altair's default one, which only sets a 300
    pixel default view size that Streamlit replaces).
    """
    swap: list = []
    datasets: dict[str, bytes] = {}
    # Datasets the builder set on the chart (a map's outlines: GeoJSON) go into the spec as they
    # are, not through Altair's conversion, which walks every point.
    given = chart._get("datasets", {}) or {}
    if given:
        chart.datasets = alt.Undefined
    try:
        _frames_named(chart, swap, datasets)
        # top_level=False: neither theme nor "$schema" (added below), datasets handled here.
        context = {"top_level": False, "datasets": {}, "pre_transform": False, "data": chart._get("data")}
        if isinstance(chart, alt.LayerChart):
            # What LayerChart.to_dict does, less its first step: a copy of the chart, which for
            # a layered chart merges and deep-copies its layers again (half the conversion time).
            spec = alt.SchemaBase.to_dict(chart, validate=False, context=context)
        else:
            spec = chart.to_dict(validate=False, context={"top_level": False})
    finally:
        for obj, data in swap:
            obj.data = data
        if given:
            chart.datasets = given
    return {"$schema": alt.SCHEMA_URL, **spec, "datasets": {**datasets, **given}}


MAX_LABELS = 5  # above, values written on every point overlap: only the first and last are


def tendance(df: pl.DataFrame, col: str, *, sous_titre: str | None = None, grand: bool = False) -> alt.Chart:
    """One indicator over the years: a line with its points and values (the first and last
    only over a long period; every value is in the tooltips)."""
    unit = labels.unite(col)
    label = labels.colonne(col)
    data = _arrondi(df.select("annee", col).filter(pl.col(col).is_not_null()), col, unit)

    def base(frame: pl.DataFrame) -> alt.Chart:
        return alt.Chart(frame).encode(
            x=alt.X("annee:O", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{col}:Q", title=None, axis=axe(unit, tickCount=4), scale=alt.Scale(zero=True)),
            tooltip=[alt.Tooltip("annee:O", title="Année"),
                     alt.Tooltip(f"{col}:Q", title=label, format=_fmt(unit))],
        )

    ends = data if data.height <= MAX_LABELS else data.filter(
        pl.col("annee").is_in([data["annee"].min(), data["annee"].max()]))
    line = base(data).mark_line(color=PRIMARY, strokeWidth=3)
    points = base(data).mark_point(color=PRIMARY, filled=True, size=70)
    text = base(ends).mark_text(dy=-12, fontSize=20 if grand else 12, color="#1F1F1F").encode(
        text=alt.Text(f"{col}:Q", format=_fmt(unit)))
    # One layer of three, not (line + points) + text: each "+" merges and copies the layers again.
    return finish(alt.layer(line, points, text), title=_title(label, sous_titre), height=270, grand=grand)


def barres_bassins(df: pl.DataFrame, col: str, *, sous_titre: str | None = None, grand: bool = False) -> alt.Chart:
    """One indicator, one bar per basin (rows of indicateurs_territoire)."""
    unit = labels.unite(col)
    label = labels.colonne(col)
    secret = f"_secret_{col}"
    data = _arrondi(df.select("bassin", col, *([secret] if secret in df.columns else [])).with_columns(
        labels.en_mots(df, "bassin", labels.bassin).alias("bassin_libelle")), col, unit)
    order = [labels.bassin(b) for b in data["bassin"].to_list()]
    colours = [BASSIN_COLOURS.get(b, PALETTE[4]) for b in data["bassin"].to_list()]
    base = alt.Chart(data).encode(
        y=alt.Y("bassin_libelle:N", title=None, sort=order),
        x=alt.X(f"{col}:Q", title=None, axis=axe(unit, tickCount=4),
                scale=marge(data[col].to_list(), 1.25 if grand else 1.2)),
        tooltip=[alt.Tooltip("bassin_libelle:N", title="Bassin"),
                 alt.Tooltip(f"{col}:Q", title=label, format=_fmt(unit))],
    )
    bars = base.mark_bar().encode(
        color=alt.Color("bassin_libelle:N", scale=alt.Scale(domain=order, range=colours), legend=None))
    # A basin without a value keeps its row and says why: « secret » when statistical secrecy
    # hides it, else unknown (return missing, or a ratio over zero: the page note explains).
    text = base.mark_text(align="left", dx=4, fontSize=18 if grand else 12).transform_calculate(
        etiquette=f"isValid(datum['{col}']) ? format(datum['{col}'], '{_fmt(unit)}') : "
                  f"(isValid(datum['{secret}']) ? 'secret' : '{VIDE} valeur inconnue')",
    ).encode(x=alt.X(f"{col}_x:Q"), text=alt.Text("etiquette:N")).transform_calculate(
        **{f"{col}_x": f"isValid(datum['{col}']) ? datum['{col}'] : 0"})
    return finish(bars + text, title=_title(label, sous_titre), height=alt.Step(44 if grand else 30), grand=grand)


def repartition(df: pl.DataFrame, *, titre: str, sous_titre: str | None = None, valeur: str = "nb_salaries",
                categorie: str = "libelle") -> alt.Chart:
    """A distribution: one horizontal bar per modality, in the order given."""
    unit = labels.unite(valeur)
    order = df[categorie].to_list()
    secret = f"_secret_{valeur}"
    df = _arrondi(df, valeur, unit)
    base = alt.Chart(df.select(categorie, valeur, *([secret] if secret in df.columns else []))).encode(
        y=alt.Y(f"{categorie}:N", title=None, sort=order),
        x=alt.X(f"{valeur}:Q", title=labels.colonne(valeur), axis=axe(unit, tickCount=4),
                scale=marge(df[valeur].to_list())),
        tooltip=[alt.Tooltip(f"{categorie}:N", title="Modalité"),
                 alt.Tooltip(f"{valeur}:Q", title=labels.colonne(valeur), format=_fmt(unit))],
    )
    # a modality hidden by statistical secrecy keeps its row and reads « secret »
    label = base.mark_text(align="left", dx=4).transform_calculate(
        etiquette=f"isValid(datum['{valeur}']) ? format(datum['{valeur}'], '{_fmt(unit)}') : "
                  f"(isValid(datum['{secret}']) ? 'secret' : '')",
        position=f"isValid(datum['{valeur}']) ? datum['{valeur}'] : 0",
    ).encode(x=alt.X("position:Q"), text=alt.Text("etiquette:N"))
    chart = base.mark_bar(color=PRIMARY) + label
    return finish(chart, title=_title(titre, sous_titre), height=alt.Step(24))


CATEGORIES_SORTIE = ["Emploi durable", "Emploi de transition", "Sortie positive", "Autre sortie", "Sortie neutre"]


def sorties(df: pl.DataFrame, *, sous_titre: str | None = None) -> alt.Chart:
    """Exits of the year by reason, coloured by category (dynamic categories first)."""
    order = df["motif_libelle"].to_list()
    domain = [c for c in CATEGORIES_SORTIE if c in set(df["categorie_libelle"].to_list())] + sorted(
        set(df["categorie_libelle"].to_list()) - set(CATEGORIES_SORTIE))
    colours = {"Emploi durable": PALETTE[2], "Emploi de transition": PALETTE[4], "Sortie positive": PALETTE[0],
               "Autre sortie": PALETTE[5], "Sortie neutre": "#9E9E9E"}
    base = alt.Chart(df.select("motif_libelle", "categorie_libelle", "nb_sorties")).encode(
        y=alt.Y("motif_libelle:N", title=None, sort=order),
        x=alt.X("nb_sorties:Q", title=labels.colonne("nb_sorties"), axis=axe("nombre", tickCount=4),
                scale=marge(df["nb_sorties"].to_list(), 1.12)),
        tooltip=[alt.Tooltip("motif_libelle:N", title="Motif"),
                 alt.Tooltip("categorie_libelle:N", title="Catégorie"),
                 alt.Tooltip("nb_sorties:Q", title="Sorties", format=",.0f")],
    )
    bars = base.mark_bar().encode(color=alt.Color(
        "categorie_libelle:N", title="Catégorie de sortie",
        scale=alt.Scale(domain=domain, range=[colours.get(c, PALETTE[6]) for c in domain])))
    text = base.mark_text(align="left", dx=4).encode(text=alt.Text("nb_sorties:Q", format=",.0f"))
    return finish(bars + text, title=_title("Sorties de l'année par motif", sous_titre), height=alt.Step(24))


def financement(df: pl.DataFrame, *, sous_titre: str | None = None) -> alt.Chart:
    """Public funding by funder, stacked by year (in millions of euros when amounts are large)."""
    order = df.sort("rang")["financeur_libelle"].unique(maintain_order=True).to_list()
    data, field, fmt, suffix = _millions(df.select("annee", "financeur_libelle", "rang", "montant"), "montant")
    base = alt.Chart(data).encode(
        x=alt.X("annee:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{field}:Q", title="Montant" + (" (millions d'euros)" if suffix else ""),
                axis=alt.Axis(format=",.1~f" if suffix else "$,.0f", tickCount=5)),
        color=alt.Color("financeur_libelle:N", title="Financeur", sort=order,
                        scale=alt.Scale(domain=order, range=PALETTE[: len(order)])),
        order=alt.Order("rang:Q"),
        tooltip=[alt.Tooltip("annee:O", title="Année"), alt.Tooltip("financeur_libelle:N", title="Financeur"),
                 alt.Tooltip("montant:Q", title="Montant", format="$,.0f")],
    )
    return finish(base.mark_bar(), title=_title("Financement public par financeur", sous_titre), height=400)


def barres_annees(df: pl.DataFrame, col: str, *, sous_titre: str | None = None) -> alt.Chart:
    """One indicator for each year of the frame, as bars with their values."""
    unit = labels.unite(col)
    label = labels.colonne(col)
    data, field, fmt, suffix = _millions(
        _arrondi(df.select("annee", col).filter(pl.col(col).is_not_null()), col, unit), col)
    base = alt.Chart(data).encode(
        x=alt.X("annee:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{field}:Q", title="millions d'euros" if suffix else None,
                axis=alt.Axis(format=",.1~f", tickCount=4) if suffix else axe(unit, tickCount=4),
                scale=marge(data[field].to_list(), 1.15)),
        tooltip=[alt.Tooltip("annee:O", title="Année"), alt.Tooltip(f"{col}:Q", title=label, format=_fmt(unit))],
    )
    text = base.mark_text(dy=-8).transform_calculate(
        etiquette=f"format(datum['{field}'], '{fmt}') + '{suffix}'").encode(text=alt.Text("etiquette:N"))
    return finish(base.mark_bar(color=PRIMARY) + text, title=_title(label, sous_titre), height=290)


MAX_BARS = 40  # above, one bar per SIAE is unreadable (and 4,500 bars make a 72,000-pixel chart)


def distribution_siae(df: pl.DataFrame, col: str, *, sous_titre: str | None = None) -> alt.Chart:
    """One value per SIAE, sorted, with the median as a rule: where a structure stands.

    With more than MAX_BARS SIAE, the number of SIAE by range of values instead."""
    unit = labels.unite(col)
    label = labels.colonne(col)
    data = _arrondi(df.select("raison_sociale", col).filter(pl.col(col).is_not_null()), col, unit).sort(
        col, descending=True)
    median = alt.Chart(data).mark_rule(color=MEDIAN, strokeDash=[6, 4], strokeWidth=2).encode(
        x=alt.X(f"median({col}):Q"),
        tooltip=[alt.Tooltip(f"median({col}):Q", title="Médiane", format=_fmt(unit))])
    if data.height > MAX_BARS:
        bins = alt.Chart(data).mark_bar(color=PRIMARY).encode(
            x=alt.X(f"{col}:Q", bin=alt.Bin(maxbins=30), title=label, axis=axe(unit, tickCount=6)),
            y=alt.Y("count():Q", title="Nombre de SIAE", axis=axe("nombre")),
            tooltip=[alt.Tooltip(f"{col}:Q", bin=alt.Bin(maxbins=30), title=label, format=_fmt(unit)),
                     alt.Tooltip("count():Q", title="Nombre de SIAE")],
        )
        subtitle = f"{sous_titre + ' · ' if sous_titre else ''}{fmt_nombre(data.height)} SIAE par tranche ; tiret : médiane"
        return finish(bins + median, title=_title(f"{label} : répartition des SIAE", subtitle), height=320)
    # Sorted by the value, not by a list of every name: with thousands of SIAE the list was most
    # of the chart's build and conversion time.
    base = alt.Chart(data).encode(
        y=alt.Y("raison_sociale:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
        x=alt.X(f"{col}:Q", title=label, axis=axe(unit, tickCount=4)),
        tooltip=[alt.Tooltip("raison_sociale:N", title="SIAE"),
                 alt.Tooltip(f"{col}:Q", title=label, format=_fmt(unit))],
    )
    return finish(base.mark_bar(color=PRIMARY) + median, title=_title(f"{label} par SIAE", sous_titre),
                  height=alt.Step(16))


def carte_taux(df: pl.DataFrame) -> alt.Chart:
    """Return rate (four returns received) by basin and type: a coloured grid with its values."""
    d = _arrondi(df, "taux_retour", "pourcentage").with_columns(
        labels.en_mots(df, "bassin", labels.bassin).alias("bassin_libelle"),
        labels.en_mots(df, "type_siae", labels.type_siae).alias("type_libelle"),
        pl.format("{} / {}", pl.col("nb_retours_complets"), pl.col("nb_siae")).alias("complets"),
    )
    base = alt.Chart(d).encode(
        x=alt.X("type_libelle:N", title="Type de SIAE", axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("bassin_libelle:N", title=None),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("taux_retour:Q", title="Taux de retour", scale=alt.Scale(domain=[0, 1], scheme="blues"),
                        legend=alt.Legend(format=_axis_fmt("pourcentage"), orient="right", gradientLength=110)),
        tooltip=[alt.Tooltip("bassin_libelle:N", title="Bassin"), alt.Tooltip("type_libelle:N", title="Type"),
                 alt.Tooltip("taux_retour:Q", title="Taux de retour", format=_fmt("pourcentage")),
                 alt.Tooltip("complets:N", title="SIAE aux 4 retours reçus"),
                 alt.Tooltip("nb_recus:Q", title="Retours reçus"),
                 alt.Tooltip("nb_manquants:Q", title="Retours manquants"),
                 alt.Tooltip("nb_refuses:Q", title="Retours refusés")],
    )
    text = base.mark_text(fontSize=14, fontWeight="bold").encode(
        text=alt.Text("taux_retour:Q", format=_fmt("pourcentage")),
        color=alt.ColorValue("#161616", condition={"test": "datum.taux_retour > 0.6", "value": "white"}),
    )
    height = 150 + 52 * d["bassin_libelle"].n_unique()  # the whole chart: title, top axis and rows
    chart = (cells + text).properties(
        title=alt.Title("Taux de retour par bassin et type de SIAE",
                        subtitle="Part des SIAE conventionnées dont les quatre retours de l'année sont reçus",
                        anchor="start"),
        height=height, width="container")
    return finish(chart)


CIBLE = PALETTE[5]  # the target: vermilion, apart from the realised line


def objectif(df: pl.DataFrame, unit: str, *, titre: str, sous_titre: str | None = None) -> alt.Chart:
    """An objective's indicator over the years (annee, realise) with the plan's targets drawn on
    it (cible): the realised line and its values, the targets as dashed marks, one legend."""
    long = pl.concat([
        df.select("annee", pl.col("realise").alias("valeur"), pl.lit("Réalisé").alias("serie")),
        df.select("annee", pl.col("cible").alias("valeur"), pl.lit("Cible").alias("serie")),
    ]).filter(pl.col("valeur").is_not_null()).with_columns(pl.col("annee").cast(pl.String))
    colour = alt.Color("serie:N", title=None, scale=alt.Scale(domain=["Réalisé", "Cible"], range=[PRIMARY, CIBLE]))
    base = alt.Chart(long).encode(
        x=alt.X("annee:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("valeur:Q", title=None, axis=axe(unit, tickCount=4), scale=alt.Scale(zero=True)),
        color=colour,
        tooltip=[alt.Tooltip("annee:O", title="Année"), alt.Tooltip("serie:N", title="Série"),
                 alt.Tooltip("valeur:Q", title="Valeur", format=_fmt(unit))],
    )
    realise = alt.datum.serie == "Réalisé"
    line = base.transform_filter(realise).mark_line(strokeWidth=3)
    points = base.mark_point(filled=True, size=90).encode(
        shape=alt.Shape("serie:N", title=None, scale=alt.Scale(domain=["Réalisé", "Cible"],
                                                               range=["circle", "diamond"])))
    target = base.transform_filter(~realise).mark_line(strokeDash=[6, 4], strokeWidth=2)
    text = base.transform_filter(realise).mark_text(dy=-12, fontSize=12, color="#1F1F1F").encode(
        text=alt.Text("valeur:Q", format=_fmt(unit)))
    return finish(alt.layer(line, target, points, text), title=_title(titre, sous_titre), height=290)
