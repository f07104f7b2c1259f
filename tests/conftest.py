"""Shared test helpers: the fixture warehouse, valid rows for each template, file writers,
warehouse access."""

from __future__ import annotations

import atexit
import functools
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIXTURE_DIR = ROOT / "tests" / "fixtures" / "indicateurs"


@functools.cache
def _fixture_built() -> Path:
    from loaders.load import load_files

    folder = Path(tempfile.mkdtemp(prefix="iae_fixture_"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    link = folder / "iae.duckdb"
    results = load_files(sorted(FIXTURE_DIR.glob("*.csv")), link, user="tests")
    refused = {r.name: [(p.ligne, p.colonne, p.valeur, p.regle) for p in r.errors]
               for r in results if r.status != "loaded"}
    assert not refused, refused
    return link


def fixture_warehouse(copy_to: Path | None = None) -> Path:
    """The one fixture warehouse of the tests: the hand-computed fixture (tests/fixtures/
    indicateurs, values worked out in tests/test_indicateurs.py) loaded once per test run
    with the real loader. Its link; with `copy_to`, the link of a private copy made there
    (link, versions and audit log), for a test that loads, restores or plants a fault."""
    link = _fixture_built()
    if copy_to is None:
        return link
    target = Path(copy_to) / "wh"
    # Not the copy made ahead: its copier may be renaming it while copytree lists the folder.
    shutil.copytree(link.parent, target, symlinks=True, ignore=shutil.ignore_patterns("*.prochaine*"))
    return target / link.name


def luhn_siret(prefix13: str) -> str:
    """Complete 13 digits into a SIRET that passes the Luhn check."""
    for d in "0123456789":
        s = prefix13 + d
        total = sum((int(c) * 2 - 9 if int(c) * 2 > 9 else int(c) * 2) if i % 2 else int(c)
                    for i, c in enumerate(reversed(s)))
        if total % 10 == 0:
            return s
    raise AssertionError


SIRET_A = luhn_siret("7328293200007")
SIRET_B = luhn_siret("4421187650001")


@pytest.fixture
def db(tmp_path) -> Path:
    """Path of a fresh warehouse link (not yet created)."""
    return tmp_path / "wh" / "iae.duckdb"


def write_csv(path: Path, header: list[str], rows: list[list], sep: str = ";", encoding: str = "utf-8",
              bom: bool = False) -> Path:
    text = "\n".join(sep.join("" if v is None else str(v) for v in r) for r in [header, *rows]) + "\n"
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def query(db: Path, sql: str, params: dict | None = None) -> list[tuple]:
    from warehouse.db import connect_read

    con = connect_read(db)
    try:
        return con.sql(sql, params=params).fetchall()
    finally:
        con.close()


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every data table's rows: to prove a rejected load changed nothing."""
    from contract import TEMPLATES
    from warehouse.db import connect_read

    con = connect_read(db)
    try:
        tables = {t: f"select * exclude (_load_id) from raw_{t}" for t in TEMPLATES} | {"returns": "select * from returns"}
        return {name: sorted(con.sql(q).fetchall(), key=repr) for name, q in tables.items()}
    finally:
        con.close()


# Valid rows, header as snake_case names: tests change one cell to break one rule.
CONVENTIONS = (["annee", "siret", "raison_sociale", "type_siae", "commune_insee", "etp_conventionnes"],
               [[2024, SIRET_A, "Chantier Bois de Nèfles", "ACI", "97411", "12,5"],
                [2024, SIRET_B, "Réunion Intérim Solidaire", "ETTI", "97416", "8"]])

SALARIES_HEADER = ["annee", "siret", "identifiant", "sexe", "annee_naissance", "orientation", "statut_entree",
                   "date_agrement", "type_contrat", "heures_hebdo_contrat", "heures_travaillees", "commune_travail",
                   "difficultes", "actions", "accompagnement_social", "partenaires", "date_entree", "date_sortie",
                   "motif_sortie"]
SALARIES = (SALARIES_HEADER, [
    [2024, SIRET_A, "S001", "F", 1980, "FRANCE_TRAVAIL", "RSA", "", "CDDI", "26", "1 040,5", "97411",
     "LOGEMENT,MOBILITE", "FORMATION", "INTERNE", "", "15/03/2023", "", ""],
    [2024, SIRET_A, "S002", "M", 2003, "MISSION_LOCALE", "JEUNE_SANS_QUALIFICATION", "", "CDDI", "20", "400", "",
     "", "", "", "", "01/02/2024", "30/06/2024", "CDI"],
])

PERSONNEL_HEADER = ["annee", "siret", "identifiant", "sexe", "annee_naissance", "statut", "benevole_indemnise",
                    "fonction", "heures_hebdo", "niveau_diplome", "date_entree", "date_sortie", "motif_sortie",
                    "formation_suivie"]
PERSONNEL = (PERSONNEL_HEADER, [
    [2024, SIRET_A, "P01", "F", 1975, "CDI", "", "DIRECTION", "35", "7", "01/01/2015", "", "", "oui"],
    [2024, SIRET_A, "P02", "M", 1960, "BENEVOLE", "non", "AUTRE", "4", "", "01/01/2020", "", "", ""],
])

STRUCTURE_HEADER = ["annee", "siret", "statut_juridique", "code_ape", "activite_principale", "commune_insee",
                    "part_ca_particuliers", "part_ca_entreprises", "part_ca_associations", "part_ca_collectivites",
                    "formation_salaries"]
STRUCTURE = (STRUCTURE_HEADER, [
    [2024, SIRET_A, "ASSOCIATION", "8899B", "Espaces verts", "97411", "20", "30", "10", "40", "O"],
])

FINANCES_HEADER = ["annee", "siret", "chiffre_affaires", "aides_etat", "aides_departement", "aides_region",
                   "aides_communes", "fse", "autres_aides_publiques", "fonds_propres", "resultat_net", "total_charges"]
FINANCES = (FINANCES_HEADER, [
    [2024, SIRET_A, "120 000,00", "250 000", "30 000", "", "", "15 000", "", "-5 000", "-1 200,50", "410 000"],
])
