"""The territorial action plan: the `objectifs` template loaded like any return, the view
suivi_objectifs computed by hand on the fixture, the queries under statistical secrecy, the
« Plan d'action » page for admin and committee, its editor and its chart.

The fixture plan (tests/fixtures/plan/objectifs.csv, Windows-1252, `;`, decimal comma) is
loaded into a copy of the fixture warehouse (the shared one stays as other tests count its
loads); it sits on the fixture SIAE: A (ACI, Nord), B (EI, Sud), C (AI, Sud), D (ACI, Ouest,
2024, no return), E (ETTI, Nord).
"""

from __future__ import annotations

import atexit
import functools
import io
import shutil
import tempfile
from pathlib import Path

import polars as pl
import pytest
from browser_helpers import ROOT, iae_db
from conftest import fixture_warehouse, query, write_csv
from streamlit.testing.v1 import AppTest

from loaders.load import LOADED, REJECTED, UNCHANGED, load_files
from ui import charts
from ui.format import NNBSP
from warehouse import audit
from warehouse.db import connect_read, current_file
from warehouse.scope import Filters, Scope

HEADER = ["Année", "Bassin", "Type de SIAE", "Axe", "Action", "Objectif", "Indicateur", "Cible", "Sens",
          "Réalisé saisi", "Pilote", "Acteurs", "Moyens", "Échéance"]
AXE_1 = "Axe 1 : renforcer la coopération entre les acteurs de l'IAE"
AXE_2 = "Axe 2 : renforcer la concertation sur les financements publics"


def plan_csv(path: Path, rows: list[list]) -> Path:
    """A plan as a DDETS officer saves it from French Excel."""
    return write_csv(path, HEADER, rows, encoding="cp1252")


def row(annee=2024, bassin="SUD", type_siae="", action="Ratios communs", indicateur="ratio_public_ca",
        cible="0,3", sens="AU_PLUS", realise="", axe=AXE_2) -> list:
    return [annee, bassin, type_siae, axe, action, "Objectif en mots", indicateur, cible, sens, realise,
            "DDETS", "", "", "31/12/2024"]


PLAN = ROOT / "tests" / "fixtures" / "plan" / "objectifs.csv"


@functools.cache
def _with_plan() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="iae_plan_"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    link = fixture_warehouse(folder)
    [r] = load_files([PLAN], link, user="tests")
    assert r.status == LOADED, [p.line() for p in r.problems]
    return link


def with_plan(copy_to: Path | None = None) -> Path:
    """The fixture warehouse with the fixture plan loaded; with `copy_to`, a private copy made there."""
    link = _with_plan()
    if copy_to is None:
        return link
    shutil.copytree(link.parent, copy_to / "wh", symlinks=True, ignore=shutil.ignore_patterns("*.prochaine*"))
    return copy_to / "wh" / link.name


@pytest.fixture
def wh(tmp_path) -> Path:
    """A private copy, for tests that load."""
    return with_plan(tmp_path)


def plan_en_vigueur(link: Path, annee: int) -> list[tuple]:
    return query(link, "select bassin, type_siae, action, indicateur, cible, realise_saisi from stg_objectifs "
                       "where annee = $a order by all", {"a": annee})


# ---------- loading ----------

def test_a_plan_loads_with_labels_tous_and_empty_type(wh, tmp_path):
    f = plan_csv(tmp_path / "plan.csv", [
        row(bassin="tous", type_siae="Tous", action="Comité", indicateur="Taux de sortie dynamique", cible="0,6",
            sens="au moins"),
        row(bassin="Sud", indicateur="financement public / ca"),
        row(bassin="NORD", action="Actions mutualisées", indicateur="Nombre d'actions mutualisées", cible="4",
            sens="AU_MOINS", realise="5"),
    ])
    [r] = load_files([f], wh, user="agent")
    assert r.status == LOADED, [p.line() for p in r.problems]
    assert plan_en_vigueur(wh, 2024) == [
        ("NORD", "TOUS", "Actions mutualisées", "Nombre d'actions mutualisées", 4.0, 5.0),
        ("SUD", "TOUS", "Ratios communs", "ratio_public_ca", 0.3, None),  # label -> column name, empty type -> TOUS
        ("TOUS", "TOUS", "Comité", "taux_sortie_dynamique", 0.6, None),
    ]


