"""Issue #12, "the officer's everyday", load side: the replacement guard, reports a non-specialist
reads, identifiers a spreadsheet turned into numbers, and Les Avirons in the SUD basin.

Files look like the real ones: French headers as in the Excel template, `;`, Windows-1252,
decimal commas, workbooks with numeric cells.
"""

from __future__ import annotations

import csv
import io

import duckdb
import openpyxl
import pytest

from conftest import CONVENTIONS, SIRET_A, SIRET_B, luhn_siret, query, snapshot, write_csv
from contract import TEMPLATES
from loaders.__main__ import main
from loaders.load import HELD, LOADED, REJECTED, load_files
from loaders.report import Problem, group, line_ranges, to_csv
from loaders.replace import replacements
from warehouse import build
from warehouse.db import connect_read, current_file, list_versions

SALARIES_FR = [c.label for c in TEMPLATES["salaries_insertion"].columns]
PERSONNEL_FR = [c.label for c in TEMPLATES["personnel_permanent"].columns]


def salaries_rows(n: int, siret: str = SIRET_A, annee: int = 2024, first: int = 1) -> list[list]:
    """n integration contracts of one SIAE: everyone enters in 2023 or 2024, one in four leaves in 2024."""
    rows = []
    for i in range(first, first + n):
        entree = f"{1 + i % 28:02d}/{1 + i % 12:02d}/{2023 + i % 2}"
        sortie, motif = ("15/11/2024", "CDI") if i % 4 == 0 else ("", "")
        rows.append([annee, siret, f"AG{i:04d}", "F" if i % 2 else "M", 1970 + i % 30, "France Travail", "RSA", "",
                     "CDDI", "26", "1 040,5", "97411", "LOGEMENT", "", "Interne", "", entree, sortie, motif])
    return rows


def french_csv(path, header, rows):
    """A CSV as French Excel saves it: `;`, Windows-1252, no BOM."""
    return write_csv(path, header, rows, sep=";", encoding="cp1252")


@pytest.fixture
def stored(tmp_path):
    """A warehouse holding the register and SIAE A's 2024 integration return of 10 contracts."""
    db = tmp_path / "wh" / "iae.duckdb"
    files = [write_csv(tmp_path / "conventions.csv", *CONVENTIONS),
             french_csv(tmp_path / "salaries_A_2024.csv", SALARIES_FR, salaries_rows(10))]
    assert [r.status for r in load_files(files, db)] == [LOADED, LOADED]
    return db


def cli(capsys, *args) -> tuple[int, str]:
    code = main(["load", *map(str, args)])
    return code, capsys.readouterr().out


# ---------- 1. replacement guard ----------

def test_a_return_of_fewer_than_half_the_rows_is_held_back_by_the_command_line(stored, tmp_path, capsys):
    before = snapshot(stored)
    versions = len(list_versions(stored))
    partiel = french_csv(tmp_path / "salaries_A_2024_partiel.csv", SALARIES_FR, salaries_rows(4))
    code, out = cli(capsys, partiel, "--db", stored)
    assert code == 1
    assert out.splitlines() == [
        "✗ salaries_A_2024_partiel.csv : retenu, rien n'est enregistré (confirmation requise)",
        f"    salaries_A_2024_partiel.csv — ce fichier remplacerait le retour Salariés en insertion 2024, SIRET "
        f"{SIRET_A} de 10 lignes par 4 lignes, moins de la moitié : rien n'est enregistré. Si c'est voulu, "
        "relancez avec --confirmer.",
        "",
        "1 fichier(s) : 0 accepté(s), 0 refusé(s), 1 retenu(s) : relancez avec --confirmer pour remplacer quand même.",
    ]
    assert snapshot(stored) == before  # nothing stored from it
    assert query(stored, "select row_count from returns where template = 'salaries_insertion'") == [(10,)]
    assert query(stored, "select nb_salaries from indicateurs_siae where siret = $s and annee = 2024",
                 {"s": SIRET_A}) == [(10,)]
    # the history says it was held, and why; the return is not marked refused
    assert query(stored, "select file_name, status, message from load_log order by load_id desc limit 1") == [
        ("salaries_A_2024_partiel.csv", "held",
         f"retenu, rien n'est enregistré : remplacerait un retour de 10 lignes (Salariés en insertion 2024, SIRET "
         f"{SIRET_A}) par 4 lignes")]
    assert query(stored, "select count(*) from return_events where action = 'rejected'") == [(0,)]
    assert len(list_versions(stored)) == versions + 1  # a version that only records the attempt


