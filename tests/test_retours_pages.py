"""The returns pages under AppTest: quality, import (good, bad and mixed uploads), load
history and restore, templates (and their round trip through the import page).

Each test that loads works on its own copy of the hand-computed fixture warehouse
(tests/test_indicateurs.py): SIAE A (ACI, Nord), B (EI, Sud), C (AI, Sud), D (ACI, Ouest,
2024 only, no return) and E (ETTI, Nord). In 2024, C has not sent its salaries_insertion
return and D has sent nothing: 15 returns of 20 received, 3 SIAE of 5 complete.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from browser_helpers import ROOT, iae_db
from conftest import fixture_warehouse
from conftest import FINANCES_HEADER, SALARIES_HEADER, query
from streamlit.testing.v1 import AppTest

from contract import TEMPLATES
from ui import classeurs, importation, rapports
from ui.format import NNBSP
from warehouse import audit, queries_retours
from warehouse.db import connect_read, current_file, list_versions
from warehouse.scope import Filters, Scope

A, B, C, D, E = "11111111000016", "22222222000014", "33333333000012", "44444444000010", "55555555000014"
CSV = "text/csv"


# ---------- files and app ----------

def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    return "\n".join(";".join("" if v is None else str(v) for v in r) for r in [header, *rows]).encode() + b"\n"


def salaries_c() -> bytes:
    """A good return: C's integration employees of 2024 (one person, present all year)."""
    return csv_bytes(SALARIES_HEADER, [[2024, C, "C09", "F", 1985, "FRANCE_TRAVAIL", "RSA", "", "CDDI", "26", "800",
                                        "97422", "", "", "", "", "01/03/2024", "", ""]])


def finances_d_faux() -> bytes:
    """A bad return: D's accounts, with a word for an amount and a negative State aid."""
    return csv_bytes(FINANCES_HEADER, [[2024, D, "beaucoup", "-5", "", "", "", "", "", "", "", ""]])


def copie(tmp_path: Path) -> Path:
    """A private copy of the fixture warehouse (link, versions, audit log)."""
    return fixture_warehouse(tmp_path)


@pytest.fixture
def entrepot(tmp_path):
    with iae_db(copie(tmp_path)) as link:
        yield link


@pytest.fixture(scope="module")
def fixe():
    """The shared fixture warehouse, for tests that only read."""
    with iae_db(fixture_warehouse()) as link:
        yield link


