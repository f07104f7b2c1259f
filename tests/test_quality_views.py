"""suivi_retours and alertes_coherence, on a small story whose outcome we know by hand."""

from __future__ import annotations

from conftest import CONVENTIONS, FINANCES, SALARIES, SIRET_A, SIRET_B, STRUCTURE, query, write_csv
from loaders.load import load_files


def test_return_tracking_and_consistency_warnings(tmp_path, db):
    structure = [list(STRUCTURE[1][0])]
    structure[0][5] = "97415"  # Saint-Paul, while the convention says Saint-Denis
    load_files([
        write_csv(tmp_path / "1" / "conventions.csv", *CONVENTIONS),
        write_csv(tmp_path / "1" / "salaries.csv", *SALARIES),
        write_csv(tmp_path / "1" / "structure.csv", STRUCTURE[0], structure),
    ], db)
    # B sends finances with a bad amount: refused. A corrects its salaries: replaced.
    bad = [list(FINANCES[1][0])]
    bad[0][1], bad[0][2] = SIRET_B, "beaucoup"
    corrected = [list(SALARIES[1][0])]
    load_files([write_csv(tmp_path / "2" / "finances_b.csv", FINANCES[0], bad),
                write_csv(tmp_path / "2" / "salaries.csv", SALARIES[0], corrected)], db)

    got = query(db, "select siret, template, statut, statut_libelle, fichier, nb_remplacements, dernier_refus_fichier "
                    "from suivi_retours order by siret = $a desc, template_rang", {"a": SIRET_A})
    assert got == [
        (SIRET_A, "structure", "RECU", "Reçu", "structure.csv", 0, None),
        (SIRET_A, "salaries_insertion", "RECU", "Reçu", "salaries.csv", 1, None),
        (SIRET_A, "personnel_permanent", "MANQUANT", "Manquant", None, 0, None),
        (SIRET_A, "finances", "MANQUANT", "Manquant", None, 0, None),
        (SIRET_B, "structure", "MANQUANT", "Manquant", None, 0, None),
        (SIRET_B, "salaries_insertion", "MANQUANT", "Manquant", None, 0, None),
        (SIRET_B, "personnel_permanent", "MANQUANT", "Manquant", None, 0, None),
        (SIRET_B, "finances", "REFUSE", "Refusé", None, 0, "finances_b.csv"),
    ]
    # A: 1 person in 2024 (S001, 26 h/week, 1 040,5 h) -> 0,647 ETP for 12,5 conventionnés: no ETP alert.
    alerts = query(db, "select siret, alerte, detail from alertes_coherence order by all")
    assert alerts == [(SIRET_A, "COMMUNE_DIFFERENTE", "Retour structure : Saint-Paul ; convention : Saint-Denis")]