def test_confirmed_the_return_is_replaced_and_the_report_and_history_say_so(stored, tmp_path, capsys):
    partiel = french_csv(tmp_path / "salaries_A_2024_partiel.csv", SALARIES_FR, salaries_rows(4))
    code, out = cli(capsys, partiel, "--db", stored, "--confirmer")
    assert code == 0
    assert out.splitlines()[:2] == [
        "✓ salaries_A_2024_partiel.csv : chargé (4 ligne(s) ; 0 nouveau(x) retour(s), 1 remplacé(s), 0 inchangé(s))",
        f"    ↻ remplace un retour de 10 lignes (Salariés en insertion 2024, SIRET {SIRET_A}) par 4 lignes",
    ]
    assert query(stored, "select row_count from returns where template = 'salaries_insertion'") == [(4,)]
    assert query(stored, "select count(*) from raw_salaries_insertion") == [(4,)]
    assert query(stored, "select status, message from load_log order by load_id desc limit 1") == [
        ("loaded", f"0 nouveau(x) retour(s), 1 remplacé(s), 0 inchangé(s) ; remplace un retour de 10 lignes "
                   f"(Salariés en insertion 2024, SIRET {SIRET_A}) par 4 lignes")]
    assert query(stored, "select action, previous_row_count from return_events order by load_id desc limit 1") == [
        ("replaced", 10)]


def test_a_replacement_by_half_or_more_loads_at_once_and_still_says_what_it_replaced(stored, tmp_path, capsys):
    moitie = french_csv(tmp_path / "salaries_A_2024_v2.csv", SALARIES_FR, salaries_rows(5))
    code, out = cli(capsys, moitie, "--db", stored)
    assert code == 0
    assert f"    ↻ remplace un retour de 10 lignes (Salariés en insertion 2024, SIRET {SIRET_A}) par 5 lignes" in out
    assert query(stored, "select row_count from returns where template = 'salaries_insertion'") == [(5,)]
    # loading the identical file again is no replacement at all
    code, out = cli(capsys, moitie, "--db", stored)
    assert code == 0 and "↻" not in out and "déjà chargé, inchangé" in out


def test_the_guard_spares_other_files_of_the_run_and_structure_level_templates(stored, tmp_path, capsys):
    partiel = french_csv(tmp_path / "a_salaries_partiel.csv", SALARIES_FR, salaries_rows(3))
    autre = french_csv(tmp_path / "b_salaries_B.csv", SALARIES_FR, salaries_rows(2, siret=SIRET_B))
    results = load_files([partiel, autre], stored)
    assert [r.status for r in results] == [HELD, LOADED]
    assert query(stored, "select siret, row_count from returns where template = 'salaries_insertion' order by 1"
                 ) == sorted([(SIRET_A, 10), (SIRET_B, 2)])
    # the register (a State template, one row per SIAE) is never guarded: a smaller one just replaces
    seul = write_csv(tmp_path / "conventions_A.csv", CONVENTIONS[0], [CONVENTIONS[1][0][:-1] + ["13"]])
    assert [r.status for r in load_files([seul], stored)] == [LOADED]


def test_the_staff_return_is_guarded_too(tmp_path, capsys):
    db = tmp_path / "wh" / "iae.duckdb"
    rows = [[2024, SIRET_A, f"P{i:02d}", "F", 1975, "CDI", "", "Direction", "35", "7", "01/01/2015", "", "", "oui"]
            for i in range(6)]
    assert load_files([french_csv(tmp_path / "personnel.csv", PERSONNEL_FR, rows)], db)[0].status == LOADED
    code, out = cli(capsys, french_csv(tmp_path / "personnel_2.csv", PERSONNEL_FR, rows[:2]), "--db", db)
    assert code == 1 and "retour Personnel permanent 2024" in out and "de 6 lignes par 2 lignes" in out


def test_replacements_say_what_would_change_before_anything_is_stored(stored, tmp_path):
    from loaders.load import check_file

    result, _ = check_file(french_csv(tmp_path / "partiel.csv", SALARIES_FR, salaries_rows(4)), {"97411", "97416"})
    con = connect_read(stored)
    try:
        [rep] = replacements(con, result.incoming, with_figures=True)
        mart = con.sql("select nb_salaries, nb_entrees, nb_sorties from indicateurs_siae "
                       "where siret = $s and annee = 2024", params={"s": SIRET_A}).fetchall()
    finally:
        con.close()
    assert (rep.template, rep.siret, rep.annee, rep.old_rows, rep.new_rows) == (
        "salaries_insertion", SIRET_A, 2024, 10, 4)
    assert rep.needs_confirmation
    # before: what the indicator views show today; after: the same definitions on the new rows
    assert tuple(rep.before.values()) == mart[0] == (10, 5, 2)
    assert rep.after == {"nb_salaries": 4, "nb_entrees": 2, "nb_sorties": 1}


# ---------- 2. reports a non-specialist reads ----------

def test_line_ranges():
    assert line_ranges([10, 2, 3, 4, 5, 8, 11, 12]) == "2 à 5, 8, 10 à 12"
    assert line_ranges([7]) == "7"


