"""Sign-in for real: Chromium signs in through `st.login` at a local OpenID Connect provider.

The provider is oidc-provider-mock (requirements.txt), served from a thread of this process
on a free port of 127.0.0.1; it puts the claims chosen here in the id_token, as Streamlit
reads no userinfo endpoint. The app is a real `streamlit run` whose only secrets.toml is
written here (its `[auth]` section points at the provider) and whose users file
(IAE_UTILISATEURS) has one admin, one agent, one CTA member (Nord) and one structure
(Jardins du Nord). The warehouse is a private copy of the fixture, so the audit log beside
it holds this module's sign-ins only.

Uses Debian's /usr/bin/chromium (`make test` installs it as root); never `playwright install`.
"""

from __future__ import annotations

import json
import secrets
import shutil
import threading
import time
import warnings

import pytest
from browser_helpers import (CHROMIUM, NAV, SCREENSHOTS, chromium, free_port, nav_click, nav_titles, streamlit_server,
                             wait_for_app)
from conftest import fixture_warehouse

pytest.importorskip("playwright.sync_api", reason="paquet playwright absent (requirements.txt)")
with warnings.catch_warnings():  # it imports Authlib modules that Authlib says are deprecated
    try:
        import authlib.deprecate  # noqa: F401  its import shows all its warnings: ignore them after it
    except ImportError:
        pass
    warnings.simplefilter("ignore", DeprecationWarning)
    oidc_provider_mock = pytest.importorskip("oidc_provider_mock",
                                             reason="paquet oidc-provider-mock absent (requirements.txt)")
# The provider calls Authlib server methods that Authlib says are deprecated: not this project's.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
if not CHROMIUM.exists():
    pytest.skip(f"Chromium absent : {CHROMIUM} introuvable. `make test` l'installe en root "
                "(apt-get install chromium) ; sinon les tests dans le navigateur sont ignorés.",
                allow_module_level=True)

WAIT = 30_000  # ms, every wait is bounded

A, E = "11111111000016", "55555555000014"  # Jardins du Nord, Intérim Solidaire Nord (fixture)

# The provider's accounts: the subject typed in its form, and the claims of its id_token.
COMPTES = {
    "admin": {"email": "admin@ddets.gouv.fr", "name": "Alice Admin"},
    "agent": {"email": "agent@ddets.gouv.fr", "name": "Arthur Agent"},
    "cta": {"email": "Cta.Nord@example.org", "name": "Camille CTA"},  # case differs from the users file
    "structure": {"email": "direction@jardins-du-nord.re", "name": "Sam Structure"},
    "sans-role": {"email": "inconnu@example.org", "name": "Inès Inconnue"},
    "sans-courriel": {"name": "Compte sans adresse"},  # no email claim in the id_token
}

USERS = f"""
[[utilisateur]]
email = "admin@ddets.gouv.fr"
role = "admin"
nom = "Alice Admin"

[[utilisateur]]
email = "agent@ddets.gouv.fr"
role = "agent"
nom = "Arthur Agent"

[[utilisateur]]
email = "cta.nord@example.org"
role = "cta"
nom = "Camille CTA"
bassins = ["NORD"]

[[utilisateur]]
email = "direction@jardins-du-nord.re"
role = "structure"
nom = "Sam Structure"
sirets = ["{A}"]
"""


@pytest.fixture(scope="module")
def provider():
    """oidc-provider-mock on a free port of 127.0.0.1, in a thread; its base URL (the issuer)."""
    from oidc_provider_mock import User
    from werkzeug.serving import make_server

    wsgi = oidc_provider_mock.app(user_claims=[User(sub=sub, claims=claims) for sub, claims in COMPTES.items()])
    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def app(provider, tmp_path_factory):
    """The app with sign-in configured: (base URL, warehouse link)."""
    folder = tmp_path_factory.mktemp("oidc")
    wh = folder / "wh"
    shutil.copytree(fixture_warehouse().parent, wh, symlinks=True,
                    ignore=shutil.ignore_patterns("*.log", "*.audit.jsonl", "*.prochaine*"))
    link = wh / "iae.duckdb"
    users = folder / "utilisateurs.toml"
    users.write_text(USERS, encoding="utf-8")
    port = free_port()
    secrets_toml = folder / "secrets.toml"
    secrets_toml.write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "{secrets.token_urlsafe(32)}"
