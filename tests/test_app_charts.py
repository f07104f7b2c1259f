"""ui.charts (and ui.fiche_siae's charts): Altair builders, tested without Streamlit (French locale, titles, colours)."""

from __future__ import annotations

import json

import polars as pl
import pytest

from ui import charts, fiche_siae
from ui.format import NNBSP

TERR = pl.DataFrame({
    "annee": [2023, 2024, 2025],
    "bassin": ["TOUS"] * 3,
    "nb_salaries": [3474, 3551, 3676],
    "taux_sortie_dynamique": [0.59, 0.61, None],
    "chiffre_affaires": [22.3e6, 23.2e6, 25.3e6],
})
BASSINS = pl.DataFrame({"bassin": ["EST", "NORD", "OUEST", "SUD"], "taux_retour": [1.0, 0.91, 0.83, 0.84]})


def _walk(spec):
    """Every dict in a spec (layers, encodings, transforms)."""
    if isinstance(spec, dict):
        yield spec
        for v in spec.values():
            yield from _walk(v)
    elif isinstance(spec, list):
        for v in spec:
            yield from _walk(v)


MANY = pl.DataFrame({"raison_sociale": [f"SIAE {i}" for i in range(4500)],
                     "cout_public_par_etp": [float(10_000 + i * 7 % 9000) for i in range(4500)]})


def _built():
    return [
        charts.tendance(TERR, "nb_salaries", sous_titre="2025 · Sud"),
        charts.barres_bassins(BASSINS, "taux_retour"),
        charts.barres_bassins(BASSINS, "taux_retour", grand=True),
        charts.barres_annees(TERR, "chiffre_affaires"),
        charts.repartition(pl.DataFrame({"libelle": ["Femme", "Homme"], "nb_salaries": [3, 2]}), titre="Sexe"),
        charts.sorties(pl.DataFrame({"motif_libelle": ["CDI", "Chômage"], "categorie_libelle": [
            "Emploi durable", "Autre sortie"], "nb_sorties": [3, 1]})),
        charts.financement(pl.DataFrame({"annee": [2024, 2024], "financeur_libelle": ["État", "Région"],
                                         "rang": [0, 2], "montant": [1e6, 2e5]})),
        charts.distribution_siae(pl.DataFrame({"raison_sociale": ["A", "B"], "cout_public_par_etp": [2.0e4, 1.5e4]}),
                                 "cout_public_par_etp"),
        charts.distribution_siae(MANY, "cout_public_par_etp"),
        fiche_siae.siae_vs_mediane(TERR, TERR.with_columns(pl.col("nb_salaries") * 2), "nb_salaries", nom="SIAE A",
                               groupe="Médiane des ACI"),
    ]


@pytest.mark.parametrize("chart", _built(), ids=lambda c: c.to_dict()["title"]["text"])
def test_every_chart_reads_french_and_has_a_title(chart):
    spec = chart.to_dict()
    number = spec["config"]["locale"]["number"]
    assert (number["decimal"], number["thousands"]) == (",", NNBSP)
    assert spec["title"]["text"] and not spec["title"]["text"].islower()
    assert spec["usermeta"]["embedOptions"]["actions"] is False


def test_titles_say_what_is_shown():
    spec = charts.tendance(TERR, "nb_salaries", sous_titre="2025 · Sud · ACI").to_dict()
    assert spec["title"] == {"text": "Salariés en insertion", "subtitle": "2025 · Sud · ACI", "anchor": "start"}


def test_years_are_never_formatted_as_numbers():
    """A quantitative year would read "2 025" with the French locale."""
    for chart in _built():
        for d in _walk(chart.to_dict()):
            if d.get("field") == "annee":
                assert d["type"] == "ordinal"