def test_a_bad_plan_is_refused_whole_with_french_lines(wh, tmp_path):
    before = plan_en_vigueur(wh, 2024)
    f = plan_csv(tmp_path / "plan_faux.csv", [
        row(sens="PLUS"),
        row(type_siae="SCOP", action="Autre action"),
        row(cible="", action="Troisième"),
        row(annee=2024, bassin="SUD", action="Ratios communs"),  # same key as row 2 of the file
    ])
    [r] = load_files([f], wh, user="agent")
    assert r.status == REJECTED
    lines = [p.line() for p in r.errors]
    assert lines == [
        "plan_faux.csv, ligne 2, colonne « Sens » : valeur « PLUS » — code inconnu ; codes admis : "
        "AU_MOINS (Au moins : atteint si réalisé ≥ cible), AU_PLUS (Au plus : atteint si réalisé ≤ cible)",
        "plan_faux.csv, ligne 3, colonne « Type de SIAE » : valeur « SCOP » — code inconnu ; codes admis : "
        "ACI (Atelier et chantier d'insertion), AI (Association intermédiaire), EI (Entreprise d'insertion), "
        "ETTI (Entreprise de travail temporaire d'insertion), EITI (Entreprise d'insertion par le travail "
        "indépendant), TOUS",
        "plan_faux.csv, ligne 4, colonne « Cible » — valeur obligatoire manquante",
        "plan_faux.csv, ligne 5, colonne « Indicateur » : valeur « ratio_public_ca » — doublon : la même clé "
        "(annee, bassin, type_siae, action, indicateur) figure déjà à la ligne 2",
    ]
    assert plan_en_vigueur(wh, 2024) == before


def test_realise_saisi_of_a_computed_indicator_is_ignored_with_a_warning(wh, tmp_path):
    f = plan_csv(tmp_path / "plan.csv", [row(realise="0,25"), row(action="Dialogues", indicateur="taux_sorti_dynamique",
                                                                   cible="2", sens="AU_MOINS", realise="1")])
    [r] = load_files([f], wh, user="agent")
    assert r.status == LOADED
    assert [p.line() for p in r.warnings] == [
        "plan.csv, ligne 2, colonne « Réalisé saisi » : valeur « 0,25 » — valeur ignorée : « Financement public / CA » "
        "est calculé par l'Observatoire à partir des retours ; le réalisé saisi ne sert qu'aux indicateurs mesurés à "
        "la main",
        "plan.csv, ligne 3, colonne « Indicateur » : valeur « taux_sorti_dynamique » — indicateur inconnu de "
        "l'Observatoire : il sera suivi comme un indicateur mesuré à la main (vérifiez son nom s'il devait être "
        "calculé)",
    ]
    # the Observatoire's figure, not the one typed: Sud 2024, (50 000 + 32 000) / (250 000 + 45 000)
    assert query(wh, "select realise_saisi, realise, source from suivi_objectifs where annee = 2024 "
                     "and action = 'Ratios communs'") == [(None, pytest.approx(82000 / 295000), "CALCULE")]
    assert query(wh, "select count(*) from load_problems where regle like 'avertissement : valeur ignorée%'") == [(1,)]


