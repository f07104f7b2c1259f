"""The committee pack (python -m warehouse pack, page « Dossier de comité») and "what changed
since the last committee" (warehouse.changements).

The pack is built on the seed data; "what changed" on the hand-computed fixture
(tests/fixtures/indicateurs) loaded in two rounds, the first one dated back to January 2025.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from conftest import ROOT

from loaders.load import load_files
from ui import labels
from ui.format import fmt_valeur
from warehouse import changements, queries, queries_territoires
from warehouse.db import connect_read, list_versions
from warehouse.scope import Filters, Scope

FIXTURE = ROOT / "tests" / "fixtures" / "indicateurs"
BATIMENT_SUD, SERVICES_TAMPON = "22222222000014", "33333333000012"  # the two SIAE of SUD in 2024
CTA_SUD = Scope(bassins=("SUD",), secret_statistique=True, personnes=False)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "warehouse", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> Path:
    link = tmp_path_factory.mktemp("seed") / "iae.duckdb"
    subprocess.run([sys.executable, "-m", "loaders", "seed", "--db", str(link)], cwd=ROOT, check=True,
                   capture_output=True, timeout=600)
    return link


def pdf_text(path_or_bytes) -> str:
    from pypdf import PdfReader

    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r" {2,}", " ", text)  # justified lines come out with wider spaces


def plat(text: str) -> str:
    """Words only: no-break spaces and line ends as single spaces."""
    return " ".join(text.split())


def sheet(path: Path, name: str) -> list[dict]:
    ws = openpyxl.load_workbook(path)[name]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def read(link: Path, fn, f: Filters, scope: Scope, **options) -> pl.DataFrame:
    con = connect_read(link)
    try:
        return fn(con, f, scope, **options)
    finally:
        con.close()


# ---- the command ----

def test_cli_writes_both_files_with_the_views_figures(seed, tmp_path):
    out = tmp_path / "dossiers"
    run = cli("pack", "--bassin", "SUD", "--annee", "2025", "--depuis", "2025-01-01", "--out", str(out),
              "--db", str(seed))
    assert run.returncode == 0, run.stderr
    xlsx, pdf = out / "comite_SUD_2025.xlsx", out / "comite_SUD_2025.pdf"
    assert xlsx.exists() and pdf.exists()

    terr = read(seed, queries.territoire, Filters(annee=2025, bassins=("SUD",)), Scope.admin(), depuis=2024)
    n = terr.filter(pl.col("annee") == 2025).row(0, named=True)
    dep = read(seed, queries.territoire, Filters(annee=2025), Scope.admin()).row(0, named=True)
    text = pdf_text(pdf)
    assert "Bassin Sud" in text and "2025" in text
    for col in ("nb_salaries", "etp_insertion", "taux_sortie_dynamique", "chiffre_affaires"):
        assert fmt_valeur(n[col], {"nb_salaries": "nombre", "etp_insertion": "etp", "chiffre_affaires": "euros",
                                   "taux_sortie_dynamique": "pourcentage"}[col]) in text, col
    # French format as printed: a narrow no-break space between thousands and before %
    assert f"{n['nb_salaries'] // 1000}\u202f{n['nb_salaries'] % 1000:03d}" in text
    taux = Decimal(repr(n["taux_sortie_dynamique"] * 100)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert f"{taux}".replace(".", ",") + "\u202f%" in text  # one decimal, half away from zero
    assert fmt_valeur(dep["nb_salaries"], "nombre") in text  # the department beside the basin
    assert "Page 1 / " in text and "Ce qui a changé depuis le dernier comité (01/01/2025)" in text

    # The workbook holds the numbers of the pages' queries for the same filters.
    cles = sheet(xlsx, "Chiffres clés")
    sud = next(r for r in cles if r["Année"] == 2025 and r["Bassin"] == "Sud")
    assert sud["Salariés en insertion"] == n["nb_salaries"]
    assert sud["Taux de sortie dynamique"] == pytest.approx(n["taux_sortie_dynamique"])
    tous = next(r for r in cles if r["Année"] == 2025 and r["Bassin"] == "Tous les bassins")
    assert tous["Salariés en insertion"] == dep["nb_salaries"]
    liste = read(seed, queries.siae, Filters(annee=2025, bassins=("SUD",)), Scope.admin())
    structures = sheet(xlsx, "Structures")
    assert [r["SIRET"] for r in structures] == liste["siret"].to_list()
    assert [r["Chiffre d'affaires"] for r in structures] == liste["chiffre_affaires"].to_list()
    sorties = read(seed, queries.sorties, Filters(annee=2025, bassins=("SUD",)), Scope.admin())
    assert sum(r["Sorties"] for r in sheet(xlsx, "Sorties")) == sorties["nb_sorties"].sum()
    names = openpyxl.load_workbook(xlsx).sheetnames
    assert names[:3] == ["Chiffres clés", "Bassins", "Structures"] and "Points d'attention" in names
    assert names[-2:] == ["Filtres", "Définitions"] and "Retours depuis" in names

    # Rendered for a look: pdftoppm (poppler-utils), pages 1 and 2.
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "3", str(pdf), str(tmp_path / "p")], check=True)
    assert (tmp_path / "p-01.png").stat().st_size > 10_000


def test_cli_four_basins_and_the_department_at_once(seed, tmp_path):
    run = cli("pack", *[a for b in ("NORD", "EST", "OUEST", "SUD", "TOUS") for a in ("--bassin", b)],
              "--annee", "2024", "--out", str(tmp_path), "--db", str(seed))
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == [
        f"comite_{b}_2024.pdf" for b in ("EST", "NORD", "OUEST", "SUD", "TOUS")]
    assert "Département (tous les bassins)" in pdf_text(tmp_path / "comite_TOUS_2024.pdf")
    audit = (seed.parent / "iae.duckdb.audit.jsonl").read_text(encoding="utf-8")
    assert audit.count('"comite_') >= 10  # every file noted as an export


def test_cli_bad_usage_in_french(seed, tmp_path):
    run = cli("pack", "--bassin", "CENTRE", "--annee", "2025", "--out", str(tmp_path), "--db", str(seed))
    assert run.returncode == 2 and "bassin inconnu : CENTRE" in run.stderr
    run = cli("pack", "--bassin", "SUD", "--annee", "2031", "--out", str(tmp_path), "--db", str(seed))
    assert run.returncode == 2 and "aucune SIAE conventionnée en 2031" in run.stderr
    run = cli("pack", "--bassin", "SUD", "--annee", "2025", "--depuis", "hier", "--out", str(tmp_path),
              "--db", str(seed))
    assert run.returncode == 2 and "AAAA-MM-JJ" in run.stderr
    run = cli("pack", "--bassin", "SUD", "--annee", "2025", "--out", str(tmp_path), "--db", str(tmp_path / "x.duckdb"))
    assert run.returncode == 1 and "Aucun entrepôt" in run.stderr
    aide = cli("pack", "--help").stdout
    assert "--bassin NORD --bassin EST --bassin OUEST --bassin SUD --bassin TOUS" in " ".join(aide.split())
    assert "--diffusion" in aide and "secret statistique" in aide
    assert not list(tmp_path.glob("*.pdf"))


# ---- statistical secrecy: a committee's pack holds what its screens show, no more ----

def test_committee_pack_holds_nothing_its_screens_would_not_show(seed, tmp_path):
    from documents import comite, comite_pdf

    con = connect_read(seed)
    try:
        d = comite.lire(con, seed, "SUD", 2025, CTA_SUD)
        admin = comite.lire(con, seed, "SUD", 2025, Scope.admin())
    finally:
        con.close()
    f = Filters(annee=2025, bassins=("SUD",))
    screen = read(seed, queries.sorties, f, CTA_SUD)
    assert d.sorties.equals(screen)
    hidden = screen.filter(pl.col("nb_sorties").is_null())["motif_sortie"].to_list()
    assert hidden, "the seed's small exit reasons of a basin are hidden for a committee"
    (tmp_path / "c.xlsx").write_bytes(comite.xlsx(d))
    rows = {r[labels.colonne("motif_libelle")]: r[labels.colonne("nb_sorties")] for r in sheet(tmp_path / "c.xlsx", "Sorties")}
    shown = dict(zip(admin.sorties["motif_libelle"], admin.sorties["nb_sorties"]))
    masked = screen.filter(pl.col("nb_sorties").is_null())["motif_libelle"].to_list()
    for motif in masked:
        assert rows[motif] == "s"
    # hidden for the committee, known to officers; a motive no one of the basin left for is a
    # hidden row for the committee too (its absence would say 0), and no row for officers
    assert [m for m in masked if shown.get(m) is not None]
    assert all(shown.get(m) is not None for m in masked if m in shown)
    text = pdf_text(comite_pdf.pdf(d))
    assert "Secret statistique appliqué" in text
    # Rows about one SIAE: only the basin's, as on the Structures page of the committee.
    others = read(seed, queries.siae, Filters(annee=2025), Scope.admin()).filter(pl.col("bassin") != "SUD")
    assert not [s for s in others["siret"] if s in text]
    assert set(d.structures["bassin"]) == {"SUD"}
    assert d.territoire.equals(read(seed, queries.territoire, f, CTA_SUD, depuis=2021))
    # The map: the Territoires page's rows for this committee, persons in the SIAE hidden.
    assert d.communes.equals(read(seed, queries_territoires.densite_communes, f, CTA_SUD))
    assert set(d.communes["bassin"]) == {"SUD"} and d.communes["nb_salaries"].null_count() == d.communes.height
    assert "Carte : ETP conventionnés pour 1 000 demandeurs par commune, Bassin Sud, 2025" in plat(text)


# ---- the map of the basin ----

def images(pdf: bytes) -> int:
    from pypdf import PdfReader

    return sum(len(p.images) for p in PdfReader(io.BytesIO(pdf)).pages)


def test_pack_pdf_holds_the_basin_map_when_the_demand_figures_are_loaded(seed, monkeypatch):
    from dataclasses import replace

    from documents import comite, comite_pdf
    from ui import carte

    con = connect_read(seed)
    try:
        d = comite.lire(con, seed, "SUD", 2025, Scope.admin())
    finally:
        con.close()
    assert d.communes.equals(read(seed, queries_territoires.densite_communes, Filters(annee=2025, bassins=("SUD",)),
                                  Scope.admin()))
    assert d.communes.height == 10  # the ten communes of the Sud basin in the seed's referential
    titre = "Carte : ETP conventionnés pour 1 000 demandeurs par commune, Bassin Sud, 2025"
    avec = comite_pdf.pdf(d)
    text = plat(pdf_text(avec))
    assert titre in text and "3. Carte des communes" in text
    assert "IGN, INSEE — Admin Express COG 2018" in text
    sans = comite_pdf.pdf(replace(d, communes=None))  # no demand figures: no map, one image fewer
    assert images(avec) == images(sans) + 1
    assert "Carte" not in pdf_text(sans)
    monkeypatch.setattr(carte, "contours", lambda: {})  # no outlines: a line says so, no image
    sans_contours = comite_pdf.pdf(d)
    assert "Pas de carte : aucune commune de ce territoire n'a de contour." in pdf_text(sans_contours)
    assert images(sans_contours) == images(sans)


def test_pack_of_a_year_without_demand_figures_builds_without_the_map(deux_versions):
    from documents import comite, comite_pdf

    con = connect_read(deux_versions)
    try:
        assert queries_territoires.annees_demande(con, Filters(), Scope.admin()).is_empty()
        d = comite.lire(con, deux_versions, "SUD", 2024, Scope.admin())
    finally:
        con.close()
    assert d.communes is None
    text = pdf_text(comite_pdf.pdf(d))
    assert "Les structures 2024" in text and "Carte" not in text


# ---- what changed since: a late return, a corrected one, a missing one ----

def csv_1252(path: Path, lines: list[str]) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


@pytest.fixture(scope="module")
def deux_versions(tmp_path_factory) -> Path:
    """Round 1 (dated 10/01/2025): the fixture without Bâtiment Sud's 2024 accounts. Round 2
    (today): those accounts arrive late, and Services Tampon corrects its 2024 turnover from
    45 000 € to 60 000 €. Services Tampon's 2024 integration employees never came."""
    folder = tmp_path_factory.mktemp("changements")
    link = folder / "iae.duckdb"
    head, *rows = (FIXTURE / "finances.csv").read_text(encoding="utf-8").splitlines()
    sans = folder / "finances.csv"
    sans.write_text("\n".join([head, *[r for r in rows if not r.startswith(f"2024;{BATIMENT_SUD}")]]) + "\n",
                    encoding="utf-8")
    files = [FIXTURE / n for n in ("conventions.csv", "structure.csv", "salaries_insertion.csv",
                                   "personnel_permanent.csv")] + [sans]
    for r in load_files(files, link, user="tests"):
        assert r.status == "loaded", (r.name, r.errors)
    janvier = datetime(2025, 1, 10, 9, 0).timestamp()
    for v in list_versions(link):
        os.utime(v.path, (janvier, janvier))
    head_fr = ("Année;SIRET;Chiffre d'affaires (€);Aides État;Aides département;Aides région;Aides communes;FSE;"
               "Autres aides publiques;Fonds propres;Résultat net;Total charges")
    late = csv_1252(folder / "finances_batiment_sud_2024.csv",
                    [head_fr, f"2024;{BATIMENT_SUD};250 000,00;40 000;;;;;10 000;50 000;10 000;290 000"])
    fixed = csv_1252(folder / "finances_services_tampon_2024_corrige.csv",
                     [head_fr, f"2024;{SERVICES_TAMPON};60 000,00;32 000;;;;;;-5 000;10 000;67 000"])
    for r in load_files([late, fixed], link, user="tests"):
        assert r.status == "loaded", (r.name, r.errors)
    return link