def test_basins_keep_their_colour_and_palette_is_colour_blind_safe():
    spec = charts.barres_bassins(BASSINS, "taux_retour").to_dict()
    scales = [d["scale"] for d in _walk(spec) if isinstance(d.get("scale"), dict) and "range" in d["scale"]]
    assert scales[0]["domain"] == ["Est", "Nord", "Ouest", "Sud"]
    assert scales[0]["range"] == [charts.BASSIN_COLOURS[b] for b in ("EST", "NORD", "OUEST", "SUD")]
    assert charts.PALETTE[:3] == ["#0072B2", "#E69F00", "#009E73"]  # Okabe-Ito


def test_nulls_are_left_out_not_drawn_as_zero():
    spec = charts.tendance(TERR, "taux_sortie_dynamique").to_dict()
    values = next(iter(spec["datasets"].values()))
    assert [v["annee"] for v in values] == [2023, 2024]


def test_millions_of_euros_are_labelled_in_millions():
    spec = charts.barres_annees(TERR, "chiffre_affaires").to_dict()
    calcs = [d["calculate"] for d in _walk(spec) if "calculate" in d]
    assert calcs and "M€" in calcs[0]
    assert any(d.get("title") == "millions d'euros" for d in _walk(spec))


def test_projection_charts_are_larger():
    small = charts.barres_bassins(BASSINS, "taux_retour").to_dict()["config"]["axis"]["labelFontSize"]
    large = charts.barres_bassins(BASSINS, "taux_retour", grand=True).to_dict()["config"]["axis"]["labelFontSize"]
    assert large > small


def _without_dataset_names(spec: dict) -> dict:
    """A spec with its datasets listed in order instead of by name (names are content hashes)."""
    names = list(spec["datasets"])
    text = json.dumps({k: v for k, v in spec.items() if k != "datasets"}, sort_keys=True)
    for i, name in enumerate(names):
        text = text.replace(name, f"dataset{i}")
    return {**json.loads(text), "datasets": [bytes(spec["datasets"][n]) for n in names]}


@pytest.mark.parametrize("chart", _built(), ids=lambda c: c.to_dict()["title"]["text"])
def test_app_sends_what_st_altair_chart_would_without_validating_again(chart):
    """charts.vega_lite skips the schema validation of st.altair_chart (most of a page's rerun), so
    the specs are validated here (to_dict validates) and must be those Streamlit would send."""
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    chart.to_dict(validate=True)
    ours = charts.vega_lite(chart)
    assert _without_dataset_names(ours) == _without_dataset_names(_convert_altair_to_vega_lite_spec(chart))
    assert all(isinstance(d, bytes) for d in ours["datasets"].values())
    # The chart keeps its frames: vega_lite names them only for the time of the conversion.
    assert all(isinstance(rows, list) for rows in chart.to_dict()["datasets"].values())


def test_settings_are_shared_not_copied_per_chart():
    """finish sets the configuration in place (copying a layered chart was most of its build time)."""
    a, b = charts.tendance(TERR, "nb_salaries"), charts.barres_bassins(BASSINS, "taux_retour")
    assert a.config is b.config is charts.CONFIG[False]
    assert charts.barres_bassins(BASSINS, "taux_retour", grand=True).config is charts.CONFIG[True]


def test_spec_builds_without_debug_validation_and_restores_it():
    from altair.utils import schemapi

    seen = []

    def builder():
        seen.append(schemapi.DEBUG_MODE)
        return charts.barres_bassins(BASSINS, "taux_retour")

    before = schemapi.DEBUG_MODE
    spec = charts.spec(builder)
    assert seen == [False] and schemapi.DEBUG_MODE == before
    assert spec["title"]["text"] == "Taux de retour" and len(spec["datasets"]) == 1


def test_distribution_of_thousands_of_siae_is_a_histogram_of_readable_height():
    """4,500 bars of 16 px made a 72,000-pixel chart Chromium could not draw."""
    spec = charts.distribution_siae(MANY, "cout_public_par_etp").to_dict()
    bars = spec["layer"][0]
    assert spec["height"] == 320 and bars["encoding"]["x"]["bin"] == {"maxbins": 30}
    assert bars["encoding"]["y"]["aggregate"] == "count"
    assert f"4{NNBSP}500 SIAE par tranche" in spec["title"]["subtitle"]