def test_a_plan_replaces_the_plan_of_each_year_it_holds_and_stays_recoverable(wh, tmp_path):
    plan_2023 = plan_en_vigueur(wh, 2023)
    first = current_file(wh)
    f = plan_csv(tmp_path / "plan_2024.csv", [row(), row(action="Autre", cible="0,5")])
    assert load_files([f], wh, user="agent")[0].status == LOADED
    assert [r[2] for r in plan_en_vigueur(wh, 2024)] == ["Autre", "Ratios communs"]  # the 7 rows of 2024 are gone
    assert plan_en_vigueur(wh, 2023) == plan_2023  # a year the file does not hold stays
    # loading the same plan again changes nothing; the earlier version still holds the old plan
    assert load_files([f], wh, user="agent")[0].status == UNCHANGED
    con = connect_read(first)
    try:
        assert con.sql("select count(*) from raw_objectifs where annee = 2024").fetchall() == [(7,)]
    finally:
        con.close()


def test_the_excel_template_has_the_drop_downs_and_loads_once_filled(wh, tmp_path):
    import openpyxl

    from loaders.template import prefilled_workbook

    data = prefilled_workbook({"objectifs": [dict(zip(
        ["annee", "bassin", "type_siae", "axe", "action", "objectif", "indicateur", "cible", "sens"],
        [2025, "SUD", "TOUS", AXE_1, "Accompagnement", "Six sur dix", "Taux de sortie dynamique", 0.6, "AU_MOINS"]))]},
        ("objectifs",))
    path = tmp_path / "plan.xlsx"
    path.write_bytes(data)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    listes = wb["Listes"]
    columns = {listes.cell(1, j).value: [listes.cell(i, j).value for i in range(2, listes.max_row + 1)
                                         if listes.cell(i, j).value] for j in range(1, listes.max_column + 1, 2)}
    assert columns["BASSIN_OU_TOUS"] == ["NORD", "EST", "OUEST", "SUD", "TOUS"]
    assert columns["TYPE_SIAE_OU_TOUS"] == ["ACI", "AI", "EI", "ETTI", "EITI", "TOUS"]
    assert columns["SENS"] == ["AU_MOINS", "AU_PLUS"]
    assert "Taux de sortie dynamique" in columns["INDICATEUR"] and "Financement public / CA" in columns["INDICATEUR"]
    validations = {str(dv.sqref).split(":")[0]: dv for dv in wb["objectifs"].data_validations.dataValidation}
    assert validations["G2"].errorStyle == "information"  # a hand-measured indicator may be typed
    assert validations["I2"].errorStyle in (None, "stop")
    [r] = load_files([path], wh, user="agent")
    assert r.status == LOADED, [p.line() for p in r.problems]
    assert plan_en_vigueur(wh, 2025) == [("SUD", "TOUS", "Accompagnement", "taux_sortie_dynamique", 0.6, None)]


# ---------- the view, by hand on the fixture ----------

