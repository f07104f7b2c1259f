"""The Excel template round trip: a workbook made from it and filled correctly loads."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from conftest import CONVENTIONS, PERSONNEL, SALARIES, SIRET_A, query, write_csv
from contract import TEMPLATES
from loaders.load import LOADED, load_files
from loaders.template import blank_workbook, prefilled_workbook, prefill_rows
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
