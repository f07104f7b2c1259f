"""Every input variant of docs/CONTRACT.md section 1 loads, with the values a person would expect."""

from __future__ import annotations

import datetime as dt

import xlsxwriter

from conftest import (
    CONVENTIONS,
    FINANCES,
    PERSONNEL,
    SALARIES,
    SALARIES_HEADER,
    SIRET_A,
    SIRET_B,
    STRUCTURE,
    query,
    write_csv,
)
from contract import TEMPLATES
from loaders.load import LOADED, REJECTED, load_files
from loaders.read import fold


def _labels(template: str, names: list[str]) -> list[str]:
    return [TEMPLATES[template].column(n).label for n in names]


def test_fold_matches_the_contract_examples():
    assert fold("Date entrée") == "date_entree"
    assert fold("Date de sortie") == "date_sortie"
    assert fold("Chiffre d'affaires") == "chiffre_affaires"
    assert fold("ETP conventionnés") == "etp_conventionnes"
    assert fold("Année") == "annee"
    assert fold("Montant (€)") == "montant"
    assert fold("  DATE  D'ENTRÉE ") == "date_entree"


def test_every_french_label_folds_to_its_column_or_is_an_alias():
    from loaders.read import ALIASES

    for t in TEMPLATES.values():
        for c in t.columns:
            assert ALIASES[t.name][fold(c.label)] == c.name
            assert ALIASES[t.name][fold(c.name)] == c.name


def test_french_excel_csv_windows_1252_decimal_commas_spaced_thousands(tmp_path, db):
    header = _labels("finances", FINANCES[0])
    rows = [list(r) for r in FINANCES[1]]
    rows[0][2] = "120\u00a0000,00"  # no-break space, as French Excel writes thousands
    f = write_csv(tmp_path / "finances.csv", header, rows, sep=";", encoding="cp1252")
    assert "€".encode("cp1252") in f.read_bytes()  # the headers really are Windows-1252
    [r] = load_files([f], db)
    assert r.status == LOADED, [p.line() for p in r.problems]
    got = query(db, "select chiffre_affaires, aides_etat, aides_region, fse, fonds_propres, resultat_net "
                    "from raw_finances")
    assert got == [(120000.0, 250000.0, None, 15000.0, -5000.0, -1200.5)]


def test_comma_separated_utf8_bom_iso_dates_capital_headers(tmp_path, db):
    header = [h.upper().replace("_", " ") for h in SALARIES_HEADER]  # "DATE ENTREE", "ANNEE NAISSANCE"
    rows = [list(r) for r in SALARIES[1]]
    for r in rows:
        r[10] = r[10].replace(" ", "").replace(",", ".")
        r[12] = r[12].replace(",", "|")  # list separator that does not clash with the CSV comma
        r[16] = "2023-03-15" if r[2] == "S001" else "2024-02-01"
        r[17] = "" if r[2] == "S001" else "2024-06-30"
    f = write_csv(tmp_path / "salaries.csv", header, rows, sep=",", bom=True)
    [r] = load_files([f], db)
    assert r.status == LOADED, [p.line() for p in r.problems]
    got = query(db, "select identifiant, heures_travaillees, difficultes, date_entree, date_sortie "
                    "from raw_salaries_insertion order by identifiant")
    assert got == [("S001", 1040.5, ["LOGEMENT", "MOBILITE"], dt.date(2023, 3, 15), None),
                   ("S002", 400.0, None, dt.date(2024, 2, 1), dt.date(2024, 6, 30))]


def test_codes_case_accents_aliases_lists_and_yes_no_variants(tmp_path, db):
    rows = [list(r) for r in SALARIES[1]]
    rows[0][5] = "anpe"  # ex-ANPE is today's France Travail
    rows[0][6] = " Rsa "
    rows[0][12] = '"logement ; Mobilité + santé"'  # quoted: it holds the CSV separator
    rows[0][13] = "formation|immersion"
    rows[1][5] = "Mission locale"
    rows[1][18] = "cdi"
    f = write_csv(tmp_path / "s.csv", SALARIES[0], rows)
    [r] = load_files([f], db)
    assert r.status == LOADED, [p.line() for p in r.problems]
    got = query(db, "select orientation, statut_entree, difficultes, actions, motif_sortie "
                    "from raw_salaries_insertion order by identifiant")
    assert got == [("FRANCE_TRAVAIL", "RSA", ["LOGEMENT", "MOBILITE", "SANTE"], ["FORMATION", "IMMERSION"], None),
                   ("MISSION_LOCALE", "JEUNE_SANS_QUALIFICATION", None, None, "CDI")]

    header, base = PERSONNEL
    variants = ["oui", "Non", "O", "n", "1", "0", "true", "FALSE", "x", ""]
    rows = []
    for i, v in enumerate(variants):
        row = list(base[0])
        row[2], row[13] = f"P{i:02d}", v
        rows.append(row)
    f = write_csv(tmp_path / "p.csv", header, rows)
    [r] = load_files([f], db)
    assert r.status == LOADED, [p.line() for p in r.problems]
    got = [v for (v,) in query(db, "select formation_suivie from raw_personnel_permanent order by identifiant")]
    assert got == [True, False, True, False, True, False, True, False, True, None]