def test_suivi_objectifs_computed_by_hand():
    got = query(with_plan(), "select annee, bassin, type_siae, indicateur, realise, source, ecart, statut "
                                     "from suivi_objectifs order by annee, bassin, type_siae, indicateur")
    assert got == [
        # Nord ACI 2023 = A: 1 dynamic exit of 2 non-neutral ones; 0.5 < 0.6
        (2023, "NORD", "ACI", "taux_sortie_dynamique", 0.5, "CALCULE", pytest.approx(-0.1), "NON_ATTEINT"),
        # hand-measured: 2 entered for a target of 3
        (2023, "TOUS", "TOUS", "Nombre d'actions mutualisées", 2.0, "SAISI", -1.0, "NON_ATTEINT"),
        # Nord 2024: A 1 of 1, E 0 of 1 -> 1 / 2
        (2024, "NORD", "TOUS", "taux_sortie_dynamique", 0.5, "CALCULE", pytest.approx(-0.1), "NON_ATTEINT"),
        # Ouest 2024 = D, which sent no return: unknown, not 0
        (2024, "OUEST", "TOUS", "taux_sortie_dynamique", None, "CALCULE", None, "NON_MESURE"),
        # Sud EI 2024 = B: 50 000 / 250 000 = 0.2 > 0.1 (AU_PLUS)
        (2024, "SUD", "EI", "ratio_public_ca", 0.2, "CALCULE", pytest.approx(0.1), "NON_ATTEINT"),
        # Sud 2024 = B + C: 82 000 / 295 000 = 0.278 <= 0.3 (AU_PLUS), given by its label in the file
        (2024, "SUD", "TOUS", "ratio_public_ca", pytest.approx(82000 / 295000), "CALCULE",
         pytest.approx(82000 / 295000 - 0.3), "ATTEINT"),
        # hand-measured, nothing entered
        (2024, "TOUS", "TOUS", "Encadrants formés", None, "SAISI", None, "NON_MESURE"),
        (2024, "TOUS", "TOUS", "Nombre d'actions mutualisées", 5.0, "SAISI", 1.0, "ATTEINT"),
        # department 2024: 3 complete returns of 5 SIAE = 0.6, met exactly ("Taux de retour" in the file)
        (2024, "TOUS", "TOUS", "taux_retour", 0.6, "CALCULE", 0.0, "ATTEINT"),
    ]
    assert query(with_plan(), "select distinct saisi_par from suivi_objectifs") == [("tests",)]


# ---------- queries: secrecy ----------

def test_restricted_readers_get_the_published_value_or_the_reason():
    from warehouse import queries_plan

    con = connect_read(with_plan())
    try:
        admin = queries_plan.objectifs(con, Filters(annee=2024), Scope())
        cta = queries_plan.objectifs(con, Filters(annee=2024), Scope(bassins=("SUD",), secret_statistique=True,
                                                                     personnes=False))
        tendance = queries_plan.tendance_objectif(con, Filters(annee=2024), Scope(secret_statistique=True),
                                                  bassin="TOUS", type_siae="TOUS", action="Comité de coordination "
                                                  "des SIAE", indicateur="taux_retour")
    finally:
        con.close()
    key = ["bassin", "type_siae", "indicateur"]
    both = admin.select(*key, "realise", "statut").join(cta.select(*key, pl.col("realise").alias("r"),
                                                                   pl.col("statut").alias("s"), "secret"), on=key)
    by = {(r["bassin"], r["indicateur"]): r for r in both.iter_rows(named=True)}
    # Nord 2024 has 4 integration employees (< 5): its exit rate is hidden, with why, and no status given away
    nord = by[("NORD", "taux_sortie_dynamique")]
    assert (nord["realise"], nord["r"], nord["s"]) == (0.5, None, "SECRET")
    assert nord["secret"].startswith("secret statistique")
    # Sud's money is over 2 structures (< 3): hidden too
    assert by[("SUD", "ratio_public_ca")]["s"] == "SECRET"
    # a count of structures is public, and a hand-measured figure is no aggregate of returns
    assert (by[("TOUS", "taux_retour")]["r"], by[("TOUS", "taux_retour")]["s"]) == (0.6, "ATTEINT")
    assert by[("TOUS", "Nombre d'actions mutualisées")]["r"] == 5.0
    assert tendance.select("annee", "realise", "cible").rows() == [(2022, 1.0, None), (2023, 0.5, None),
                                                                   (2024, 0.6, 0.6)]


# ---------- the chart ----------

