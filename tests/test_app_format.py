"""ui.format: the French way numbers look, everywhere in the app and its exports."""

from __future__ import annotations

import math

import pytest

from ui.format import (
    NNBSP,
    VEGA_LOCALE,
    VIDE,
    csv_nombre,
    fmt_booleen,
    fmt_euros,
    fmt_euros_court,
    fmt_evolution,
    fmt_nombre,
    fmt_pct,
    fmt_valeur,
)


def test_nombre():
    assert fmt_nombre(1234.5) == f"1{NNBSP}234,5"
    assert fmt_nombre(1234) == f"1{NNBSP}234"
    assert fmt_nombre(1234567.891, 2) == f"1{NNBSP}234{NNBSP}567,89"
    assert fmt_nombre(-1234.5) == f"-1{NNBSP}234,5"
    assert fmt_nombre(-0.04, 1) == "0,0"  # no "-0,0"
    assert fmt_nombre(0) == "0"


def test_pourcentage():
    assert fmt_pct(0.42) == f"42{NNBSP}%"
    assert fmt_pct(0.4251, 1) == f"42,5{NNBSP}%"
    assert fmt_pct(1.25) == f"125{NNBSP}%"  # a ratio may exceed 100 %
    assert fmt_pct(-0.375) == f"-38{NNBSP}%"


def test_euros():
    assert fmt_euros(12345) == f"12{NNBSP}345{NNBSP}€"
    assert fmt_euros(-5000) == f"-5{NNBSP}000{NNBSP}€"
    assert fmt_euros_court(25_275_299) == f"25,3{NNBSP}M€"
    assert fmt_euros_court(469_345.5) == f"469{NNBSP}346{NNBSP}€"


@pytest.mark.parametrize("fn", [fmt_nombre, fmt_pct, fmt_euros, fmt_euros_court, fmt_booleen])
def test_missing_is_a_dash(fn):
    assert fn(None) == VIDE == "—"
    if fn is not fmt_booleen:
        assert fn(math.nan) == VIDE


def test_valeur_by_unit():
    assert fmt_valeur(3.45, "etp") == "3,5"
    assert fmt_valeur(0.6, "pourcentage") == f"60,0{NNBSP}%"  # a rate shows one decimal everywhere
    assert fmt_valeur(525000.0, "euros") == f"525{NNBSP}000{NNBSP}€"
    assert fmt_valeur(2_525_000.0, "euros", court=True) == f"2,5{NNBSP}M€"
    assert fmt_valeur(True, "booleen") == "oui"
    assert fmt_valeur(2024, "annee") == "2024"
    assert fmt_valeur(None, "nombre") == VIDE


def test_evolution():
    assert fmt_evolution(5, 7, "nombre") == "-2"
    assert fmt_evolution(0.6, 0.5, "pourcentage") == f"+10,0{NNBSP}pts"
    assert fmt_evolution(0.503, 0.5, "pourcentage") == f"+0,3{NNBSP}pt"
    assert fmt_evolution(150000, 120000, "euros") == f"+30{NNBSP}000{NNBSP}€"
    assert fmt_evolution(0.99, 0.9901, "pourcentage") == "0"  # shown as a grey zero
    assert fmt_evolution(None, 1, "nombre") is None
    assert fmt_evolution(1, None, "nombre") is None


def test_csv_numbers_for_french_excel():
    assert csv_nombre(1234.5, "decimal") == "1234,5"  # no thousands separator: Excel reads a number
    assert csv_nombre(0.425, "pourcentage") == "42,5"
    assert csv_nombre(5, "nombre") == "5"
    assert csv_nombre(2024, "annee") == "2024"
    assert csv_nombre(True, "booleen") == "oui"
    assert csv_nombre(None, "euros") == ""
    assert csv_nombre(1 / 3, "decimal") == "0,333333"


def test_vega_locale_is_french():
    number = VEGA_LOCALE["number"]
    assert number["decimal"] == ","
    assert number["thousands"] == NNBSP
    assert number["currency"] == ["", f"{NNBSP}€"]
    assert VEGA_LOCALE["time"]["months"][7] == "août"


def test_one_rounding_rule_half_away_from_zero():
    """Tables (pre-rounded frames), metrics and chart labels round the same way: half away from
    zero on the value as written, at the precision shown (issue #12: 170,86 read 170,8 in a table)."""
    import polars as pl

    from ui.format import arrondi, arrondir
    assert fmt_valeur(170.86, "etp") == "170,9"
    assert fmt_valeur(170.85, "etp") == "170,9"  # stored 170.8499…: as written, not as binary
    assert fmt_valeur(22.65, "etp") == "22,7"
    assert fmt_valeur(0.9337, "pourcentage") == f"93,4{NNBSP}%"
    assert fmt_valeur(-2.5, "nombre") == "-3"
    assert fmt_valeur(-0.04, "etp") == "0,0"  # never "-0,0"
    assert arrondi(2.5, 0) == 3 and arrondi(-0.125, 2) == -0.13
    df = arrondir(pl.DataFrame({"etp": [170.86, None], "taux": [0.9337, 0.93349], "n": ["a", "b"]}),
                  {"etp": "etp", "taux": "pourcentage", "n": "texte"})
    assert df.to_dicts() == [{"etp": 170.9, "taux": 0.934, "n": "a"}, {"etp": None, "taux": 0.933, "n": "b"}]


def test_a_column_with_secret_cells_shows_its_other_values_by_the_one_rounding_rule():
    """Under statistical secrecy a column with a hidden cell is drawn as text (« secret »): its
    visible cells still round half away from zero at the precision shown, as every other table:
    170.85 ETP reads 170,9 (Python's format reads the binary 170.8499… as 170,8), 0.9335 reads
    93,4 % (not 93,3 %), 2.5 persons 3."""
    from streamlit.testing.v1 import AppTest

    def app():
        import polars as pl

        from ui import export, page

        why = "secret statistique : moins de 3 structures"
        df = pl.DataFrame({"bassin": ["NORD", "SUD", "EST"], "etp_insertion": [170.85, None, 12.0],
                           "_secret_etp_insertion": [None, why, None], "taux_sortie_dynamique": [0.9335, None, 0.5],
                           "_secret_taux_sortie_dynamique": [None, why, None], "nb_salaries": [2.5, None, 4.0],
                           "_secret_nb_salaries": [None, why, None]})
        page.tableau(export.Table(df, ("bassin", "etp_insertion", "taux_sortie_dynamique", "nb_salaries"), "t",
                                  "Test", diffusion=True), key="t")

    at = AppTest.from_function(app, default_timeout=30).run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert list(shown["etp_insertion"]) == ["170,9", "secret", "12,0"]
    assert list(shown["taux_sortie_dynamique"]) == [f"93,4{NNBSP}%", "secret", f"50,0{NNBSP}%"]
    assert list(shown["nb_salaries"]) == ["3", "secret", "4"]
