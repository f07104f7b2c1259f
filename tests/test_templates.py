"""The Excel template round trip: a workbook made from it and filled correctly loads."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from conftest import CONVENTIONS, PERSONNEL, SALARIES, SIRET_A, query, write_csv
from contract import COMMUNES_REUNION, TEMPLATES
from loaders.load import LOADED, load_files
from loaders.template import blank_workbook, demande_communes, demande_workbook, prefilled_workbook, prefill_rows
from warehouse.scope import Scope
from warehouse.db import connect_read


def _fill(data: bytes, rows: dict[str, list[list]]) -> openpyxl.Workbook:
    """Type values into the template as a person would in Excel (dates as dates, numbers as numbers)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for sheet, values in rows.items():
        ws = wb[sheet]
        start = ws.max_row + 1 if ws.max_row > 1 or ws.cell(2, 1).value else 2
        for i, row in enumerate(values):
            for j, v in enumerate(row, start=1):
                if v not in ("", None):
                    ws.cell(start + i, j, v)
    return wb


def test_blank_template_has_french_headers_notes_and_drop_downs():
    wb = openpyxl.load_workbook(io.BytesIO(blank_workbook()))
    assert wb.sheetnames == ["Mode d'emploi", "structure", "salaries_insertion", "personnel_permanent", "finances",
                             "Listes"]
    ws = wb["salaries_insertion"]
    headers = [c.value for c in ws[1]]
    assert headers == [c.label for c in TEMPLATES["salaries_insertion"].columns]
    assert "Obligatoire si et seulement si" in ws.cell(1, headers.index("Motif de sortie") + 1).comment.text
    lists = {next(iter(dv.sqref.ranges)).coord.split(":")[0][:-1]: dv for dv in ws.data_validations.dataValidation}
    sexe_col = openpyxl.utils.get_column_letter(headers.index("Sexe") + 1)
    assert lists[sexe_col].type == "list" and lists[sexe_col].formula1.startswith("Listes!")
    date_col = openpyxl.utils.get_column_letter(headers.index("Date d'entrée") + 1)
    assert lists[date_col].type == "date"


def test_blank_template_filled_correctly_loads(tmp_path, db):
    load_files([write_csv(tmp_path / "c.csv", *CONVENTIONS)], db)
    d = lambda s: dt.datetime.strptime(s, "%d/%m/%Y") if s else None  # noqa: E731
    salaries = []
    for r in SALARIES[1]:
        r = list(r)
        r[10] = float(r[10].replace(" ", "").replace(",", "."))
        r[9] = float(r[9])
        r[16], r[17] = d(r[16]), d(r[17])
        salaries.append(r)
    personnel = [[*r[:10], d(r[10]), d(r[11]), *r[12:]] for r in PERSONNEL[1]]
    wb = _fill(blank_workbook(), {"salaries_insertion": salaries, "personnel_permanent": personnel})
    path = tmp_path / "retour_2024.xlsx"
    wb.save(path)
    [r] = load_files([path], db)
    assert r.status == LOADED, [p.line() for p in r.problems]
    assert sorted(r.templates) == ["personnel_permanent", "salaries_insertion"]
    assert query(db, "select count(*) from raw_salaries_insertion") == [(2,)]
    assert [p.regle for p in r.warnings] == ["feuille sans ligne de données : ignorée"] * 2


def test_prefilled_template_carries_identity_and_people_still_present(tmp_path, db):
    load_files([write_csv(tmp_path / "s.csv", *SALARIES), write_csv(tmp_path / "p.csv", *PERSONNEL)], db)
    con = connect_read(db)
    rows = prefill_rows(con, SIRET_A, 2025, Scope.admin())
    con.close()
    # S001 is still present on 31/12/2024; S002 left on 30/06/2024.
    assert [r["identifiant"] for r in rows["salaries_insertion"]] == ["S001"]
    assert rows["salaries_insertion"][0]["date_entree"] == dt.date(2023, 3, 15)
    assert [r["identifiant"] for r in rows["personnel_permanent"]] == ["P01", "P02"]
    # The officer's structure completes the hours worked in 2025, then the file loads.
    wb = openpyxl.load_workbook(io.BytesIO(prefilled_workbook(rows)))
    ws = wb["salaries_insertion"]
    headers = [c.value for c in ws[1]]
    assert ws.cell(2, headers.index("Année") + 1).value == 2025
    ws.cell(2, headers.index("Heures travaillées") + 1, 1200)
    path = tmp_path / "prefilled.xlsx"
    wb.save(path)
    [r] = load_files([path], db)
    assert r.status == LOADED, [p.line() for p in r.problems]
    assert query(db, "select identifiant, heures_travaillees from raw_salaries_insertion where annee = 2025") == [
        ("S001", 1200.0)]