client_id = "observatoire-iae-tests"
client_secret = "{secrets.token_urlsafe(16)}"
server_metadata_url = "{provider}/.well-known/openid-configuration"
""", encoding="utf-8")
    with streamlit_server(link, port=port, secrets=secrets_toml, env={"IAE_UTILISATEURS": str(users)},
                          timeout=60) as url:
        yield url, link


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    """A fresh browser context per test: no sign-in cookie left by another test."""
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
    ctx.set_default_timeout(WAIT)
    p = ctx.new_page()
    yield p
    ctx.close()


def sign_in(page, url: str, sub: str) -> None:
    """Open the app, click "Se connecter", sign in on the provider's form as `sub`, come back."""
    page.goto(url)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda u: not u.startswith(url), timeout=WAIT)  # the provider's page
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(lambda u: u.startswith(url) and "oauth2callback" not in u, timeout=WAIT)
    wait_for_app(page, WAIT)


def sidebar(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


def nav(page) -> list[str]:
    return nav_titles(page)


def go_to(page, title: str) -> None:
    nav_click(page, title)
    page.wait_for_function("t => { const h = document.querySelector('[data-testid=\"stMain\"] h1');"
                           " return h && h.innerText.includes(t); }", arg=title, timeout=WAIT)
    wait_for_app(page, WAIT)


def caption_count(page) -> str:
    """The "N SIAE." caption of the Structures page."""
    return page.locator('[data-testid="stCaptionContainer"]', has_text=" SIAE.").first.inner_text()


def assert_clean(page, where: str) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, where
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "Error" not in body, where


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"connexion_{name}.png"), full_page=True)


def sign_ins(link, email: str) -> int:
    """Sign-in lines of `email` in the audit log beside the warehouse."""
    path = link.with_name(link.name + ".audit.jsonl")
    if not path.exists():
        return 0
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return sum(1 for r in lines if r["evenement"] == "connexion" and r["utilisateur"] == email)


# ---------- each role signs in and sees its scope ----------

def test_before_sign_in_only_the_button(page, app):
    url, _ = app
    page.goto(url + "/structures")
    page.get_by_role("button", name="Se connecter").wait_for(timeout=WAIT)
    assert page.locator(NAV).count() == 0
    assert page.locator('[data-testid="stMetric"]').count() == 0
    assert_clean(page, "avant connexion")


def test_admin_signs_in_and_sees_everything(page, app):
    url, _ = app
    sign_in(page, url + "/?annee=2024", "admin")
    assert "Connecté(e) : Alice Admin — Administrateur" in sidebar(page)
    assert "Mode local" not in sidebar(page)
    entries = nav(page)
    for title in ("Vue d'ensemble", "Structures", "Importer des retours", "Utilisateurs et journal"):
        assert any(title in e for e in entries), (title, entries)
    shot(page, "admin")
    go_to(page, "Structures")
    assert caption_count(page).startswith("5 SIAE"), caption_count(page)
    assert_clean(page, "admin")
    go_to(page, "Utilisateurs et journal")  # the journal is a table (a canvas): see its screenshot
    assert_clean(page, "journal")
    shot(page, "admin_journal")


