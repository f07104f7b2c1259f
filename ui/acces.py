"""Who is using the app: sign-in (st.login), local mode, and the user's scope.

With an `[auth]` section in .streamlit/secrets.toml, users sign in with OpenID Connect
(ProConnect or the ministry's identity provider, see the README) and their e-mail is looked
up in config/utilisateurs.toml for a role. Without it, the app runs in local mode: one
local administrator, for the officer who runs `make run` on their own computer; `make run`
serves on 127.0.0.1 only and a request from another machine is refused here as well.

`scope_courant()` is what every query of ui.data applies (warehouse.roles).
"""

from __future__ import annotations

import ipaddress
import threading

import streamlit as st

from warehouse import audit, roles
from warehouse.db import db_path
from warehouse.queries import Scope

DIFFUSION_KEY = "diffusion"
_CONNEXION_NOTEE = "_connexion_notee"
# The sign-ins already in an audit log, for this server process: a page load, a reload or a
# new tab opens a new Streamlit session, with the same sign-in cookie (see _noter_connexion).
_CONNEXIONS_NOTEES: set[tuple[str, ...]] = set()
_VERROU = threading.Lock()


def auth_configuree() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all: local mode
        return False


def _client_local() -> bool:
    """Streamlit gives no IP address for a browser on this machine (nor in AppTest, where it
    is a mock object)."""
    ip = st.context.ip_address
    if not isinstance(ip, str) or not ip:
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def utilisateur_courant() -> roles.Utilisateur | None:
    """The signed-in user with a role, the local administrator in local mode, else None."""
    if not auth_configuree():
        return roles.LOCAL_ADMIN if _client_local() else None
    if not st.user.is_logged_in:
        return None
    try:
        return roles.trouver(st.user.get("email"), roles.charger())
    except roles.ConfigurationInvalide:
        return None


def diffusion() -> bool:
    """An admin or agent chose "tables for circulation": statistical secrecy on everything."""
    return bool(st.session_state.get(DIFFUSION_KEY, False))


def scope_courant() -> Scope:
    user = utilisateur_courant()
    if user is None:
        return Scope(bassins=(), sirets=(), secret_statistique=True, personnes=False)
    return roles.scope(user, diffusion=diffusion())


def nom_utilisateur() -> str:
    """Who the load history and the audit log record for an action in the app."""
    user = utilisateur_courant()
    if user is None or user is roles.LOCAL_ADMIN:
        import getpass

        return f"{getpass.getuser()} (application)"
    return user.email


def porte() -> roles.Utilisateur:
    """Let in a user with a role, or say why not and stop the run (app.py calls it first)."""
    if not auth_configuree():
        if not _client_local():
            _ecran(lambda: st.error(
                "Mode local : l'Observatoire n'est accessible que depuis l'ordinateur qui le fait tourner. "
                "Pour un accès depuis d'autres postes, configurez la connexion (voir le README)."))
        st.sidebar.warning("**Mode local** : connexion non configurée ; vous êtes l'administrateur, sur cet "
                           "ordinateur seulement.", icon="🔓")
        _noter_connexion(roles.LOCAL_ADMIN, mode="local")
        return roles.LOCAL_ADMIN

    if not st.user.is_logged_in:
        _ecran(_connexion)
    if not str(st.user.get("email") or "").strip():
        _ecran(_sans_courriel)
    try:
        user = roles.trouver(st.user.get("email"), roles.charger())
    except roles.ConfigurationInvalide as exc:
        _ecran(lambda: st.error(f"La liste des utilisateurs ne peut pas être lue : {exc} "
                                "Prévenez l'administrateur."))
    if user is None:
        _ecran(_non_autorise)
    _noter_connexion(user, mode="oidc")
    with st.sidebar:
        st.caption(f"Connecté(e) : **{user.nom or user.email}** — {user.libelle_role}"
                   + (f" ({', '.join(user.bassins)})" if user.bassins else ""))
        st.button("Se déconnecter", on_click=st.logout, key="deconnexion")
    return user


def _ecran(contenu) -> None:
    """Show a screen instead of the app and stop. Declaring it as the only page keeps
    Streamlit from listing the pages/ folder in a sidebar (its legacy multipage mode)."""
    st.navigation([st.Page(contenu, title="Observatoire IAE", icon="📊", default=True)], position="hidden").run()
    st.stop()


