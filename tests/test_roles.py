"""Access control: each role sees what it may, on every page and in every export, and no more.

Sign-in is simulated with AppTest: an `[auth]` section in the test's secrets and a
logged-in `st.user`; roles come from a users file written here (IAE_UTILISATEURS). The
fixture warehouse (tests/browser_helpers.py) has SIAE A (ACI, Nord), B (EI, Sud), C (AI,
Sud), D (ACI, Ouest, 2024 only) and E (ETTI, Nord), 2022 to 2024; Nord has 4 integration
employees in 2024, under the threshold of 5.
"""

from __future__ import annotations

import io

import polars as pl
import pytest
from browser_helpers import ROOT, iae_db
from conftest import fixture_warehouse
from streamlit.testing.v1 import AppTest

from ui import classeurs, export, labels, page
from ui.navigation import PAGES
from warehouse import audit, roles
from warehouse.scope import Scope

A, B, C, D, E = "11111111000016", "22222222000014", "33333333000012", "44444444000010", "55555555000014"
NAMES = {}  # siret -> raison sociale, filled from the fixture

USERS = f"""
[[utilisateur]]
email = "admin@ddets.gouv.fr"
role = "admin"

[[utilisateur]]
email = "agent@ddets.gouv.fr"
role = "agent"

[[utilisateur]]
email = "cta.sud@example.org"
role = "cta"
bassins = ["SUD"]

[[utilisateur]]
email = "Direction@SIAE-B.re"
role = "structure"
sirets = ["{B}"]
"""
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "id", "client_secret": "secret",
        "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}