def test_version_in_force_on_a_date(deux_versions):
    vs = list_versions(deux_versions)
    assert changements.version_au(deux_versions, date(2025, 1, 9)) is None
    assert len(vs) == 2  # one version per load: round 1, round 2
    assert changements.version_au(deux_versions, date(2025, 1, 10)).number == vs[0].number
    assert changements.version_au(deux_versions, date.today()).number == vs[-1].number


def test_returns_received_replaced_and_still_missing(deux_versions):
    f = Filters(annee=2024, bassins=("SUD",))
    _, retours, _ = changements.comparer(deux_versions, date(2025, 3, 1), f, Scope.admin())
    assert retours.select("changement", "siret", "template").rows() == [
        ("RECU_DEPUIS", BATIMENT_SUD, "finances"),
        ("REMPLACE", SERVICES_TAMPON, "finances"),
        ("MANQUANT", SERVICES_TAMPON, "salaries_insertion"),
    ]
    assert retours["changement_libelle"].to_list() == ["Reçu depuis", "Remplacé (corrigé)", "Toujours manquant"]


def test_indicators_that_moved_with_old_and_new_values(deux_versions):
    f = Filters(annee=2024, bassins=("SUD",))
    _, _, ind = changements.comparer(deux_versions, date(2025, 3, 1), f, Scope.admin())
    got = {r["indicateur"]: (r["avant"], r["apres"]) for r in ind.iter_rows(named=True)}
    assert set(ind["annee"]) == {2024}  # 2023 untouched
    assert got == {
        # before: Services Tampon's accounts only; after: Bâtiment Sud's (250 000) and the correction (60 000)
        "nb_retours_complets": (0, 1),  # Bâtiment Sud now has its four returns; Services Tampon still lacks one
        "taux_retour": (0, 0.5),
        "chiffre_affaires": (45_000, 310_000),
        "financement_public": (32_000, 32_000 + 40_000 + 10_000),
        "ratio_public_ca": (pytest.approx(32_000 / 45_000), pytest.approx(82_000 / 310_000)),
        "fonds_propres_pct_ca": (pytest.approx(-5_000 / 45_000), pytest.approx(45_000 / 310_000)),
    }


