"""Each rule of docs/CONTRACT.md section 2, broken by one file: the exact French report line, nothing
stored from that file, and the good file of the same run loaded."""

from __future__ import annotations

import shutil

import pytest

from conftest import (
    CONVENTIONS,
    FINANCES,
    PERSONNEL,
    SALARIES,
    SIRET_A,
    SIRET_B,
    STRUCTURE,
    snapshot,
    write_csv,
)
from loaders.load import LOADED, REJECTED, load_files

BASE = {"conventions": CONVENTIONS, "salaries_insertion": SALARIES, "personnel_permanent": PERSONNEL,
        "structure": STRUCTURE, "finances": FINANCES}

# (id, template, row index, column, bad value, expected report line for the file "bad.csv")
CASES = [
    ("int", "salaries_insertion", 0, "annee_naissance", "19x0",
     "ligne 2, colonne « annee_naissance » : valeur « 19x0 » — nombre entier attendu"),
    ("decimal", "finances", 0, "chiffre_affaires", "12k€",
     "ligne 2, colonne « chiffre_affaires » : valeur « 12k€ » — nombre attendu (par exemple 1 250,50)"),
    ("date", "salaries_insertion", 1, "date_entree", "31/02/2024",
     "ligne 3, colonne « date_entree » : valeur « 31/02/2024 » — cette date n'existe pas : vérifiez le jour et le mois"),
    ("date in no accepted format", "salaries_insertion", 1, "date_entree", "2024/02/01",
     "ligne 3, colonne « date_entree » : valeur « 2024/02/01 » — date attendue au format JJ/MM/AAAA ou AAAA-MM-JJ"),
    ("bool", "structure", 0, "formation_salaries", "peut-être",
     "ligne 2, colonne « formation_salaries » : valeur « peut-être » — oui ou non attendu (O/N, oui/non, 1/0, x ou "
     "vide)"),
    ("required value", "salaries_insertion", 1, "sexe", "",
     "ligne 3, colonne « sexe » — valeur obligatoire manquante"),
    ("code", "salaries_insertion", 0, "sexe", "X",
     "ligne 2, colonne « sexe » : valeur « X » — code inconnu ; codes admis : F (Femme), M (Homme)"),
    ("code with labels", "salaries_insertion", 0, "type_contrat", "CUI",
     "ligne 2, colonne « type_contrat » : valeur « CUI » — code inconnu ; codes admis : CDDI (CDD d'insertion), "
     "CONTRAT_AIDE (Contrat aidé), MISSION_INTERIM (Mission d'intérim), MISE_A_DISPOSITION (Mise à disposition), "
     "AUTRE"),
    ("code list", "salaries_insertion", 0, "difficultes", "LOGEMENT+CHOMAGE",
     "ligne 2, colonne « difficultes » : valeur « LOGEMENT+CHOMAGE » — code(s) inconnu(s) : CHOMAGE ; codes admis : "
     "LOGEMENT, SANTE (Santé), MOBILITE (Mobilité), SAVOIRS_DE_BASE (Savoirs de base), FINANCES, JUSTICE, FAMILLE, "
     "ADDICTION, LANGUE, AUTRE"),
    ("annee range", "conventions", 1, "annee", "1999",
     "ligne 3, colonne « annee » : valeur « 1999 » — doit être compris entre 2000 et 2100"),
    ("weekly hours > 0", "salaries_insertion", 0, "heures_hebdo_contrat", "0",
     "ligne 2, colonne « heures_hebdo_contrat » : valeur « 0 » — doit être supérieur à 0 et au plus 48"),
    ("hours worked <= 2300", "salaries_insertion", 0, "heures_travaillees", "2 400",
     "ligne 2, colonne « heures_travaillees » : valeur « 2 400 » — doit être compris entre 0 et 2300"),
    ("negative amount", "finances", 0, "aides_etat", "-10",
     "ligne 2, colonne « aides_etat » : valeur « -10 » — doit être supérieur ou égal à 0"),
    ("etp >= 0", "conventions", 0, "etp_conventionnes", "-1,5",
     "ligne 2, colonne « etp_conventionnes » : valeur « -1,5 » — doit être supérieur ou égal à 0"),
    ("diploma level", "personnel_permanent", 0, "niveau_diplome", "9",
     "ligne 2, colonne « niveau_diplome » : valeur « 9 » — doit être compris entre 1 et 8"),
    ("siret checksum", "conventions", 0, "siret", SIRET_A[:-1] + str((int(SIRET_A[-1]) + 1) % 10),
     f"ligne 2, colonne « siret » : valeur « {SIRET_A[:-1] + str((int(SIRET_A[-1]) + 1) % 10)} » — SIRET invalide : "
     "ce numéro SIRET n'existe pas, un chiffre est probablement mal saisi"),
    ("siret length", "finances", 0, "siret", "1234567890",
     "ligne 2, colonne « siret » : valeur « 1234567890 » — SIRET invalide : un numéro SIRET compte 14 "
     "chiffres"),
    ("commune unknown", "conventions", 0, "commune_insee", "97499",
     "ligne 2, colonne « commune_insee » : valeur « 97499 » — commune inconnue du référentiel des communes (code "
     "INSEE à 5 caractères)"),
    ("code APE", "structure", 0, "code_ape", "889B",
     "ligne 2, colonne « code_ape » : valeur « 889B » — format attendu : 4 chiffres suivis d'une lettre (ex. 8899B)"),
    ("age at entry", "salaries_insertion", 1, "annee_naissance", "2012",
     "ligne 3, colonne « annee_naissance » : valeur « 2012 » — l'âge à l'entrée doit être compris entre 16 et 70 "
     "ans ; ici 12 ans"),
    ("entry after the year", "salaries_insertion", 0, "date_entree", "05/01/2025",
     "ligne 2, colonne « date_entree » : valeur « 05/01/2025 » — la date d'entrée doit être au plus tard le "
     "31/12/2024"),
    ("exit before entry", "salaries_insertion", 1, "date_sortie", "15/01/2024",
     "ligne 3, colonne « date_sortie » : valeur « 15/01/2024 » — la date de sortie doit être postérieure ou égale "
     "à la date d'entrée (01/02/2024)"),
    ("exit before the year", "personnel_permanent", 0, "date_sortie", "31/12/2023",
     "ligne 2, colonne « date_sortie » : valeur « 31/12/2023 » — sortie avant le 01/01/2024 : la personne n'était "
     "pas présente pendant l'année du retour"),
    ("motif without exit", "salaries_insertion", 0, "motif_sortie", "CDI",
     "ligne 2, colonne « motif_sortie » : valeur « CDI » — motif de sortie indiqué sans date de sortie"),
    ("exit without motif", "salaries_insertion", 1, "motif_sortie", "",
     "ligne 3, colonne « motif_sortie » — motif de sortie obligatoire quand une date de sortie est indiquée"),
    ("duplicate key", "salaries_insertion", 1, "identifiant", "S001",
     None),  # set below: the second row then repeats the first one's key only if date_entree matches too
    ("shares sum to 100", "structure", 0, "part_ca_collectivites", "30",
     "ligne 2, colonne « part_ca_particuliers » : valeur « 20 » — les quatre parts du chiffre d'affaires doivent "
     "totaliser 100 % (à 1 près) ; total : 90.0"),
    ("share range", "structure", 0, "part_ca_particuliers", "120",
     "ligne 2, colonne « part_ca_particuliers » : valeur « 120 » — doit être compris entre 0 et 100"),
    ("social security number as identifier", "salaries_insertion", 0, "identifiant", "2 84 05 97 411 123 45",
     "ligne 2, colonne « identifiant » : valeur « 2 84 05 97 411 123 45 » — l'identifiant ressemble à un numéro "
     "de sécurité sociale (NIR) : indiquez le numéro d'agrément ou un code interne, jamais un identifiant qui "
     "désigne la personne"),
    ("NIR in the staff return", "personnel_permanent", 0, "identifiant", "1840597411123",
     "ligne 2, colonne « identifiant » : valeur « 1840597411123 » — l'identifiant ressemble à un numéro "
     "de sécurité sociale (NIR) : indiquez le numéro d'agrément ou un code interne, jamais un identifiant qui "
     "désigne la personne"),
    ("volunteer allowance", "personnel_permanent", 0, "benevole_indemnise", "oui",
     "ligne 2, colonne « benevole_indemnise » : valeur « oui » — « bénévole indemnisé » ne concerne que les "
     "bénévoles ; statut ici : CDI"),
]


