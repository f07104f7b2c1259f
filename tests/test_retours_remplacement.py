"""Import page (AppTest), issue #12: the replacement guard asks before storing, shows the old and
new row counts and the figures that would change; repeated problems read as one line; the
report's file name is clean. Each test works on its own copy of the fixture warehouse."""

from __future__ import annotations

import polars as pl
from conftest import query
from test_loads_everyday import SALARIES_FR, salaries_rows
from test_retours_pages import C, charger, deposer, entrepot, grille, run, textes  # noqa: F401

from loaders.load import load_files
from ui import importation


def fichier_c(n: int) -> bytes:
    """C's integration return of 2024 as French Excel saves it: `;`, Windows-1252, French headers."""
    rows = salaries_rows(n, siret=C)
    text = "\r\n".join(";".join(str(v) for v in r) for r in [SALARIES_FR, *rows]) + "\r\n"
    return text.encode("cp1252")


def stocke_c(entrepot, tmp_path, n: int = 5) -> None:
    path = tmp_path / "salaries_C_2024.csv"
    path.write_bytes(fichier_c(n))
    assert load_files([path], entrepot)[0].status == "loaded"


def lignes_c(entrepot) -> int:
    return query(entrepot, "select row_count from returns where template = 'salaries_insertion' and siret = $s "
                           "and annee = 2024", {"s": C})[0][0]


def test_a_shrinking_return_waits_for_confirmation_then_replaces(entrepot, tmp_path):
    stocke_c(entrepot, tmp_path, 5)
    at = deposer(run("pages/import_retours.py"), ("salaries_C_prerempli.csv", fichier_c(2)))
    t = textes(at)
    assert ("Ce fichier remplacerait un retour de 5 lignes par 2 lignes** : Salariés en insertion 2024 de Services "
            f"Tampon (SIRET {C}).") in t
    assert "1 fichier attend votre confirmation" in t
    avant_apres = pl.from_pandas(at.table[0].value)
    assert avant_apres.rows() == [("Salariés présents dans l'année", 5, 2, -3), ("Entrées dans l'année", 3, 1, -2),
                                  ("Sorties dans l'année", 1, 0, -1)]
    case = at.checkbox(key="confirmer_remplacement_0_0")
    assert case.label == "Je confirme : remplacer ce retour par le contenu de « salaries_C_prerempli.csv »"
    assert not case.value

    # loaded without confirmation: held back, nothing stored, the outcome says why
    charger(at)
    assert lignes_c(entrepot) == 5
    bilan = grille(at, "remplacement")
    assert bilan.select("resultat", "remplacement").rows() == [(
        "retenu : confirmation requise",
        f"remplacerait un retour de 5 lignes (Salariés en insertion 2024, SIRET {C}) par 2 lignes")]
    assert "1 fichier retenu faute de confirmation" in at.warning[0].value

    # confirmed: replaced, and the outcome and the history say what it replaced
    deposer(at, ("salaries_C_prerempli.csv", fichier_c(2)))
    at.checkbox(key="confirmer_remplacement_1_0").check().run()
    assert "attend votre confirmation" not in textes(at)
    charger(at)
    assert lignes_c(entrepot) == 2
    assert grille(at, "remplacement").select("resultat", "remplacement").rows() == [(
        "chargé", f"remplace un retour de 5 lignes (Salariés en insertion 2024, SIRET {C}) par 2 lignes")]
    run("pages/historique.py", at)
    assert f"remplace un retour de 5 lignes (Salariés en insertion 2024, SIRET {C}) par 2 lignes" in textes(at)
    effets = grille(at, "effet")
    assert effets.select("siret", "effet").rows() == [(C, "remplace un retour de 5 lignes")]
    statuts = grille(at, "resultat")["resultat"].to_list()
    assert statuts[:2] == ["chargé", "retenu : confirmation requise"]


def test_a_return_of_half_the_rows_or_more_asks_nothing(entrepot, tmp_path):
    stocke_c(entrepot, tmp_path, 4)
    at = deposer(run("pages/import_retours.py"), ("salaries_C.csv", fichier_c(2)))
    assert not [c for c in at.checkbox if c.key.startswith("confirmer_remplacement")]
    charger(at)
    assert lignes_c(entrepot) == 2
    assert grille(at, "remplacement")["remplacement"].to_list() == [
        f"remplace un retour de 4 lignes (Salariés en insertion 2024, SIRET {C}) par 2 lignes"]


def test_repeated_problems_are_one_line_and_the_report_name_is_clean(entrepot):
    rows = salaries_rows(12, siret="33333333000013")  # a wrong check digit on every row
    text = "\r\n".join(";".join(str(v) for v in r) for r in [SALARIES_FR, *rows]) + "\r\n"
    at = deposer(run("pages/import_retours.py"), ("salaries FAUX.csv", text.encode("cp1252")))
    rapport = at.table[0].value
    assert rapport.values.tolist() == [[
        "", "2 à 13", "SIRET", "33333333000013",
        "SIRET invalide : ce numéro SIRET n'existe pas, un chiffre est probablement mal saisi"]]
    assert importation.nom_rapport("salaries FAUX.csv") == "rapport_salaries FAUX.csv"
    assert importation.nom_rapport("dossier/finances_D.xlsx") == "rapport_finances_D.csv"