def run(page: str | None = None, at: AppTest | None = None) -> AppTest:
    if at is None:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def deposer(at: AppTest, *fichiers: tuple[str, bytes]) -> AppTest:
    at.file_uploader[0].set_value([(name, content, CSV) for name, content in fichiers]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def charger(at: AppTest) -> AppTest:
    at.button(key="charger").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def textes(at: AppTest) -> str:
    """Every text of the page, Markdown escapes removed (file names are shown literally)."""
    return "\n".join(str(e.value) for e in [*at.markdown, *at.caption, *at.info, *at.success, *at.warning,
                                            *at.error]).replace("\\", "")


def onglet(at: AppTest, debut: str) -> AppTest:
    """Open the tab whose label starts with `debut`, as a click does (only the open tab of
    Qualité des données is computed and sent: ui.page.onglets)."""
    [label] = [t.label for t in at.tabs if t.label.startswith(debut)]
    at.session_state["onglet_qualite"] = label  # the tabs' key in pages/qualite.py
    return run(None, at.run())


def grille(at: AppTest, colonne: str) -> pl.DataFrame:
    """The grid showing `colonne` (in Qualité des données, only the open tab's)."""
    for d in at.dataframe:
        if colonne in d.value.columns:
            return pl.from_pandas(d.value)
    raise AssertionError(f"aucune grille avec la colonne {colonne}")


def nb_salaries(link: Path, annee: int = 2024) -> int:
    return query(link, "select nb_salaries from indicateurs_territoire where annee = $a and bassin = 'TOUS' "
                       "and type_siae = 'TOUS'", {"a": annee})[0][0]


# ---------- Qualité des données ----------

def test_quality_page_matrix_counts_and_chase_list(fixe):
    at = run("pages/qualite.py")
    assert metrics(at) == {"Taux de retour": f"60,0{NNBSP}%", "Retours reçus sur 20": "15", "Retours manquants": "5",
                           "Retours refusés": "0", "SIAE à relancer": "2"}
    matrice = grille(at, "personnel_permanent")
    assert matrice.columns == ["raison_sociale", "structure", "salaries_insertion", "personnel_permanent", "finances",
                               "nb_recus", "type_siae", "bassin"]
    rows = {r["raison_sociale"]: r for r in matrice.iter_rows(named=True)}
    assert rows["Recyclerie de l'Ouest"] == {
        "raison_sociale": "Recyclerie de l'Ouest", "structure": "❌ manquant", "salaries_insertion": "❌ manquant",
        "personnel_permanent": "❌ manquant", "finances": "❌ manquant", "nb_recus": 0, "type_siae": "ACI",
        "bassin": "Ouest"}
    assert rows["Services Tampon"]["salaries_insertion"] == "❌ manquant"
    assert rows["Services Tampon"]["finances"] == "✅ reçu"
    assert matrice["raison_sociale"][0] == "Recyclerie de l'Ouest"  # who sent least comes first
    assert not any(colonne in d.value.columns for d in at.dataframe for colonne in ("retours_manquants", "taux_retour"))

    relance = grille(onglet(at, "À relancer"), "retours_manquants")
    assert relance.select("raison_sociale", "retours_manquants", "nb_recus").rows() == [
        ("Recyclerie de l'Ouest", "Fiche structure, Salariés, Personnel, Finances", 0),
        ("Services Tampon", "Salariés", 3),
    ]
    # the return rate per basin and type comes from indicateurs_territoire
    taux = grille(onglet(at, "Taux de retour"), "taux_retour")
    assert taux.select("bassin", "type_siae", "taux_retour", "nb_recus", "nb_manquants").rows() == [
        ("Nord", "ACI", 1.0, 4, 0), ("Nord", "ETTI", 1.0, 4, 0), ("Ouest", "ACI", 0.0, 0, 4),
        ("Sud", "AI", 0.0, 3, 1), ("Sud", "EI", 1.0, 4, 0)]
    assert len(at.get("vega_lite_chart")) == 1
    alertes = onglet(at, "Alertes de cohérence").table[0].value  # sentences: a table that wraps them
    assert alertes[["Raison sociale", "Alerte", "Bassin"]].values.tolist() == [
        ["Services Tampon", "Retour sans salarié en insertion", "Sud"]]
    assert "Aucun fichier refusé pour les retours 2024" in textes(onglet(at, "Fichiers refusés"))


def test_quality_page_follows_the_global_filters(fixe):
    at = run("pages/qualite.py")
    at.sidebar.multiselect(key="bassins").set_value(["SUD"]).run()
    assert list(grille(at, "personnel_permanent")["raison_sociale"]) == ["Services Tampon", "Bâtiment Sud Insertion"]
    assert metrics(at)["Retours reçus sur 8"] == "7"
    onglet(at, "À relancer (1)")
    # the tab open stays open when the count in its label changes with the filters
    at.sidebar.multiselect(key="types").set_value(["EI"]).run()
    assert [t.label for t in at.tabs][1] == "À relancer (0)"
    assert "Toutes les SIAE de la sélection ont envoyé leurs quatre retours 2024" in textes(at)
    at.sidebar.multiselect(key="bassins").set_value([]).run()
    at.sidebar.multiselect(key="types").set_value([]).run()
    at.sidebar.selectbox(key="annee").set_value(2022).run()
    assert metrics(at)["Retours reçus sur 8"] == "8"  # 2022: A and B sent everything
    assert metrics(at)["Taux de retour"] == f"100,0{NNBSP}%"


# ---------- Importer des retours ----------

def test_import_page_before_any_file(fixe):
    at = run("pages/import_retours.py")
    assert at.file_uploader[0].accept_multiple_files
    assert "Aucun fichier déposé" in textes(at)
    assert "50 Mo au plus par fichier" in textes(at)
    assert not [b for b in at.button if b.key == "charger"]


def test_a_good_file_loads_and_every_page_shows_it_without_restart(entrepot):
    at = run("pages/vue_ensemble.py")
    assert metrics(at)["Salariés en insertion"] == "5"
    run("pages/import_retours.py", at)
    deposer(at, ("salaries_C.csv", salaries_c()))
    assert (f"✅ **salaries_C.csv** ({len(salaries_c())}{NNBSP}o) — accepté : Salariés en insertion · 1 ligne"
            in textes(at))
    assert "Rien n'est encore enregistré" in textes(at)
    assert len(list_versions(entrepot)) == 1  # checked, not stored
    assert at.button(key="charger").label == "Charger le fichier accepté"

    charger(at)
    assert "Chargement du " in at.success[0].value and "1 fichier chargé" in at.success[0].value
    bilan = grille(at, "nouveaux")
    assert bilan.select("fichier", "resultat", "lignes", "nouveaux").rows() == [("salaries_C.csv", "chargé", 1, 1)]
    assert at.file_uploader[0].value == []  # the drop zone is empty again
    assert len(list_versions(entrepot)) == 2
    # the user's file name is recorded, never the temporary path
    assert query(entrepot, "select file_name, status from load_log order by load_id desc limit 1") == [
        ("salaries_C.csv", "loaded")]
    assert nb_salaries(entrepot) == 6

    # another page, same session, no restart: the new figures
    run("pages/vue_ensemble.py", at)
    assert metrics(at)["Salariés en insertion"] == "6"
    run("pages/qualite.py", at)
    assert metrics(at)["Retours reçus sur 20"] == "16"
    assert metrics(at)["Taux de retour"] == f"80,0{NNBSP}%"
    assert metrics(at)["SIAE à relancer"] == "1"
    assert "Chargement de fichiers" in audit.read(entrepot)["evenement"].to_list()


def test_a_bad_file_shows_its_report_and_stores_nothing(entrepot):
    at = deposer(run("pages/import_retours.py"), ("finances_D.csv", finances_d_faux()))
    assert (f"❌ **finances_D.csv** ({len(finances_d_faux())}{NNBSP}o) — refusé : 2 problèmes à corriger"
            in textes(at))
    rapport = at.table[0].value
    assert list(rapport.columns) == ["Feuille", "Ligne", "Colonne", "Valeur", "Règle"]
    assert rapport[["Ligne", "Colonne", "Valeur"]].values.tolist() == [
        ["2", "chiffre_affaires", "beaucoup"], ["2", "aides_etat", "-5"]]
    assert rapport["Règle"].str.contains("nombre attendu").any()
    assert [b.label for b in at.download_button] == ["⬇️ Rapport (CSV)"]
    assert at.button(key="charger").disabled
    assert "Aucun fichier accepté" in textes(at)
    assert len(list_versions(entrepot)) == 1

    # the same report as the command line's --rapport: file name as given, French headers
    result = importation.verifier([("finances_D.csv", finances_d_faux())])[0].result
    text = rapports.to_csv(result.problems).decode("utf-8-sig")
    assert text.splitlines()[0] == "Fichier;Feuille;Ligne;Colonne;Valeur;Règle;Niveau"
    assert text.splitlines()[1].startswith("finances_D.csv;;2;chiffre_affaires;beaucoup;")


def test_mixed_upload_loads_only_the_accepted_files(entrepot):
    at = deposer(run("pages/import_retours.py"), ("finances_D.csv", finances_d_faux()),
                 ("salaries_C.csv", salaries_c()))
    assert "2 fichiers vérifiés : 1 accepté, 1 refusé" in textes(at)
    charger(at)
    assert query(entrepot, "select file_name, status from load_log where load_id > 5") == [
        ("salaries_C.csv", "loaded")]
    run("pages/qualite.py", at)
    assert metrics(at)["Retours refusés"] == "0"  # the refused file was not recorded


def test_refused_files_can_be_recorded_and_show_on_quality_and_history(entrepot):
    at = deposer(run("pages/import_retours.py"), ("finances_D.csv", finances_d_faux()),
                 ("salaries_C.csv", salaries_c()))
    at.checkbox(key="consigner_refus").check().run()
    charger(at)
    assert "1 fichier chargé, 1 fichier refusé" in at.success[0].value
    assert query(entrepot, "select file_name, status from load_log where load_id > 5 order by load_id") == [
        ("salaries_C.csv", "loaded"), ("finances_D.csv", "rejected")]
    assert query(entrepot, "select count(*) from raw_finances where siret = $d", {"d": D}) == [(0,)]

    run("pages/qualite.py", at)
    assert metrics(at)["Retours refusés"] == "1"
    rows = {r["raison_sociale"]: r for r in grille(at, "personnel_permanent").iter_rows(named=True)}
    assert rows["Recyclerie de l'Ouest"]["finances"] == "⛔ refusé"
    refuses = grille(onglet(at, "Fichiers refusés"), "toujours_refuse")
    assert refuses.select("fichier", "structures", "nb_erreurs", "toujours_refuse").rows() == [
        ("finances_D.csv", "Recyclerie de l'Ouest", 2, True)]
    assert at.table[0].value["Valeur"].tolist() == ["beaucoup", "-5"]
    assert grille(onglet(at, "À relancer"), "retours_refuses").filter(pl.col("raison_sociale") == "Recyclerie de l'Ouest")[
        "retours_refuses"].to_list() == ["Finances"]

    run("pages/historique.py", at)
    historique = grille(at, "resultat")
    assert historique.select("file_name", "resultat", "nb_erreurs").rows()[:2] == [
        ("finances_D.csv", "refusé", 2), ("salaries_C.csv", "chargé", 0)]
    assert at.selectbox(key="chargement").value == 7
    assert grille(at, "effet").select("raison_sociale", "template_libelle", "effet").rows() == [
        ("Recyclerie de l'Ouest", "Finances", "refusé")]
    assert at.table[0].value["Règle"].str.contains("nombre attendu").any()
    at.toggle(key="refus_seuls").set_value(True).run()
    assert grille(at, "resultat")["file_name"].to_list() == ["finances_D.csv"]
    # the command lines shown name real commands (it once said `python -m warehouse liste`)
    from warehouse.__main__ import main as warehouse_main

    for line in at.code[0].value.splitlines():
        command = line.split("#")[0].split()[3]
        with pytest.raises(SystemExit) as done:
            warehouse_main([command, "--help"])
        assert done.value.code == 0, line


def test_a_replaced_return_shows_as_replaced(entrepot):
    at = deposer(run("pages/import_retours.py"), ("salaries_C.csv", salaries_c()))
    charger(at)
    autre = salaries_c().replace(b";800;", b";900;")
    deposer(at, ("salaries_C_corrige.csv", autre))
    charger(at)
    assert grille(at, "remplaces").select("fichier", "remplaces").rows() == [("salaries_C_corrige.csv", 1)]
    run("pages/qualite.py", at)
    rows = {r["raison_sociale"]: r for r in grille(at, "personnel_permanent").iter_rows(named=True)}
    assert rows["Services Tampon"]["salaries_insertion"] == "🔄 reçu, remplacé 1 fois"


def test_the_same_file_twice_changes_nothing(entrepot):
    at = deposer(run("pages/import_retours.py"), ("salaries_C.csv", salaries_c()))
    charger(at)
    deposer(at, ("salaries_C.csv", salaries_c()))
    charger(at)
    assert "Rien n'a changé" in at.info[0].value
    assert grille(at, "resultat")["resultat"].to_list() == ["déjà chargé, inchangé"]
    assert len(list_versions(entrepot)) == 2  # no new version for an identical file


def test_files_over_the_upload_limit_are_refused_in_french(entrepot, monkeypatch):
    monkeypatch.setattr(importation, "limite_mo", lambda: 1)
    gros = salaries_c() + b"\n" * (2**20)
    at = deposer(run("pages/import_retours.py"), ("gros.csv", gros))
    assert f"Fichier trop volumineux (1,0{NNBSP}Mo) : la limite est de 1{NNBSP}Mo par fichier" in textes(at)
    assert at.button(key="charger").disabled


def test_the_real_upload_limit_is_the_server_setting():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert importation.limite_mo() == config["server"]["maxUploadSize"] == 50
    assert "50 Mo au plus par fichier" in importation.DEPOT_CSS.replace("__LIMITE__", str(importation.limite_mo()))


def test_macro_workbooks_and_unknown_formats_are_refused_in_french(entrepot):
    at = deposer(run("pages/import_retours.py"), ("retour.xlsm", b"PK\x03\x04rest"), ("retour.ods", b"x"))
    text = textes(at)
    assert "⛔ Les classeurs avec macros (.xlsm) sont refusés : enregistrez-le en .xlsx." in text
    assert "⛔ Format non accepté" in text
    assert "Traceback" not in text


def test_a_loader_failure_reads_as_a_french_sentence(entrepot, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disque plein")

    at = run("pages/import_retours.py")
    monkeypatch.setattr(importation, "check_file", boom)
    deposer(at, ("salaries_C.csv", salaries_c()))
    assert "Vérification impossible : disque plein" in textes(at)

    monkeypatch.undo()
    monkeypatch.setattr(importation, "load_files", boom)
    deposer(at, ("salaries_C.csv", salaries_c()))
    charger(at)
    assert "Le chargement n'a pas pu se faire ; l'entrepôt n'a pas changé. Détail : disque plein" in at.error[0].value
    assert len(list_versions(entrepot)) == 1


def test_first_load_into_an_empty_warehouse(tmp_path):
    """No warehouse yet: the import page works (default communes), and the first load creates it."""
    fixtures = ROOT / "tests" / "fixtures" / "indicateurs"
    with iae_db(tmp_path / "neuf" / "iae.duckdb") as link:
        at = run("pages/qualite.py")
        assert "Aucune donnée n'est encore chargée" in at.warning[0].value
        run("pages/historique.py", at)
        assert "l'entrepôt n'existe pas encore" in textes(at)
        run("pages/modeles.py", at)
        assert "Aucune SIAE conventionnée dans l'entrepôt" in textes(at)
        assert at.download_button(key="modele_vierge")  # the blank workbook needs no data
        run("pages/import_retours.py", at)
        deposer(at, *[(p.name, p.read_bytes()) for p in sorted(fixtures.glob("*.csv"))])
        assert "5 fichiers vérifiés : 5 acceptés, 0 refusé" in textes(at)
        charger(at)
        assert "5 fichiers chargés" in at.success[0].value
        assert current_file(link) is not None
        run("pages/qualite.py", at)
        assert metrics(at)["Retours reçus sur 20"] == "15"


# ---------- Historique des chargements ----------

def test_history_lists_loads_and_what_each_did(fixe):
    at = run("pages/historique.py")
    loads = grille(at, "resultat")
    assert loads.select("load_id", "file_name", "resultat", "user_name").rows() == [
        (5, "structure.csv", "chargé", "tests"), (4, "salaries_insertion.csv", "chargé", "tests"),
        (3, "personnel_permanent.csv", "chargé", "tests"), (2, "finances.csv", "chargé", "tests"),
        (1, "conventions.csv", "chargé", "tests")]
    checksum = query(fixe, "select checksum from load_log where load_id = 5")[0][0]
    assert loads["empreinte"][0] == checksum[:12]
    effets = grille(at, "effet")
    assert effets.height == 10 and set(effets["effet"]) == {"nouveau"}
    at.selectbox(key="chargement").set_value(1).run()
    assert grille(at, "effet").height == 11  # the register: one row per (annee, siret)
    versions = grille(at, "en_service")
    assert versions.select("version", "nb_chargements", "en_service").rows() == [(1, 5, True)]
    assert "Une seule version pour l'instant : rien à restaurer." in textes(at)
    assert "python -m warehouse restore N" in at.code[0].value


def test_restore_an_earlier_version_with_confirmation(entrepot):
    at = deposer(run("pages/import_retours.py"), ("salaries_C.csv", salaries_c()))
    charger(at)
    assert nb_salaries(entrepot) == 6
    run("pages/historique.py", at)
    assert grille(at, "en_service").select("version", "nb_chargements", "en_service").rows() == [
        (2, 6, True), (1, 5, False)]
    assert at.selectbox(key="version_a_restaurer").value == 1
    assert at.button(key="restaurer").disabled  # nothing happens without the confirmation
    assert "rien n'est perdu" in textes(at)
    at.checkbox(key="confirmer_restauration").check().run()
    at.button(key="restaurer").click().run()
    assert not at.exception
    assert "Version 1 remise en service, sous le numéro 3" in at.success[0].value
    assert current_file(entrepot).name == "v000003.duckdb"
    assert [v.number for v in list_versions(entrepot)] == [1, 2, 3]  # nothing lost
    assert nb_salaries(entrepot) == 5
    assert not at.checkbox(key="confirmer_restauration").value
    journal = audit.read(entrepot)
    assert journal.row(0, named=True)["evenement"] == "Restauration d'une version"
    assert journal.row(0, named=True)["details"] == "version : 1"
    run("pages/vue_ensemble.py", at)
    assert metrics(at)["Salariés en insertion"] == "5"


# ---------- Modèles de retour ----------

def test_templates_page_offers_blank_and_prefilled_workbooks(fixe):
    at = run("pages/modeles.py")
    labels = [b.label for b in at.download_button]
    assert labels == ["⬇️ Télécharger le modèle vierge (.xlsx)", "⬇️ Télécharger le modèle du registre (.xlsx)",
                      "⬇️ Télécharger le classeur de la demande (.xlsx)",
                      "⬇️ Télécharger le classeur 2024 pré-rempli (.xlsx)"]
    assert at.selectbox(key="modele_demande_annee").value == 2024  # the filters' year first
    demande = openpyxl.load_workbook(io.BytesIO(classeurs.classeur_demande(2024)))["demande_territoire"]
    assert demande.max_row == 25 and demande.cell(2, 1).value == 2024  # the 24 communes of the reference
    assert at.selectbox(key="modele_annee").options == ["2024", "2023", "2022"]
    assert len(at.selectbox(key="modele_siae").options) == 5
    at.selectbox(key="modele_annee").set_value(2022).run()
    assert len(at.selectbox(key="modele_siae").options) == 2  # the SIAE under agreement in 2022: A and B

    # the pre-filled workbook: identity and the people still present on 31/12 of the year before
    book = openpyxl.load_workbook(io.BytesIO(classeurs.classeur_prerempli(A, 2024)))
    sheet = book["salaries_insertion"]
    header = [c.value for c in sheet[1]]
    ids = sorted(r[header.index(TEMPLATES["salaries_insertion"].column("identifiant").label)]
                 for r in sheet.iter_rows(min_row=2, values_only=True) if any(r))
    con = connect_read(fixe)
    try:
        expected = sorted(x[0] for x in con.sql(
            "select identifiant from stg_salaries_insertion where siret = $s and annee = 2023 and "
            "(date_sortie is null or date_sortie > date '2023-12-31')", params={"s": A}).fetchall())
    finally:
        con.close()
    assert ids == expected and ids
    structure = book["structure"]
    row = dict(zip([c.value for c in structure[1]], [c.value for c in structure[2]]))
    assert row[TEMPLATES["structure"].column("siret").label] == A


def test_template_round_trip_through_the_pages(entrepot):
    """The blank workbook of the Modèles page, filled by a structure, loads on the import page."""
    at = run("pages/modeles.py")
    assert at.download_button(key="modele_vierge").label.startswith("⬇️ Télécharger le modèle vierge")
    book = openpyxl.load_workbook(io.BytesIO(classeurs.classeur_vierge()))  # what the button sends
    remplir(book, "structure", {"annee": 2024, "siret": D, "statut_juridique": "ASSOCIATION", "code_ape": "3832Z",
                                "activite_principale": "Recyclerie", "commune_insee": "97415"})
    remplir(book, "salaries_insertion", {
        "annee": 2024, "siret": D, "identifiant": "D01", "sexe": "M", "annee_naissance": 1990,
        "orientation": "FRANCE_TRAVAIL", "statut_entree": "RSA", "type_contrat": "CDDI", "heures_hebdo_contrat": 26,
        "heures_travaillees": 1000, "date_entree": "15/01/2024"})
    remplir(book, "finances", {"annee": 2024, "siret": D, "chiffre_affaires": 50000, "aides_etat": 90000})
    buf = io.BytesIO()
    book.save(buf)

    run("pages/import_retours.py", at)
    deposer(at, ("retour_recyclerie_2024.xlsx", buf.getvalue()))
    text = textes(at)
    assert "accepté : Fiche structure, Salariés en insertion, Finances · 3 lignes · 1 avertissement" in text
    avertissement = at.table[0].value
    assert avertissement[["Feuille", "Règle"]].values.tolist() == [
        ["personnel_permanent", "avertissement : feuille sans ligne de données : ignorée"]]
    charger(at)
    assert "1 fichier chargé" in at.success[0].value
    run("pages/qualite.py", at)
    rows = {r["raison_sociale"]: r for r in grille(at, "personnel_permanent").iter_rows(named=True)}
    expected = {"structure": "✅ reçu", "salaries_insertion": "✅ reçu", "personnel_permanent": "❌ manquant",
                "finances": "✅ reçu", "nb_recus": 3}
    assert {k: rows["Recyclerie de l'Ouest"][k] for k in expected} == expected


def remplir(book, template: str, values: dict) -> None:
    """Write one row under the French headers of a template sheet, as a person would."""
    sheet = book[template]
    header = [c.value for c in sheet[1]]
    for name, value in values.items():
        sheet.cell(row=2, column=header.index(TEMPLATES[template].column(name).label) + 1, value=value)


# ---------- query layer ----------

def test_return_queries_apply_the_scope(fixe):
    con = connect_read(fixe)
    try:
        f = Filters(annee=2024)
        nord = Scope(bassins=("NORD",))
        assert set(queries_retours.suivi(con, f, nord)["bassin"]) == {"NORD"}
        assert queries_retours.chargements(con, f, nord).is_empty()  # files are seen whole, or not at all
        assert queries_retours.problemes(con, f, nord, load_id=1).is_empty()
        assert queries_retours.suivi(con, f, Scope(sirets=())).is_empty()
        assert queries_retours.suivi(con, f, Scope(bassins=(), sirets=())).is_empty()
        assert queries_retours.chargements(con, f, Scope.admin()).height == 5
        assert queries_retours.conventions(con, f, Scope(sirets=(A,)))["siret"].to_list() == [A]
        assert len(queries_retours.communes(con, f, Scope.admin())) == 24
    finally:
        con.close()