def test_cta_member_sees_its_basin_only_and_no_import(page, app):
    url, _ = app
    sign_in(page, url + "/?annee=2024", "cta")
    text = sidebar(page)
    assert "Connecté(e) : Camille CTA — Membre d'un comité technique d'animation (CTA) (NORD)" in text, text
    entries = nav(page)
    assert any("Structures" in e for e in entries)
    for title in ("Importer des retours", "Historique des chargements", "Utilisateurs et journal"):
        assert not any(title in e for e in entries), (title, entries)
    go_to(page, "Structures")
    assert caption_count(page).startswith("2 SIAE"), caption_count(page)  # A and E, the Nord ones
    shot(page, "cta_structures")
    assert_clean(page, "cta")
    page.goto(url + "/import_retours")  # a page it may not open: the default page instead
    wait_for_app(page, WAIT)
    assert "Importer des retours" not in page.locator('[data-testid="stMain"] h1').first.inner_text()


def test_structure_sees_its_own_sheet(page, app):
    url, _ = app
    sign_in(page, url + "/?annee=2024", "structure")
    assert "Connecté(e) : Sam Structure — Structure (SIAE)" in sidebar(page)
    entries = nav(page)
    for title in ("Importer des retours", "Qualité des données", "Utilisateurs et journal"):
        assert not any(title in e for e in entries), (title, entries)
    go_to(page, "Fiche SIAE")
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "Jardins du Nord" in main
    assert "Intérim Solidaire Nord" not in main and "Bâtiment Sud Insertion" not in main
    shot(page, "structure_fiche")
    go_to(page, "Structures")
    assert caption_count(page).startswith("1 SIAE"), caption_count(page)
    assert_clean(page, "structure")


# ---------- accounts the app cannot let in ----------

def test_an_account_without_a_role_gets_a_french_refusal(page, app):
    url, _ = app
    sign_in(page, url, "sans-role")
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "Accès non autorisé" in main
    assert "inconnu@example.org" in main and "n'a pas de rôle dans l'Observatoire" in main
    assert page.locator(NAV).count() == 0
    assert page.locator('[data-testid="stMetric"]').count() == 0
    assert_clean(page, "sans rôle")
    shot(page, "sans_role")


def test_an_account_without_an_email_claim_gets_a_french_explanation(page, app):
    url, _ = app
    sign_in(page, url, "sans-courriel")
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "Accès non autorisé" in main
    assert "adresse électronique" in main and "jeton d'identité" in main
    assert "utilisateur inconnu" not in main
    assert page.locator(NAV).count() == 0
    assert_clean(page, "sans adresse")
    shot(page, "sans_courriel")


# ---------- the audit log ----------

def wait_for_sign_ins(link, email: str, n: int) -> int:
    """The line is written by the server: give it a moment, then say how many there are."""
    deadline = time.monotonic() + 5
    while sign_ins(link, email) < n and time.monotonic() < deadline:
        time.sleep(0.2)
    return sign_ins(link, email)


def test_one_audit_line_per_sign_in_not_per_page_load(page, app):
    url, link = app
    email = COMPTES["agent"]["email"]
    before = sign_ins(link, email)
    sign_in(page, url + "/?annee=2024", "agent")
    for title in ("Structures", "Bassins", "Finances"):  # reruns in the same Streamlit session
        go_to(page, title)
    page.reload()  # a new Streamlit session, with the same sign-in cookie
    wait_for_app(page, WAIT)
    page.goto(url + "/bassins?annee=2023")  # a deep link: another page load
    wait_for_app(page, WAIT)
    second = page.context.new_page()  # another tab of the same browser
    second.goto(url)
    wait_for_app(second, WAIT)
    second.close()
    assert "Connecté(e) : Arthur Agent" in sidebar(page)
    assert wait_for_sign_ins(link, email, before + 1) == before + 1

    # Signing out goes through the provider's end of session and back to "Se connecter";
    # signing in again is a new sign-in, and a new line.
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(lambda u: not u.startswith(url), timeout=WAIT)
    page.get_by_role("button", name="End session").click()
    page.get_by_role("button", name="Se connecter").wait_for(timeout=WAIT)
    assert page.locator(NAV).count() == 0
    sign_in(page, url, "agent")
    assert wait_for_sign_ins(link, email, before + 2) == before + 2