def test_empty_cells_trailing_empty_rows_and_unknown_column_is_a_warning(tmp_path, db):
    header = [*CONVENTIONS[0], "Commentaire"]
    rows = [[*r, "note"] for r in CONVENTIONS[1]] + [[""] * 7, [""] * 7]
    f = write_csv(tmp_path / "conv.csv", header, rows)
    [r] = load_files([f], db)
    assert r.status == LOADED
    assert [p.line() for p in r.warnings] == [
        "conv.csv, ligne 1, colonne « Commentaire » — colonne inconnue de ce modèle : elle sera ignorée"]
    assert query(db, "select count(*) from raw_conventions") == [(2,)]


def _workbook(path, sheets: dict[str, tuple[list[str], list[list]]], title_rows: int = 0, real_dates=True):
    wb = xlsxwriter.Workbook(path)
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws0 = wb.add_worksheet("Mode d'emploi")
    ws0.write(0, 0, "Remplissez une feuille par modèle.")
    for name, (header, rows) in sheets.items():
        ws = wb.add_worksheet(name)
        if title_rows:
            ws.write(0, 0, f"Retour annuel 2024 — {name}")
        for j, h in enumerate(header):
            ws.write(title_rows, j, h)
        for i, row in enumerate(rows, start=title_rows + 1):
            for j, v in enumerate(row):
                if isinstance(v, str) and real_dates and len(v) == 10 and v[2] == "/" and v[5] == "/":
                    d, m, y = map(int, v.split("/"))
                    ws.write_datetime(i, j, dt.datetime(y, m, d), date_fmt)
                elif isinstance(v, (int, float)):
                    ws.write_number(i, j, v)
                elif v not in (None, ""):
                    ws.write_string(i, j, str(v))
    wb.close()
    return path


def test_workbook_one_sheet_per_template_real_dates_title_rows(tmp_path, db):
    f = _workbook(tmp_path / f"{SIRET_A}.xlsx", {
        "structure": (_labels("structure", STRUCTURE[0]), STRUCTURE[1]),
        "salaries_insertion": (_labels("salaries_insertion", SALARIES[0]), SALARIES[1]),
        "personnel_permanent": PERSONNEL,
        "finances": FINANCES,
    }, title_rows=2)
    [r] = load_files([f], db)
    assert r.status == LOADED, [p.line() for p in r.problems]
    assert sorted(r.templates) == ["finances", "personnel_permanent", "salaries_insertion", "structure"]
    assert r.new == 4
    got = query(db, "select identifiant, date_entree, heures_travaillees from raw_salaries_insertion "
                    "order by identifiant")
    assert got == [("S001", dt.date(2023, 3, 15), 1040.5), ("S002", dt.date(2024, 2, 1), 400.0)]
    assert query(db, "select siret, annee from returns order by template") == [(SIRET_A, 2024)] * 4


def test_single_template_workbook_with_numbers_as_cells(tmp_path, db):
    rows = [[2024, int(SIRET_B), "Réunion Intérim Solidaire", "ETTI", 97416, 8.5]]
    f = _workbook(tmp_path / "registre.xlsx", {"Feuil1": (CONVENTIONS[0], rows)})
    [r] = load_files([f], db)
    assert r.status == LOADED, [p.line() for p in r.problems]
    assert query(db, "select siret, commune_insee, etp_conventionnes from raw_conventions") == [
        (SIRET_B, "97416", 8.5)]


def test_bad_cell_in_a_workbook_reports_the_excel_row(tmp_path, db):
    rows = [list(r) for r in SALARIES[1]]
    rows[1][9] = "60"  # weekly hours above 48
    f = _workbook(tmp_path / "s.xlsx", {"salaries_insertion": (SALARIES[0], rows)}, title_rows=3)
    [r] = load_files([f], db)
    assert r.status == REJECTED
    # Title on row 1, blank rows 2-3, headers on row 4: the second person is on Excel row 6.
    assert [p.line() for p in r.errors] == [
        "s.xlsx, feuille « salaries_insertion », ligne 6, colonne « heures_hebdo_contrat » : valeur « 60 » — "
        "doit être supérieur à 0 et au plus 48"]


def test_directory_of_mixed_files_loads_reference_first(tmp_path, db):
    folder = tmp_path / "retours"
    # A commune that only the communes file of the same batch knows.
    write_csv(folder / "b_communes_mayotte.csv", ["commune_insee", "nom", "bassin"],
              [["97611", "Mamoudzou", "centre"]])
    conv = [list(CONVENTIONS[1][0])]
    conv[0][4] = "97611"
    write_csv(folder / "a_conventions.csv", CONVENTIONS[0], conv, sep=",")
    _workbook(folder / "sous-dossier" / "finances.xlsx", {"finances": FINANCES}) if (
        folder / "sous-dossier").mkdir() is None else None
    (folder / "notes.txt").write_text("ignored")
    results = load_files([folder], db)
    assert [(r.name, r.status) for r in results] == [
        ("b_communes_mayotte.csv", LOADED), ("a_conventions.csv", LOADED), ("finances.xlsx", LOADED)]
    assert query(db, "select bassin from raw_communes where commune_insee = '97611'") == [("CENTRE",)]