def test_nothing_changed_since_today(deux_versions):
    _, retours, ind = changements.comparer(deux_versions, date.today(), Filters(annee=2024, bassins=("SUD",)),
                                           Scope.admin())
    assert retours["changement"].to_list() == ["MANQUANT"] and ind.is_empty()


# ---- the page ----

USERS = """
[[utilisateur]]
email = "admin@ddets.gouv.fr"
role = "admin"

[[utilisateur]]
email = "cta.sud@example.org"
role = "cta"
bassins = ["SUD"]
"""
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "id", "client_secret": "secret",
        "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}


@pytest.fixture(scope="module")
def app(deux_versions, tmp_path_factory):
    from browser_helpers import iae_db

    users = tmp_path_factory.mktemp("users") / "utilisateurs.toml"
    users.write_text(USERS, encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv("IAE_UTILISATEURS", str(users))
    with iae_db(deux_versions):
        yield deux_versions
    mp.undo()


def run_as(email: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email}
    at.query_params.update({"annee": "2024"})
    at.run()
    at.switch_page("pages/dossier_comite.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_page_admin_sees_what_changed_and_gets_both_files(app):
    at = run_as("admin@ddets.gouv.fr")
    assert at.title[0].value == "Dossier de comité"
    options = at.selectbox(key="comite_bassin").options
    assert options[-1] == "Département (tous les bassins)" and "Bassin Sud" in options
    labels_ = [b.proto.label for b in at.get("download_button")]
    assert "⬇️ Dossier PDF" in labels_ and "⬇️ Classeur Excel" in labels_
    at.selectbox(key="comite_bassin").set_value("SUD").run()
    at.date_input(key="comite_depuis").set_value(date(2025, 3, 1)).run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric} == {"Reçu depuis": "1", "Remplacé (corrigé)": "1",
                                                      "Toujours manquant": "1", "Refusé, toujours attendu": "0"}
    retours = at.dataframe[0].value
    assert list(retours["siret"]) == [BATIMENT_SUD, SERVICES_TAMPON, SERVICES_TAMPON]
    indicateurs = at.dataframe[1].value.set_index("libelle")
    assert indicateurs.loc["Chiffre d'affaires", "avant"] == "45\u202f000\u202f€"
    assert indicateurs.loc["Chiffre d'affaires", "apres"] == "310\u202f000\u202f€"


def test_page_committee_gets_its_basins_only_under_secrecy(app):
    at = run_as("cta.sud@example.org")
    assert at.selectbox(key="comite_bassin").options == ["Bassin Sud"]
    assert "Secret statistique appliqué" in " ".join(c.value for c in at.caption)
    at.date_input(key="comite_depuis").set_value(date(2025, 3, 1)).run()
    assert not at.exception
    # Two SIAE in the basin: money over fewer than 3 structures was secret before and is still
    # secret, so no amount shows as "changed"; the count of complete returns is no secret.
    indicateurs = at.dataframe[1].value
    assert list(indicateurs["libelle"]) == ["Retours complets", "Taux de retour"]
    assert list(indicateurs["apres"]) == ["1", "50,0 %"]