def test_demand_workbook_lists_the_reference_communes_with_the_sources_of_each_figure():
    communes = [{"commune_insee": c, "nom": n} for c, n, _ in COMMUNES_REUNION]
    wb = openpyxl.load_workbook(io.BytesIO(demande_workbook(communes, 2025)))
    assert wb.sheetnames == ["Mode d'emploi", "demande_territoire"]
    ws = wb["demande_territoire"]
    headers = [c.value for c in ws[1]]
    assert headers == [*(c.label for c in TEMPLATES["demande_territoire"].columns), "Nom de la commune (repère)"]
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 24
    assert rows[0] == (2025, "97401", None, None, None, None, None, "Les Avirons")
    assert rows[-1][:2] == (2025, "97424") and rows[-1][-1] == "Cilaos"
    notes = {h: ws.cell(1, j + 1).comment.text for j, h in enumerate(headers)}
    assert "(DEFM) des catégories A, B, C au 31/12" in notes["Demandeurs d'emploi"]
    assert "12 mois ou plus" in notes["Demandeurs de longue durée"]
    assert "CAF" in notes["Foyers bénéficiaires du RSA"] and "au 31/12" in notes["Foyers bénéficiaires du RSA"]
    assert "France Travail" in notes["Demandeurs de moins de 26 ans"]
    assert "INSEE" in notes["Population 15-64 ans"]
    guide = "\n".join(str(r[0]) for r in wb["Mode d'emploi"].iter_rows(values_only=True) if r[0])
    assert "chiffres de 2025" in guide and "France Travail" in guide


def test_demand_workbook_filled_for_some_communes_loads_and_leaves_the_others(tmp_path, db):
    # Saint-Pierre's 2025 figures are already in the warehouse.
    header = ["annee", "commune_insee", "demandeurs_emploi"]
    [r] = load_files([write_csv(tmp_path / "avant.csv", header, [[2025, "97416", 15000]])], db)
    assert r.status == LOADED
    con = connect_read(db)
    communes = demande_communes(con, Scope.admin())
    con.close()
    wb = openpyxl.load_workbook(io.BytesIO(demande_workbook(communes, 2025)))
    ws = wb["demande_territoire"]
    lignes = {ws.cell(i, 2).value: i for i in range(2, ws.max_row + 1)}
    # The officer types Saint-Denis in full and Le Port's job seekers only; the 22 other rows stay blank.
    for j, v in enumerate([21450, 11200, 15800, 2950, 99800], start=3):
        ws.cell(lignes["97411"], j, v)
    ws.cell(lignes["97407"], 3, 6120)
    path = tmp_path / "demande_insertion_par_commune_2025.xlsx"
    wb.save(path)
    [r] = load_files([path], db)
    assert r.status == LOADED, [p.line() for p in r.problems]
    assert r.templates == ["demande_territoire"]
    assert [p.line() for p in r.warnings] == []  # the name column is read past, the blank rows are skipped
    assert query(db, "select commune_insee, demandeurs_emploi, demandeurs_longue_duree, beneficiaires_rsa, "
                     "jeunes_moins_26, population_15_64 from raw_demande_territoire where annee = 2025 "
                     "order by commune_insee") == [
        ("97407", 6120, None, None, None, None),
        ("97411", 21450, 11200, 15800, 2950, 99800),
        ("97416", 15000, None, None, None, None),  # untouched: left blank in the workbook
    ]