@pytest.fixture(scope="module")
def link(tmp_path_factory):
    from warehouse.db import connect_read

    users = tmp_path_factory.mktemp("roles") / "utilisateurs.toml"
    users.write_text(USERS, encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv("IAE_UTILISATEURS", str(users))
    with iae_db(fixture_warehouse()) as path:
        con = connect_read(path)
        NAMES.update(dict(con.sql("select distinct siret, raison_sociale from indicateurs_siae").fetchall()))
        con.close()
        yield path
    mp.undo()


@pytest.fixture
def exports(monkeypatch):
    """Every table a page offers for export, as the page built it."""
    tables: list[export.Table] = []
    original = page.boutons_export
    monkeypatch.setattr(page, "boutons_export", lambda t, key: (tables.append(t), original(t, key=key)))
    return tables


def run_as(email: str | None, path: str | None = None, query: dict | None = None, logged_in: bool = True,
           at: AppTest | None = None) -> AppTest:
    if at is None:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": logged_in, "email": email} if logged_in else {"is_logged_in": False}
        at.query_params.update(query or {})
        at.run()
    if path:
        at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def text(at: AppTest) -> str:
    parts = [str(getattr(e, "value", "")) for kind in ("title", "header", "subheader", "markdown", "caption", "info",
                                                       "warning", "error") for e in getattr(at, kind)]
    parts += [t.value.to_string() for t in at.table]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [d.value.to_string() if hasattr(d.value, "to_string") else str(d.value) for d in at.dataframe]
    return "\n".join(parts)


def allowed(email: str) -> set[str]:
    user = roles.charger()[email.lower()]
    return {p.path for p in PAGES if user.role in p.roles}


# ---------- the users file ----------

@pytest.mark.parametrize(("content", "message"), [
    ('[[utilisateur]]\nemail = "a@b.fr"\nrole = "chef"', "rôle 'chef' inconnu"),
    ('[[utilisateur]]\nemail = "pas-une-adresse"\nrole = "agent"', "adresse électronique absente ou invalide"),
    ('[[utilisateur]]\nemail = "a@b.fr"\nrole = "cta"', "un membre de CTA doit avoir au moins un bassin"),
    ('[[utilisateur]]\nemail = "a@b.fr"\nrole = "structure"\nsirets = ["123"]', "SIRET invalide"),
    ('[[utilisateur]]\nemail = "a@b.fr"\nrole = "agent"\n[[utilisateur]]\nemail = "A@b.fr"\nrole = "admin"',
     "déclarée deux fois"),
    ('[[utilisateur]\nemail = ', "n'est pas un fichier TOML lisible"),
])
def test_a_bad_users_file_is_refused_in_french_naming_the_entry(tmp_path, content, message):
    path = tmp_path / "utilisateurs.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(roles.ConfigurationInvalide, match=message) as exc:
        roles.charger(path)
    assert "utilisateurs.toml" in str(exc.value)


def test_the_example_users_file_is_valid():
    users = roles.charger(ROOT / "config" / "utilisateurs.exemple.toml")
    assert {u.role for u in users.values()} == set(roles.ROLES)


def test_each_role_becomes_one_scope(tmp_path):
    path = tmp_path / "utilisateurs.toml"
    path.write_text(USERS, encoding="utf-8")
    users = roles.charger(path)
    assert roles.scope(users["admin@ddets.gouv.fr"]) == Scope()
    assert roles.scope(users["agent@ddets.gouv.fr"], diffusion=True) == Scope(secret_statistique=True)
    assert roles.scope(users["cta.sud@example.org"]) == Scope(bassins=("SUD",), secret_statistique=True,
                                                              personnes=False)
    assert roles.scope(users["direction@siae-b.re"]) == Scope(sirets=(B,), secret_statistique=True,
                                                              personnes=False)


# ---------- sign-in ----------

def test_without_sign_in_nothing_but_the_sign_in_button(link):
    at = run_as(None, logged_in=False)
    assert at.title[0].value == "Observatoire IAE"
    assert [b.label for b in at.button] == ["Se connecter"]
    assert not at.metric and not at.dataframe and not at.sidebar.multiselect
    for path in ("pages/structures.py", "pages/import_retours.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(path)


def test_an_account_without_a_role_sees_nothing(link):
    at = run_as("inconnu@example.org")
    assert at.title[0].value == "Accès non autorisé"
    assert "inconnu@example.org" in at.warning[0].value
    assert not at.metric and not at.dataframe


def test_sign_ins_are_in_the_audit_log(link):
    run_as("agent@ddets.gouv.fr")
    last = audit.read(link).row(0, named=True)
    assert (last["evenement"], last["utilisateur"]) == ("Connexion", "agent@ddets.gouv.fr")
    assert "rôle : agent" in last["details"]


def test_an_account_without_an_email_claim_is_told_why_in_french(link):
    at = run_as(None)
    assert at.title[0].value == "Accès non autorisé"
    assert "n'a pas transmis d'adresse électronique" in at.warning[0].value
    assert "jeton d'identité" in at.warning[0].value
    assert not at.metric and not at.dataframe


def test_one_sign_in_is_one_audit_line_whatever_the_page_loads(link):
    """Each AppTest is a new Streamlit session, as a reload or a new tab is: the same id_token
    (same nonce) is one sign-in; a new sign-in (new nonce) is another line."""
    def load(nonce: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": True, "email": "agent@ddets.gouv.fr", "iss": "https://idp.example",
                   "sub": "agent-1", "nonce": nonce, "iat": 1_700_000_000}
        return run_as(None, at=at.run())

    def count() -> int:
        log = audit.read(link)
        return log.filter((pl.col("evenement") == "Connexion")
                          & (pl.col("utilisateur") == "agent@ddets.gouv.fr")).height

    before = count()
    at = load("premier")
    run_as(None, "pages/structures.py", at=at)  # a rerun of the same session
    load("premier")  # a reload: a new session, the same sign-in
    assert count() == before + 1
    load("second")
    assert count() == before + 2


def test_local_mode_is_one_audit_line_per_server_start(tmp_path):
    """Local mode has no sign-in: one line when the app starts serving, not one per page load."""
    import shutil

    shutil.copytree(fixture_warehouse().parent, tmp_path / "wh", symlinks=True,
                    ignore=shutil.ignore_patterns("*.log", "*.audit.jsonl", "*.prochaine*"))
    with iae_db(tmp_path / "wh" / "iae.duckdb") as link:
        for _ in range(3):  # three page loads: three Streamlit sessions of one process
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
            assert not at.exception, [e.value for e in at.exception]
        log = audit.read(link)
    assert log["evenement"].to_list() == ["Connexion"]
    assert "mode : local" in log["details"][0]


# ---------- navigation ----------

@pytest.mark.parametrize(("email", "absent"), [
    ("admin@ddets.gouv.fr", set()),
    ("agent@ddets.gouv.fr", {"pages/administration.py"}),
    ("cta.sud@example.org", {"pages/administration.py", "pages/import_retours.py", "pages/historique.py"}),
    ("direction@siae-b.re", {"pages/administration.py", "pages/import_retours.py", "pages/historique.py",
                             "pages/qualite.py", "pages/points_attention.py", "pages/dossier_comite.py"}),
])
def test_pages_a_role_may_not_use_are_not_in_its_navigation(link, email, absent):
    assert {p.path for p in PAGES} - allowed(email) == absent
    at = run_as(email)
    for path in absent:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(path)
    for path in sorted(allowed(email)):
        run_as(email, path, at=at)


@pytest.mark.parametrize("path", ["pages/import_retours.py", "pages/historique.py", "pages/administration.py"])
def test_a_forbidden_page_file_run_directly_stops_at_once(link, path):
    """However a committee member reaches the file of a page they may not use (Streamlit's
    legacy mode runs /import_retours as that file alone), the page stops before showing anything."""
    at = AppTest.from_file(str(ROOT / path), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "cta.sud@example.org"}
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Cette page n'est pas accessible avec votre profil."]
    assert not at.file_uploader and not at.dataframe and not at.button


# ---------- what each role sees ----------

def test_admin_sees_the_small_counts(link):
    at = run_as("admin@ddets.gouv.fr", query={"annee": "2024", "bassins": "Nord"})
    assert {m.label: m.value for m in at.metric}["Salariés en insertion"] == "4"


@pytest.mark.parametrize("email", ["cta.sud@example.org", "direction@siae-b.re"])
def test_committee_and_structure_see_aggregates_of_every_basin_under_secrecy(link, email):
    at = run_as(email, query={"annee": "2024", "bassins": "Nord"})
    shown = {m.label: m.value for m in at.metric}
    assert shown["Salariés en insertion"] == "secret"  # 4 persons in Nord
    assert shown[labels.colonne("nb_siae")] == "2"  # the number of structures is public


def test_agent_switches_secrecy_on_for_tables_to_circulate(link):
    at = run_as("agent@ddets.gouv.fr", query={"annee": "2024", "bassins": "Nord"})
    assert {m.label: m.value for m in at.metric}["Salariés en insertion"] == "4"
    at.sidebar.toggle(key="diffusion").set_value(True).run()
    assert {m.label: m.value for m in at.metric}["Salariés en insertion"] == "secret"


def test_committee_lists_only_the_structures_of_its_basins_whatever_the_url(link):
    for query in ({"annee": "2024"}, {"annee": "2024", "bassins": "Nord"},
                  {"annee": "2024", "bassins": ["Nord", "Ouest", "Sud"]}):
        at = run_as("cta.sud@example.org", "pages/structures.py", query=query)
        shown = set(at.dataframe[0].value["siret"]) if at.dataframe else set()
        assert shown <= {B, C}, query
    assert set(run_as("cta.sud@example.org", "pages/structures.py",
                      query={"annee": "2024"}).dataframe[0].value["siret"]) == {B, C}


def test_a_structure_sees_only_itself_and_cannot_open_a_competitor_by_url(link):
    at = run_as("direction@siae-b.re", "pages/structures.py", query={"annee": "2024"})
    assert at.dataframe[0].value["siret"].to_list() == [B]
    at = run_as("direction@siae-b.re", "pages/fiche_siae.py", query={"annee": "2024", "siret": A})
    assert NAMES[A] not in text(at)
    assert NAMES[B] in text(at)  # its own sheet instead, never A's
    at = run_as("direction@siae-b.re", "pages/fiche_siae.py", query={"annee": "2024", "siret": B})
    assert NAMES[B] in text(at)
    at = run_as("direction@siae-b.re", "pages/fiche_siae.py", query={"annee": "2024"})
    assert at.selectbox(key="fiche_siret").value == B  # its own sheet opens at once


def test_committee_cannot_open_a_structure_of_another_basin_by_url(link):
    at = run_as("cta.sud@example.org", "pages/fiche_siae.py", query={"annee": "2024", "siret": A})
    assert NAMES[A] not in text(at)
    at = run_as("cta.sud@example.org", "pages/fiche_siae.py", query={"annee": "2024", "siret": C})
    assert NAMES[C] in text(at)


def test_committee_quality_page_shows_only_its_basins_and_no_file_report(link):
    at = run_as("cta.sud@example.org", "pages/qualite.py", query={"annee": "2024"})
    body = text(at)
    for siret in (A, D, E):
        assert NAMES[siret] not in body
    assert not [s for s in at.selectbox if s.key == "rapport_refus"]


HOSTILE = ["'; drop table raw_salaries; --", "Nord' or '1'='1", "../../etc/passwd", "%00", "<script>x</script>",
           "99999999999999999999", "-1", "TOUS", "x" * 5000]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_in_every_filter_parameter(link, value):
    """Filter values from the URL only pick among the offered options: never an error, never SQL."""
    for email in ("cta.sud@example.org", "direction@siae-b.re"):
        query = {"annee": value, "bassins": value, "types": value, "siret": value, "recherche": value,
                 "tri": value, "indicateurs": value}
        for path in (None, "pages/structures.py", "pages/fiche_siae.py", "pages/publics.py"):
            at = run_as(email, path, query=query)
            body = text(at)
            assert NAMES[A] not in body and NAMES[E] not in body
            assert "Traceback" not in body


# ---------- exports ----------

PERSON_COUNTS = {"nb_salaries", "nb_entrees", "nb_sorties", "nb_sorties_dynamiques", "nb_sorties_emploi_durable",
                 "nb_femmes", "nb_rsa", "nb_personnes"}


def _published_person_counts(t: export.Table) -> list[int]:
    data = pl.read_csv(io.BytesIO(export.csv_bytes(t)), separator=";", infer_schema=False)
    values = []
    for col in t.colonnes:
        if col in PERSON_COUNTS:
            values += [int(v) for v in data[t.titre_colonne(col)].drop_nulls().to_list() if v != export.SECRET]
    return values


@pytest.mark.parametrize("email", ["cta.sud@example.org", "direction@siae-b.re"])
def test_exports_of_aggregates_publish_no_count_under_the_threshold(link, exports, email):
    aggregates = ("publics_repartition", "sorties_par_categorie", "personnel_par_fonction", "indicateurs_cles",
                  "comparaison_bassins", "evolution_territoire", "financement_par_financeur")
    for path in ("pages/vue_ensemble.py", "pages/bassins.py", "pages/publics.py", "pages/personnel.py",
                 "pages/finances.py"):
        for query in ({"annee": "2024"}, {"annee": "2024", "bassins": "Nord"}, {"annee": "2024", "types": "ACI"}):
            exports.clear()
            run_as(email, path, query=query)
            for t in exports:
                if t.nom.startswith(aggregates) or "raison_sociale" not in t.colonnes:
                    assert all(v == 0 or v >= 5 for v in _published_person_counts(t)), (path, query, t.nom)
                    assert t.diffusion and export.nom_fichier(t, "csv").endswith("_diffusion.csv")


@pytest.mark.parametrize(("email", "outside"), [("cta.sud@example.org", (A, D, E)),
                                              ("direction@siae-b.re", (A, C, D, E))])
def test_no_page_nor_export_names_a_structure_outside_the_scope(link, exports, email, outside):
    for path in sorted(allowed(email)):
        for query in ({"annee": "2024"}, {"annee": "2024", "siret": A}):
            exports.clear()
            at = run_as(email, path, query=query)
            body = text(at) + "".join(str(s.value or "") for s in at.selectbox)
            shown = [str(o) for s in at.selectbox for o in s.options]
            for siret in outside:
                assert NAMES[siret] not in body and not [o for o in shown if NAMES[siret] in o], (path, siret)
            for t in exports:
                csv_text = export.csv_bytes(t).decode("utf-8-sig")
                for siret in outside:
                    assert NAMES[siret] not in csv_text and siret not in csv_text, (path, t.nom)


def test_masked_cells_say_why_in_the_export(link, exports):
    run_as("cta.sud@example.org", "pages/publics.py", query={"annee": "2024", "bassins": "Nord"})
    t = next(t for t in exports if t.nom == "publics_repartition")
    data = pl.read_csv(io.BytesIO(export.csv_bytes(t)), separator=";", infer_schema=False)
    masked = data.filter(pl.col("Salariés en insertion") == "s")
    assert masked.height > 0
    # every hidden cell names its rule: a small count, too few structures behind it (a modality
    # no structure of the selection has is hidden too, else its missing row would tell it is 0)
    assert masked["Secret statistique"].str.contains("moins de 5 personnes|moins de 3 structures|recalculée").all()
    assert masked["Secret statistique"].str.contains("moins de 5 personnes").any()
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(export.xlsx_bytes(t)))
    assert "Secret statistique" in [c.value for c in wb["Filtres"]["A"]]


def test_exports_are_in_the_audit_log(link):
    t = export.Table(df=pl.DataFrame({"raison_sociale": ["x"]}), colonnes=("raison_sociale",), nom="essai",
                     titre="Essai")
    page.fichier_export(t, "csv", "")
    last = audit.read(link).row(0, named=True)
    assert last["evenement"] == "Export" and "essai.csv" in last["details"]


def test_committee_quality_counts_cover_the_selection_and_the_detail_its_basins(link):
    admin = run_as("admin@ddets.gouv.fr", "pages/qualite.py", query={"annee": "2024"})
    cta = run_as("cta.sud@example.org", "pages/qualite.py", query={"annee": "2024"})
    counts = {m.label: m.value for m in admin.metric}
    assert {m.label: m.value for m in cta.metric} == counts  # returns counted over every SIAE: consistent rate
    assert "structures des bassins Sud" in text(cta)


# ---------- the pre-filled workbook: person-level rows ----------

def prefilled_people(email: str, siret: str, monkeypatch) -> dict[str, list]:
    """The identifiant / annee_naissance rows of `siret`'s 2025 pre-filled workbook, as `email` downloads it."""
    import openpyxl

    from ui import acces

    monkeypatch.setattr(acces, "scope_courant", lambda: roles.scope(roles.charger()[email]))
    wb = openpyxl.load_workbook(io.BytesIO(classeurs.classeur_prerempli(siret, 2025)))
    out = {}
    for sheet in ("salaries_insertion", "personnel_permanent"):
        ws = wb[sheet]
        headers = [c.value for c in ws[1]]
        out[sheet] = [(r[headers.index("Identifiant")], r[headers.index("Année de naissance")])
                      for r in ws.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]
    return out


def test_a_committee_member_gets_no_person_in_the_prefilled_workbook_of_its_basin(link, monkeypatch):
    """The attack: a CTA member picks a structure of its basin on « Modèles de retour » (the list
    offers it) and downloads its pre-filled workbook; it must not carry one person."""
    at = run_as("cta.sud@example.org", "pages/modeles.py")
    offered = [str(o) for s in at.selectbox if s.key == "modele_siae" for o in s.options]
    assert any(B in o for o in offered)
    assert prefilled_people("cta.sud@example.org", B, monkeypatch) == {"salaries_insertion": [],
                                                                      "personnel_permanent": []}


def test_people_in_a_prefilled_workbook_for_the_state_and_the_structure_itself_only(link, monkeypatch):
    admin = prefilled_people("admin@ddets.gouv.fr", B, monkeypatch)
    assert admin["salaries_insertion"] and admin["personnel_permanent"]
    assert prefilled_people("agent@ddets.gouv.fr", B, monkeypatch) == admin
    assert prefilled_people("direction@siae-b.re", B, monkeypatch) == admin
    # A structure asking for another one's workbook (by calling the page's function) gets nobody.
    assert prefilled_people("direction@siae-b.re", C, monkeypatch) == {"salaries_insertion": [],
                                                                       "personnel_permanent": []}


def test_committee_picks_one_type_and_one_basin_even_from_a_link_naming_every_type(link):
    """Under statistical secrecy the widgets take one value: a link naming every type keeps the
    first (Streamlit drops the others from the bound widget), it is not read as "every type = no
    filter"; one basin of the list chosen filters on it; the widgets stay in French (no "Select all")."""
    at = run_as("cta.sud@example.org", query={"annee": "2024", "types": ["ACI", "AI", "EI", "ETTI"],
                                              "bassins": "Sud"})
    assert not at.exception
    assert at.session_state["_filtres"].types == ("ACI",) and at.session_state["_filtres"].bassins == ("SUD",)
    for key in ("types", "bassins"):
        widget = at.sidebar.multiselect(key=key)
        assert widget.proto.max_selections == 1 and widget.proto.select_all == 0  # 0: never shown
    assert "🔒 Secret statistique" in " ".join(c.value for c in at.sidebar.caption)


def test_every_option_chosen_is_no_filter_also_with_a_single_option():
    """A scope offering one basin: choosing it is the whole scope, no filter (ui.filtres)."""
    from ui.filtres import sans_filtre_si_tout

    assert sans_filtre_si_tout(["SUD"], ["SUD"]) == ()
    assert sans_filtre_si_tout(["SUD"], ["NORD", "SUD"]) == ("SUD",)
    assert sans_filtre_si_tout([], ["SUD"]) == ()
