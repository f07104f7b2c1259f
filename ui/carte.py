"""The map of the « Territoires » page: communes coloured by an indicator, basin borders,
the number of SIAE per commune. Altair `mark_geoshape`, Mercator, no tile server (it works
offline and exports like any chart); no Streamlit call, like ui.charts.

Outlines: `config/contours/communes.geojson` when a department supplies its own (property
`code_insee`, or `code` as in IGN files), else the bundled outlines of La Réunion
(config/contours/README.md gives their source and licence).

Basin borders are the commune edges not shared by two communes of the same basin. The
outlines are a coverage (neighbouring communes share their border vertices, as in IGN's
ADMIN EXPRESS), so this is an exact dissolve without a geometry library; with a file whose
neighbours do not share vertices the basin borders also follow the communes' own edges,
which still reads right.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections import Counter
from functools import lru_cache
from pathlib import Path

import altair as alt
import polars as pl

from ui import charts, labels
from ui.format import VEGA_FORMAT

CONTOURS_DIR = Path(__file__).resolve().parent.parent / "config" / "contours"
CONTOURS_DEPARTEMENT = CONTOURS_DIR / "communes.geojson"
CONTOURS_REUNION = CONTOURS_DIR / "communes-974-la-reunion.geojson"
# The mention the Licence Ouverte asks of whoever reuses the bundled outlines (config/contours/README.md).
SOURCE_REUNION = "Contours des communes : IGN, INSEE — Admin Express COG 2018 (Licence Ouverte / Etalab)."
SOURCE_DEPARTEMENT = "Contours des communes : fichier du département (config/contours/communes.geojson)."

# What a commune can be coloured by (the page offers them in this order).
INDICATEURS_CARTE = ("etp_conventionnes_pour_1000_de", "salaries_pour_1000_de", "nb_siae")
# white, not grey: printed in black and white, a grey reads like the scale's palest blue (a 0)
SANS_VALEUR = "#FFFFFF"
# The legend title wraps at this many characters (Vega cuts a longer line with « … »); a
# line of that length fits the limit in pixels at both font sizes.
LEGENDE_CARACTERES = 22


def fichier_contours() -> Path:
    return CONTOURS_DEPARTEMENT if CONTOURS_DEPARTEMENT.exists() else CONTOURS_REUNION


def source_contours() -> str:
    """Where the outlines drawn come from, as a printed map must say."""
    return SOURCE_DEPARTEMENT if fichier_contours() == CONTOURS_DEPARTEMENT else SOURCE_REUNION


def _rings(geometry: dict) -> list[list[list]]:
    """Polygons of a Polygon or MultiPolygon, each a list of rings."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    return []


def aire_signee(ring: list) -> float:
    """Signed area in degrees² (shoelace): positive when counter-clockwise."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:])) / 2


def geometrie_d3(polygons: list) -> dict:
    """The polygons wound as d3-geo (Vega) wants them: exterior rings clockwise, holes
    counter-clockwise. GeoJSON files (RFC 7946) wind the other way, which d3 draws as the
    whole globe but the commune."""
    out = []
    for poly in polygons:
        rings = []
        for i, ring in enumerate(poly):
            clockwise = aire_signee(ring) < 0
            rings.append(ring if clockwise == (i == 0) else ring[::-1])
        out.append(rings)
    return {"type": "MultiPolygon", "coordinates": out}


def _centre(polygons: list) -> tuple[float, float]:
    """Centroid of the largest exterior ring: where a commune's marker goes."""
    ring = max((p[0] for p in polygons), key=lambda r: abs(aire_signee(r)))
    a = aire_signee(ring) or 1e-12
    cx = sum((p[0] + q[0]) * (p[0] * q[1] - q[0] * p[1]) for p, q in zip(ring, ring[1:])) / (6 * a)
    cy = sum((p[1] + q[1]) * (p[0] * q[1] - q[0] * p[1]) for p, q in zip(ring, ring[1:])) / (6 * a)
    return cx, cy


@lru_cache(maxsize=4)
def _lire(path: str, mtime: float) -> dict[str, dict]:
    """code INSEE -> {"polygons", "centre"}; features without a code or a polygon are skipped."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    out = {}
    for feature in data.get("features", []):
        props = feature.get("properties") or {}
        code = str(props.get("code_insee") or props.get("code") or "").strip()
        polygons = _rings(feature.get("geometry") or {})
        if code and polygons:
            out[code] = {"polygons": polygons, "centre": _centre(polygons)}
    return out


def contours() -> dict[str, dict]:
    """The communes' outlines by INSEE code ({} when the file is missing or unreadable)."""
    path = fichier_contours()
    try:
        return _lire(str(path), path.stat().st_mtime)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return {}


def bordures_bassins(communes: pl.DataFrame, formes: dict[str, dict]) -> list[dict]:
    """One MultiLineString feature per basin: the edges its communes do not share with each other."""
    out = []
    for bassin, codes in communes.group_by("bassin", maintain_order=True).agg("commune_insee").iter_rows():
        edges: Counter = Counter()
        for code in codes:
            for poly in formes.get(code, {}).get("polygons", []):
                for ring in poly:
                    edges.update(tuple(sorted((tuple(a[:2]), tuple(b[:2])))) for a, b in zip(ring, ring[1:]))
        lines = [[list(a), list(b)] for (a, b), n in edges.items() if n == 1]
        if lines:
            out.append({"type": "Feature", "properties": {"bassin": bassin},
                        "geometry": {"type": "MultiLineString", "coordinates": lines}})
    return out