def _good_file(tmp_path):
    """A finances return of another SIAE, valid: it must load in the same run."""
    row = list(FINANCES[1][0])
    row[1] = SIRET_B
    return write_csv(tmp_path / "good.csv", FINANCES[0], [row])


@pytest.fixture(scope="module")
def _loaded_once(tmp_path_factory):
    folder = tmp_path_factory.mktemp("base")
    db = folder / "wh" / "iae.duckdb"
    files = [write_csv(folder / f"{t}.csv", *BASE[t]) for t in BASE]
    assert all(r.status == LOADED for r in load_files(files, db))
    return db


@pytest.fixture
def loaded(_loaded_once, tmp_path):
    """A warehouse holding valid returns, so that "nothing changed" is a real check (a copy per test)."""
    shutil.copytree(_loaded_once.parent, tmp_path / "wh", symlinks=True, ignore=shutil.ignore_patterns("*.prochaine*"))
    return tmp_path / "wh" / _loaded_once.name


def _rows_after(before, after):
    """After minus the good file's own additions must equal before."""
    after = dict(after)
    after["raw_finances_new"] = [r for r in after["finances"] if r[1] == SIRET_B]
    after["finances"] = [r for r in after["finances"] if r[1] != SIRET_B]
    after["returns"] = [r for r in after["returns"] if r[1] != SIRET_B or r[0] != "finances"]
    return after


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_rule_broken_gives_exact_line_and_changes_nothing(case, tmp_path, loaded):
    _, template, row, column, value, expected = case
    header, rows = BASE[template]
    rows = [list(r) for r in rows]
    if case[0] == "duplicate key":
        rows[1][header.index("date_entree")] = rows[0][header.index("date_entree")]
        rows[1][header.index("date_sortie")] = ""
        rows[1][header.index("motif_sortie")] = ""
        expected = ("ligne 3, colonne « date_entree » : valeur « 15/03/2023 » — doublon : la même clé (annee, siret, "
                    "identifiant, date_entree) figure déjà à la ligne 2")
    rows[row][header.index(column)] = value
    bad = write_csv(tmp_path / "bad.csv", header, rows)
    before = snapshot(loaded)

    results = load_files([bad, _good_file(tmp_path)], loaded)

    assert [r.status for r in results] == [REJECTED, LOADED]
    assert [p.line() for p in results[0].errors] == [f"bad.csv, {expected}"]
    after = _rows_after(before, snapshot(loaded))
    assert len(after.pop("raw_finances_new")) == 1
    assert after == before