def test_chart_draws_the_realised_line_and_the_targets():
    df = pl.DataFrame({"annee": [2022, 2023, 2024], "realise": [0.55, None, 0.62], "cible": [None, 0.6, 0.6]})
    spec = charts.objectif(df, "pourcentage", titre="Taux de sortie dynamique").to_dict()  # validated by Altair
    assert spec["title"]["text"] == "Taux de sortie dynamique"
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["line", "line", "point", "text"]
    assert spec["layer"][1]["mark"]["strokeDash"] == [6, 4]  # the target, dashed
    assert spec["layer"][0]["encoding"]["y"]["axis"]["format"] == ".1~%"  # a tenth of a point, none when round
    colour = spec["layer"][0]["encoding"]["color"]["scale"]
    assert colour["domain"] == ["Réalisé", "Cible"] and colour["range"] == [charts.PRIMARY, charts.CIBLE]
    [values] = spec["datasets"].values()  # a year without a value is left out, not drawn as 0
    assert sorted((v["annee"], v["valeur"], v["serie"]) for v in values) == [
        ("2022", 0.55, "Réalisé"), ("2023", 0.6, "Cible"), ("2024", 0.6, "Cible"), ("2024", 0.62, "Réalisé")]


# ---------- the page ----------

def run(at: AppTest | None = None) -> AppTest:
    if at is None:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.run()
        at.switch_page("pages/plan_action.py").run()
    else:
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def grid(at: AppTest, titre_axe_index: int) -> pl.DataFrame:
    return pl.from_pandas(at.dataframe[titre_axe_index].value)


def test_page_for_admin_shows_each_objective_in_its_unit():
    with iae_db(with_plan()):
        at = run()
    assert {m.label: m.value for m in at.metric} == {"✅ atteint": "3", "❌ non atteint": "2", "⏳ non mesuré": "2"}
    assert [s.value for s in at.subheader][:3] == [AXE_1, AXE_2, "Axe 3 : renforcer les compétences et les moyens "
                                                                "de formation"]
    axe_1, axe_2 = grid(at, 0), grid(at, 1)
    nord = axe_1.row(0, named=True)
    assert (nord["territoire"], nord["indicateur_libelle"], nord["cible_texte"], nord["realise_texte"],
            nord["ecart_texte"], nord["statut_texte"]) == (
        "Nord · tous types", "Taux de sortie dynamique", f"≥ 60,0{NNBSP}%", f"50,0{NNBSP}%", f"-10,0{NNBSP}pts",
        "❌ non atteint")
    mutualisees = axe_1.filter(pl.col("indicateur_libelle") == "Nombre d'actions mutualisées").row(0, named=True)
    assert (mutualisees["cible_texte"], mutualisees["realise_texte"], mutualisees["ecart_texte"]) == ("≥ 4", "5", "+1")
    assert mutualisees["mesure"].startswith("saisi par tests le ")  # who loaded the plan, from the load log
    sud = axe_2.row(0, named=True)
    assert (sud["cible_texte"], sud["realise_texte"], sud["statut_texte"]) == (f"≤ 30,0{NNBSP}%", f"27,8{NNBSP}%",
                                                                                "✅ atteint")
    keys = {b.key for b in at.get("download_button")}
    assert {"xlsx_plan_action", "csv_plan_action"} <= keys
    assert at.button(key="plan_editeur_2024_enregistrer")  # admin edits


def test_page_year_and_basin_filters():
    with iae_db(with_plan()):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at = run_with(at)
        at.sidebar.multiselect(key="bassins").set_value(["SUD"])
        at = run(at)
        shown = pl.concat([grid(at, i) for i in range(len(at.subheader) - 2)], how="diagonal_relaxed")
        assert set(shown["territoire"]) == {"Sud · tous types", "Sud · EI", "Département · tous types"}
        at.sidebar.selectbox(key="annee").set_value(2023)
        at = run(at)
        assert {m.label: m.value for m in at.metric}["❌ non atteint"] == "1"  # the department's 2023 objective only