def titre_legende(col: str) -> list[str]:
    """The indicator's label in short lines (a list: one legend title line each); a number
    such as « 1 000 » stays on one line."""
    return textwrap.wrap(re.sub(r"(?<=\d) (?=\d{3})", "\u00a0", labels.colonne(col)), LEGENDE_CARACTERES)


def carte_communes(df: pl.DataFrame, col: str, formes: dict[str, dict], *, sous_titre: str | None = None,
                   details: tuple[str, ...] = (), grand: bool = False, noms: bool = False) -> alt.LayerChart:
    """Communes (rows of densite_commune with an outline) coloured by `col`, basin borders in
    black, and on each commune with SIAE a disc with their number. `details`: the figures
    the tooltip adds (columns of df), after the commune, its basin and `col`. `noms`: each
    commune's name under its centre, for paper, which has no tooltip."""
    unit = labels.unite(col)
    shown = df.filter(pl.col("commune_insee").is_in(list(formes)))
    tip_cols = [c for c in dict.fromkeys((col, *details)) if c in shown.columns]
    features = []
    for row in shown.iter_rows(named=True):
        props = {"commune": row["nom_commune"], "bassin": labels.bassin(row["bassin"]),
                 **{c: row[c] for c in tip_cols}}
        features.append({"type": "Feature", "properties": props,
                         "geometry": geometrie_d3(formes[row["commune_insee"]]["polygons"])})
    tooltip = [alt.Tooltip("properties.commune:N", title="Commune"),
               alt.Tooltip("properties.bassin:N", title="Bassin")] + [
        alt.Tooltip(f"properties.{c}:Q", title=labels.colonne(c), format=VEGA_FORMAT.get(labels.unite(c), ",.1f"))
        for c in tip_cols]
    known = f"isValid(datum.properties.{col})"
    # The outlines go in the top-level datasets, set once on the finished chart: inline in a
    # layer, Altair deep-copied every point at each layering step (0.2 s of the page's rerun).
    communes = alt.Chart(alt.NamedData(name="communes")).mark_geoshape(stroke="#8C8C8C", strokeWidth=0.6).encode(
        color=alt.condition(
            known,
            alt.Color(f"properties.{col}:Q", title=titre_legende(col),
                      scale=alt.Scale(scheme="blues", zero=True),
                      legend=alt.Legend(format=VEGA_FORMAT.get(unit, ",.1f"), orient="right",
                                        gradientLength=220 if grand else 160, titleLimit=400 if grand else 260)),
            alt.value(SANS_VALEUR)),
        tooltip=tooltip,
    )
    bassins = alt.Chart(alt.NamedData(name="bassins")).mark_geoshape(
        filled=False, stroke="#1F1F1F", strokeWidth=3.5 if grand else 2.2, strokeJoin="round", strokeCap="round")
    points = pl.DataFrame(
        [{"commune": r["nom_commune"], "bassin": labels.bassin(r["bassin"]), "nb_siae": r["nb_siae"],
          "longitude": formes[r["commune_insee"]]["centre"][0], "latitude": formes[r["commune_insee"]]["centre"][1]}
         for r in shown.iter_rows(named=True) if r["nb_siae"]],
        schema={"commune": pl.String, "bassin": pl.String, "nb_siae": pl.Int64, "longitude": pl.Float64,
                "latitude": pl.Float64})
    where = alt.Chart(points).encode(
        longitude="longitude:Q", latitude="latitude:Q",
        tooltip=[alt.Tooltip("commune:N", title="Commune"), alt.Tooltip("bassin:N", title="Bassin"),
                 alt.Tooltip("nb_siae:Q", title=labels.colonne("nb_siae"), format=",.0f")])
    discs = where.mark_circle(size=700 if grand else 330, color="#E69F00", opacity=1, stroke="white", strokeWidth=1.5)
    counts = where.mark_text(fontSize=20 if grand else 12, fontWeight="bold", color="#1F1F1F").encode(
        text=alt.Text("nb_siae:Q", format=",.0f"))
    title = alt.Title(f"{labels.colonne(col)} par commune",
                      subtitle=(f"{sous_titre} · " if sous_titre else "") + "trait noir : limites des bassins ; "
                      "pastille : nombre de SIAE ; blanc : chiffre inconnu", anchor="start")
    layers = [communes, bassins, discs, counts]
    if noms:
        centres = pl.DataFrame([{"commune": r["nom_commune"], "longitude": formes[r["commune_insee"]]["centre"][0],
                                 "latitude": formes[r["commune_insee"]]["centre"][1]} for r in shown.iter_rows(named=True)],
                               schema={"commune": pl.String, "longitude": pl.Float64, "latitude": pl.Float64})
        name = alt.Chart(centres).encode(longitude="longitude:Q", latitude="latitude:Q", text="commune:N")
        # a white halo under the name keeps it readable on the darkest fill
        layers += [name.mark_text(dy=17, fontSize=10, stroke="white", strokeWidth=3, strokeJoin="round"),
                   name.mark_text(dy=17, fontSize=10, color="#1F1F1F")]
    chart = alt.layer(*layers).project(type="mercator")
    chart = charts.finish(chart, title=title, height=620 if grand else 520, width="container", grand=grand)
    chart.datasets = {"communes": features, "bassins": bordures_bassins(shown, formes)}
    return chart