def _connexion() -> None:
    st.title("Observatoire IAE")
    st.write("Tableau de bord de l'insertion par l'activité économique. L'accès est réservé aux agents "
             "de l'État, aux membres des comités de bassin et aux structures qui y sont autorisés.")
    st.button("Se connecter", type="primary", on_click=st.login, icon="🔑")


def _non_autorise() -> None:
    st.title("Accès non autorisé")
    st.warning(f"Vous êtes connecté(e) comme {st.user.get('email') or 'utilisateur inconnu'}, mais cette "
               "adresse n'a pas de rôle dans l'Observatoire. Demandez à l'administrateur de vous ajouter "
               "à la liste des utilisateurs.")
    st.button("Se déconnecter", on_click=st.logout)


def _sans_courriel() -> None:
    st.title("Accès non autorisé")
    st.warning("Vous êtes connecté(e), mais votre compte n'a pas transmis d'adresse électronique : "
               "l'Observatoire ne peut donc pas savoir qui vous êtes ni quel est votre rôle. Prévenez "
               "l'administrateur : le fournisseur d'identité doit mettre l'adresse électronique (« email ») "
               "dans le jeton d'identité.")
    st.button("Se déconnecter", on_click=st.logout)


def _cle_connexion(user: roles.Utilisateur, mode: str) -> tuple[str, ...] | None:
    """What names one sign-in across the page loads of a browser, or None if nothing does.

    OpenID Connect: the id_token's issuer, subject, nonce and time of issue, new at each
    sign-in and kept in Streamlit's sign-in cookie. Local mode: the server process itself
    (one line per `make run`)."""
    journal = str(db_path())
    if mode != "oidc":
        return (journal, "local", nom_utilisateur())
    claims = st.user.to_dict()
    jeton = tuple(str(claims.get(k) or "") for k in ("iss", "sub", "nonce", "iat"))
    if not any(jeton[2:]):  # no id_token behind st.user (AppTest): the session is all we know
        return None
    return (journal, user.email, *jeton)


def _noter_connexion(user: roles.Utilisateur, *, mode: str) -> None:
    """One audit line per sign-in: not one per rerun, page load, reload or tab. Kept in memory,
    so a restart of the server may write one more line for a browser already signed in."""
    if st.session_state.get(_CONNEXION_NOTEE):
        return
    st.session_state[_CONNEXION_NOTEE] = True
    cle = _cle_connexion(user, mode)
    if cle is not None:
        with _VERROU:
            if cle in _CONNEXIONS_NOTEES:
                return
            _CONNEXIONS_NOTEES.add(cle)
    try:
        audit.record(db_path(), "connexion", user.email if mode == "oidc" else nom_utilisateur(),
                     **{"rôle": user.role, "mode": "OpenID Connect" if mode == "oidc" else "local"})
    except OSError:
        pass  # a read-only disk must not lock users out; loads would fail loudly anyway


def choix_diffusion(user: roles.Utilisateur) -> None:
    """The sidebar switch of statistical secrecy (admin, agent), or the notice that it applies."""
    from warehouse import settings

    conf = settings.load()
    regle = (f"effectifs de moins de {conf.seuil_personnes} personnes et montants de moins de "
             f"{conf.seuil_structures} structures masqués, avec les cases qui permettraient de les recalculer")
    if user.role in ("admin", "agent"):
        st.sidebar.toggle("Tableaux à diffuser (secret statistique)", key=DIFFUSION_KEY,
                          help=f"Pour un document qui sort du service : {regle}. Les exports le mentionnent.")
    else:
        st.sidebar.caption(f"🔒 Secret statistique appliqué : {regle}.")


def est_admin() -> bool:
    user = utilisateur_courant()
    return user is not None and user.role == "admin"


def peut_importer() -> bool:
    user = utilisateur_courant()
    return user is not None and user.peut_importer


def noter_export(fichier: str, lignes: int, diffusion_: bool) -> None:
    try:
        audit.record(db_path(), "export", nom_utilisateur(), fichier=fichier, lignes=lignes,
                     **{"secret statistique": "oui" if diffusion_ else "non"})
    except OSError:
        pass