def test_distribution_puts_the_highest_value_first_without_listing_every_name():
    """Sorted by the value: a list of thousands of names in the spec cost ~100 ms a chart."""
    siae = pl.DataFrame({"raison_sociale": ["A", "B", "C"], "cout_public_par_etp": [1.0, None, 3.0]})
    layer = charts.distribution_siae(siae, "cout_public_par_etp").to_dict()["layer"][0]
    assert layer["encoding"]["y"]["sort"] == "-x"
    assert layer["encoding"]["x"]["field"] == "cout_public_par_etp"


def test_a_ten_year_trend_writes_only_its_first_and_last_values():
    """Ten values written above ten points overlapped into one unreadable line."""
    years = pl.DataFrame({"annee": list(range(2016, 2026)), "nb_salaries": [280_000 + i * 2_000 for i in range(10)]})
    spec = charts.tendance(years, "nb_salaries").to_dict()
    text = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "text")
    assert [r["annee"] for r in spec["datasets"][text["data"]["name"]]] == [2016, 2025]
    three = charts.tendance(years.tail(3), "nb_salaries").to_dict()
    text = next(layer for layer in three["layer"] if layer["mark"]["type"] == "text")
    assert len(three["datasets"][text.get("data", three.get("data"))["name"]]) == 3


def test_a_metric_trend_never_crosses_a_year_without_data():
    """A missing year is no point to join: no trend line over it, nor when the year shown has no value."""
    from ui.page import tendance_sans_trou

    assert tendance_sans_trou([None, 5.5, 5.5, 6.0], 6.0) == [5.5, 5.5, 6.0]  # before the first return: left out
    assert tendance_sans_trou([5.5, None, 6.0], 6.0) == []  # a gap: no line across it
    assert tendance_sans_trou([5.5, 6.0, None], None) == []  # no return this year: no line at all


def test_siae_sheet_chart_leaves_a_year_without_return_empty():
    fiche = pl.DataFrame({"annee": [2023, 2024, 2025], "chiffre_affaires": [55_570.4, 66_012.0, None]})
    mediane = pl.DataFrame({"annee": [2023, 2024, 2025], "chiffre_affaires": [128_744.0, 145_422.0, 153_192.0]})
    spec = fiche_siae.siae_vs_mediane(fiche, mediane, "chiffre_affaires", nom="A", groupe="M").to_dict()
    rows = pl.DataFrame(next(iter(spec["datasets"].values())))
    assert rows.filter(pl.col("serie") == "A")["valeur"].to_list() == [56.0, 66.0]  # k€, rounded as shown
    assert [2023, 2024, 2025] in [d["scale"]["domain"] for d in _walk(spec) if "domain" in d.get("scale", {})]


def test_siae_sheet_detail_says_secret_for_a_median_hidden_by_secrecy():
    """A median hidden by statistical secrecy reads « secret », not "—" (which says unknown)."""
    fiche = pl.DataFrame({"annee": [2023, 2024], "nb_salaries": [3, 2], "taux_emploi_durable": [1.0, 0.0]})
    why = "secret statistique : médiane sur moins de 3 structures"
    mediane = pl.DataFrame({"annee": [2023, 2024], "nb_salaries": [None, 4.0], "_secret_nb_salaries": [why, None],
                            "taux_emploi_durable": [None, None], "_secret_taux_emploi_durable": [None, None]})
    detail = fiche_siae.fiche_par_annee(fiche, mediane, ["nb_salaries", "taux_emploi_durable"], [2023, 2024])
    assert detail.row(0) == ("Salariés en insertion", "3", "secret", "2", "4")
    assert detail.row(1) == ("Taux de sortie en emploi durable", f"100,0{NNBSP}%", "—", f"0,0{NNBSP}%", "—")
    assert fiche_siae.mediane_texte(mediane, "nb_salaries", 2023) == "secret en 2023"
    assert fiche_siae.mediane_secrete(mediane) == why