def test_repeated_problems_are_one_line_in_the_command_line_and_the_csv(tmp_path, capsys):
    bad = luhn_siret("7328293200007")[:-1] + str((int(SIRET_A[-1]) + 1) % 10)
    rows = salaries_rows(40, siret=bad)
    rows[5][16] = "31/02/2024"  # row 7
    f = french_csv(tmp_path / "salaries_FAUX.csv", SALARIES_FR, rows)
    code = main(["check", str(f), "--db", str(tmp_path / "none.duckdb"), "--rapport", str(tmp_path / "r.csv")])
    out = capsys.readouterr().out
    assert code == 1
    assert out.splitlines()[:3] == [
        "✗ salaries_FAUX.csv : refusé (41 problème(s))",
        f"    salaries_FAUX.csv, lignes 2 à 41, colonne « SIRET » : valeur « {bad} » — SIRET invalide : ce numéro "
        "SIRET n'existe pas, un chiffre est probablement mal saisi",
        "    salaries_FAUX.csv, ligne 7, colonne « Date d'entrée » : valeur « 31/02/2024 » — cette date n'existe "
        "pas : vérifiez le jour et le mois",
    ]
    lines = list(csv.reader(io.StringIO((tmp_path / "r.csv").read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Fichier", "Feuille", "Ligne", "Colonne", "Valeur", "Règle", "Niveau"]
    assert lines[1][:5] == ["salaries_FAUX.csv", "", "2 à 41", "SIRET", bad]
    assert len(lines) == 3


def test_grouping_quotes_differing_values_and_is_idempotent():
    ps = [Problem("f.csv", None, n, "SIRET", v, "SIRET invalide : un numéro SIRET compte 14 chiffres")
          for n, v in [(2, "1"), (3, "2"), (5, "3"), (6, "4"), (9, "4")]]
    ps.insert(2, Problem("f.csv", None, 4, "Sexe", "X", "code inconnu ; codes admis : F (Femme), M (Homme)"))
    grouped = group(ps)
    assert [(p.ligne, p.colonne, p.valeur) for p in grouped] == [
        ("2 à 3, 5 à 6, 9", "SIRET", "1, 2, 3, …"), (4, "Sexe", "X")]
    assert group(grouped) == grouped
    assert b"2 \xc3\xa0 3, 5 \xc3\xa0 6, 9" in to_csv(ps)


# ---------- 3. identifiers a spreadsheet turned into numbers ----------

def test_siret_and_insee_without_their_leading_zero_load(tmp_path):
    db = tmp_path / "wh" / "iae.duckdb"
    siret0 = luhn_siret("0123456780001")
    assert siret0.startswith("0")
    communes = french_csv(tmp_path / "communes_ain.csv", ["Commune INSEE", "Nom", "Bassin"],
                          [["1004", "Ambérieu-en-Bugey", "AIN"], ["01053", "Bourg-en-Bresse", "AIN"]])
    conventions = french_csv(tmp_path / "conventions.csv", CONVENTIONS[0], [
        [2024, siret0[1:], "Ressourcerie du Bugey", "ACI", "1004", "4,5"],                # typed as numbers
        [2024, f"{int(SIRET_B)}.0", "Intérim Bresse", "ETTI", "1.053E+03", "2"],           # Excel floats
        [2024, f"{SIRET_A[0]},{SIRET_A[1:]}E+13", "Chantier Saint-Denis", "ACI", "97411.0", "1"],
    ])
    results = load_files([communes, conventions], db)
    assert [r.status for r in results] == [LOADED, LOADED], [p.line() for r in results for p in r.problems]
    assert sorted(query(db, "select siret, commune_insee from raw_conventions")) == sorted([
        (siret0, "01004"), (SIRET_B, "01053"), (SIRET_A, "97411")])
    assert sorted(query(db, "select commune_insee from raw_communes where bassin = 'AIN'")) == [("01004",), ("01053",)]


def test_a_workbook_with_numeric_cells_loads(tmp_path):
    db = tmp_path / "wh" / "iae.duckdb"
    siret0 = luhn_siret("0123456780001")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "conventions"
    ws.append([c.label for c in TEMPLATES["conventions"].columns])
    ws.append([2024, int(siret0), "Ressourcerie", "ACI", 97411, 4.5])
    wb.save(tmp_path / "registre.xlsx")
    [r] = load_files([tmp_path / "registre.xlsx"], db)
    assert r.status == LOADED, [p.line() for p in r.problems]
    assert query(db, "select siret, commune_insee from raw_conventions") == [(siret0, "97411")]


def test_a_number_that_is_no_siret_even_padded_is_still_refused(tmp_path):
    db = tmp_path / "wh" / "iae.duckdb"
    bad = str(int(luhn_siret("0123456780001")) + 1)  # 13 digits, padded: wrong check digit
    f = french_csv(tmp_path / "conventions.csv", CONVENTIONS[0], [[2024, bad, "X", "ACI", "97411", "1"]])
    [r] = load_files([f], db)
    assert r.status == REJECTED
    assert [p.line() for p in r.errors] == [
        f"conventions.csv, ligne 2, colonne « siret » : valeur « {bad} » — SIRET invalide : un numéro SIRET compte "
        "14 chiffres"]


# ---------- 4. Les Avirons in SUD ----------

AVIRONS = luhn_siret("8123456700001")


def _as_schema_1(db) -> None:
    """Turn a warehouse into one built before schema 2: Les Avirons in OUEST, no previous_row_count."""
    path = current_file(db)
    con = duckdb.connect(str(path))
    try:
        con.execute("update raw_communes set bassin = 'OUEST' where commune_insee = '97401'")
        build.refresh(con)  # the marts as a schema-1 warehouse holds them: Les Avirons in OUEST
        con.execute("drop view stg_return_events")
        con.execute("alter table return_events drop column previous_row_count")
        old_view = (build.SQL_DIR / "staging" / "stg_return_events.sql").read_text().replace(
            "events.previous_row_count,", "")
        con.execute(f"create view stg_return_events as {old_view}")
        con.execute("update meta set value = '1' where key = 'schema_version'")
        con.execute("update meta set value = 'old' where key = 'fingerprint'")
    finally:
        con.close()


def test_les_avirons_is_in_sud_and_old_warehouses_move_it_at_the_next_load(tmp_path, capsys):
    from contract import COMMUNES_REUNION

    assert ("97401", "Les Avirons", "SUD") in COMMUNES_REUNION
    db = tmp_path / "wh" / "iae.duckdb"
    registre = write_csv(tmp_path / "conventions.csv", CONVENTIONS[0],
                         [*CONVENTIONS[1], [2024, AVIRONS, "Jardins des Avirons", "ACI", "97401", "6"]])
    assert load_files([registre], db)[0].status == LOADED
    _as_schema_1(db)
    assert query(db, "select bassin from indicateurs_siae where siret = $s", {"s": AVIRONS}) == [("OUEST",)]
    # the history still reads a warehouse not yet upgraded (the app does not upgrade it)
    from warehouse import queries_retours
    from warehouse.scope import Filters, Scope

    con = connect_read(db)
    try:
        effets = queries_retours.evenements(con, Filters(), Scope(), load_id=1)
    finally:
        con.close()
    assert effets.height == 3 and effets["previous_row_count"].to_list() == [None] * 3

    code, _ = cli(capsys, french_csv(tmp_path / "salaries.csv", SALARIES_FR, salaries_rows(3)), "--db", db)
    assert code == 0
    assert query(db, "select bassin from indicateurs_siae where siret = $s", {"s": AVIRONS}) == [("SUD",)]
    assert query(db, "select bassin from raw_communes where commune_insee = '97401'") == [("SUD",)]
    assert query(db, "select file_name, user_name, status, message from load_log where status = 'migration'") == [
        ("référentiel des communes (mise à jour)", "mise à jour", "migration",
         "Les Avirons (97401) passe du bassin OUEST au bassin SUD (erreur du référentiel livré) : 1 SIAE de cette "
         "commune comptée(s) désormais dans le bassin Sud")]
    assert query(db, "select value from meta where key = 'schema_version'") == [("2",)]
    # the migration ran once: a department that puts Les Avirons back in OUEST is obeyed
    communes = french_csv(tmp_path / "communes.csv", ["Commune INSEE", "Nom", "Bassin"], [["97401", "Les Avirons", "OUEST"]])
    assert load_files([communes], db)[0].status == LOADED
    con = duckdb.connect(str(current_file(db)))
    try:
        con.execute("update meta set value = 'old' where key = 'fingerprint'")
    finally:
        con.close()
    assert load_files([french_csv(tmp_path / "s2.csv", SALARIES_FR, salaries_rows(3, siret=SIRET_B))], db)[0].status \
        == LOADED
    assert query(db, "select bassin from raw_communes where commune_insee = '97401'") == [("OUEST",)]
    assert query(db, "select count(*) from load_log where status = 'migration'") == [(1,)]


def test_a_refused_file_marks_the_return_of_the_siret_it_meant(tmp_path):
    db = tmp_path / "wh" / "iae.duckdb"
    siret0 = luhn_siret("0123456780001")
    rows = salaries_rows(2, siret=siret0[1:])
    rows[0][3] = "X"  # an unknown sex code: the file is refused
    [r] = load_files([french_csv(tmp_path / "salaries.csv", SALARIES_FR, rows)], db)
    assert r.status == REJECTED
    assert query(db, "select siret, annee, action from return_events") == [(siret0, 2024, "rejected")]