def test_missing_required_column_is_reported_on_the_header_row(tmp_path, db):
    header, rows = SALARIES
    keep = [i for i, h in enumerate(header) if h != "statut_entree"]
    f = write_csv(tmp_path / "s.csv", [header[i] for i in keep], [[r[i] for i in keep] for r in rows])
    [r] = load_files([f], db)
    assert [p.line() for p in r.errors] == [
        "s.csv, ligne 1, colonne « Statut à l'entrée » — colonne obligatoire absente (« Statut à l'entrée »)"]


def test_every_problem_of_a_file_is_reported_at_once(tmp_path, db):
    header, rows = SALARIES
    rows = [list(r) for _ in range(3) for r in rows]
    for i, r in enumerate(rows):
        r[2] = f"S{i}"
        r[3] = "Z"
    rows[4][9] = "abc"
    f = write_csv(tmp_path / "s.csv", header, rows)
    [r] = load_files([f], db)
    lines = [(p.ligne, p.colonne) for p in r.errors]
    assert lines == [(2, "sexe"), (3, "sexe"), (4, "sexe"), (5, "sexe"), (6, "sexe"), (6, "heures_hebdo_contrat"),
                     (7, "sexe")]


BROKEN_FILES = [
    ("empty.csv", b"", "empty.csv — le fichier est vide."),
    ("blank.csv", b"\n\n  \n", "blank.csv — le fichier est vide."),
    ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.csv — ce fichier n'est pas un fichier texte CSV "
                                                          "(contenu binaire)."),
    ("fake.xlsx", b"annee;siret\n2024;1\n", "fake.xlsx — ce fichier porte l'extension .xlsx mais n'est pas un "
                                              "classeur Excel."),
    ("macro.xlsm", b"PK\x03\x04", "macro.xlsm — les classeurs avec macros (.xlsm) sont refusés : enregistrez-le en "
                                  ".xlsx."),
    ("rapport.pdf", b"%PDF-1.4", "rapport.pdf — format non accepté : seuls les fichiers .csv et .xlsx sont lus."),
    ("random.csv", "nom;prénom\nDupont;Jean\n".encode(), "random.csv — aucun modèle de retour reconnu : les en-têtes "
     "de colonnes ne correspondent à aucun modèle (conventions, structure, salaries_insertion, personnel_permanent, "
     "finances, communes, demande_territoire, objectifs)."),
    ("header_only.csv", b"annee;siret;raison_sociale;type_siae;commune_insee;etp_conventionnes\n",
     "header_only.csv — aucune ligne de données"),
]


@pytest.mark.parametrize("name,data,expected", BROKEN_FILES, ids=[b[0] for b in BROKEN_FILES])
def test_unreadable_files_get_a_sentence_not_a_traceback(name, data, expected, tmp_path, loaded):
    f = tmp_path / name
    f.write_bytes(data)
    before = snapshot(loaded)
    [r] = load_files([f], loaded)
    assert r.status == REJECTED
    assert [p.line() for p in r.errors] == [expected]
    assert snapshot(loaded) == before


def test_truncated_workbook_is_refused(tmp_path, loaded):
    import xlsxwriter

    full = tmp_path / "full.xlsx"
    wb = xlsxwriter.Workbook(full)
    ws = wb.add_worksheet("conventions")
    for j, h in enumerate(CONVENTIONS[0]):
        ws.write(0, j, h)
    wb.close()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    [r] = load_files([cut], loaded)
    assert [p.line() for p in r.errors] == [
        "cut.xlsx — classeur Excel illisible ou endommagé (enregistrez-le à nouveau en .xlsx)."]


def test_workbook_that_unzips_to_a_huge_size_is_refused_unread(tmp_path, loaded, monkeypatch):
    import zipfile

    from loaders import read

    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (3 * 2**20))  # 3 MB of zeros: a few kB zipped
    monkeypatch.setattr(read, "MAX_XLSX_UNCOMPRESSED", 2**20)
    [r] = load_files([bomb], loaded)
    assert [p.line() for p in r.errors] == [
        "bomb.xlsx — classeur refusé : son contenu décompressé (3 Mo) dépasse 1 Mo."]
    assert bomb.stat().st_size < 100_000