def run_with(at: AppTest) -> AppTest:
    at.run()
    at.switch_page("pages/plan_action.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_page_for_a_committee_reads_only_and_shows_secret_with_why(tmp_path):
    from test_roles import AUTH, USERS

    users = tmp_path / "utilisateurs.toml"
    users.write_text(USERS, encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv("IAE_UTILISATEURS", str(users))
    try:
        with iae_db(with_plan()):
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
            at.secrets["auth"] = AUTH
            at.user = {"is_logged_in": True, "email": "cta.sud@example.org"}
            at = run_with(at)
    finally:
        mp.undo()
    # Nord's exit rate, Sud's two funding ratios
    assert {m.label: m.value for m in at.metric} == {"✅ atteint": "2", "❌ non atteint": "0", "⏳ non mesuré": "2",
                                                     "🔒 secret": "3"}
    nord = grid(at, 0).row(0, named=True)
    assert (nord["realise_texte"], nord["ecart_texte"], nord["statut_texte"]) == ("secret", "—", "🔒 secret")
    assert nord["mesure"].startswith("secret statistique, ")
    assert not [b for b in at.button if b.key and b.key.startswith("plan_editeur")]  # no editor for a committee
    assert "Modifier le plan 2024" not in [s.value for s in at.subheader]


# ---------- the editor ----------

def test_editor_refuses_an_invalid_plan_in_french_and_stores_nothing(wh):
    version = current_file(wh)
    with iae_db(wh):
        at = run()
        at.session_state["plan_editeur_2024"] = {"edited_rows": {0: {"cible": None, "sens": "PLUS"}},
                                                 "added_rows": [], "deleted_rows": []}
        at.button(key="plan_editeur_2024_enregistrer").click()
        at = run(at)
    assert [e.value for e in at.error] == ["Le plan n'est pas enregistré : 2 problème(s) à corriger dans le tableau "
                                           "(ligne 1 = première ligne du tableau)."]
    report = pl.from_pandas(at.dataframe[-1].value)
    assert report.select("Ligne du tableau", "Colonne", "Valeur", "Règle").rows() == [
        (1, "Cible", "", "valeur obligatoire manquante"),
        (1, "Sens", "PLUS", "code inconnu ; codes admis : AU_MOINS (Au moins : atteint si réalisé ≥ cible), AU_PLUS (Au plus : atteint si réalisé ≤ cible)"),
    ]
    assert current_file(wh) == version  # no new version, no load line
    assert query(wh, "select count(*) from load_log where file_name like 'plan_action%'") == [(0,)]


def test_editor_saves_a_valid_plan_as_a_load_with_its_version_and_audit_line(wh):
    version = current_file(wh)
    with iae_db(wh):
        at = run()
        at.session_state["plan_editeur_2024"] = {
            "edited_rows": {0: {"cible": 0.45}},
            "added_rows": [{"bassin": "EST", "type_siae": "TOUS", "axe": AXE_1, "action": "Job dating",
                            "objectif": "Deux rencontres", "indicateur": "Rencontres organisées", "cible": 2,
                            "sens": "AU_MOINS", "realise_saisi": 1}],
            "deleted_rows": []}
        at.button(key="plan_editeur_2024_enregistrer").click()
        at = run(at)
    assert not at.error
    assert [s.value for s in at.success][0].startswith("Plan 2024 enregistré")
    assert current_file(wh) != version
    [(status, user)] = query(wh, "select status, user_name from load_log where file_name = "
                                 "'plan_action_2024_saisie.csv'")
    assert status == "loaded" and user.endswith("(application)")  # local mode: the account running the app
    assert query(wh, "select cible, statut from suivi_objectifs where annee = 2024 and bassin = 'NORD'") == [
        (0.45, "ATTEINT")]  # Nord 2024: 0.5 >= 0.45 now
    assert query(wh, "select realise, source, statut from suivi_objectifs where action = 'Job dating'") == [
        (1.0, "SAISI", "NON_ATTEINT")]
    assert plan_en_vigueur(wh, 2023) == plan_en_vigueur(with_plan(), 2023)  # another year untouched
    line = audit.read(wh).row(0, named=True)
    assert (line["evenement"], line["utilisateur"]) == ("Chargement de fichiers", user)
    assert line["details"].startswith("fichiers : 1, acceptes : 1")
