"""Utilisateurs et journal (administrators only): who may sign in with which role, and the
audit log of sign-ins, loads, restores, erasures and exports."""

import polars as pl
import streamlit as st

from ui import acces, export, grilles, journal, page
from ui.format import fmt_nombre
from warehouse import audit, roles
from warehouse.db import db_path

page.entete("Utilisateurs et journal", None,
            "qui peut se connecter et avec quel rôle, et le journal des actions. Réservé aux administrateurs.")

# ---------- users ----------

st.subheader("Utilisateurs")
if acces.auth_configuree():
    st.caption("Connexion : OpenID Connect (section `[auth]` de `.streamlit/secrets.toml`).")
else:
    st.info("**Mode local** : la connexion n'est pas configurée. L'application n'est ouverte qu'à cet ordinateur, "
            "et vous y êtes l'administrateur local. Le README explique comment configurer la connexion "
            "(ProConnect ou le fournisseur d'identité du ministère).", icon="🔓")
try:
    users = roles.charger()
except roles.ConfigurationInvalide as exc:
    st.error(f"La liste des utilisateurs ne peut pas être lue : {exc}")
    users = {}
st.caption(f"Liste lue dans `{roles.config_path()}` : une entrée `[[utilisateur]]` par personne (adresse, rôle, "
           "bassins d'un membre de CTA, SIRET d'une structure). Modifiez ce fichier pour ajouter ou retirer un "
           "accès ; la modification vaut dès la page suivante.")
if users:
    liste = pl.DataFrame([{"email": u.email, "nom": u.nom, "role": u.libelle_role,
                           "perimetre": ", ".join(u.bassins or u.sirets) or "tout"} for u in users.values()],
                         schema={c: pl.String for c in ("email", "nom", "role", "perimetre")})
    colonnes = {"email": ("Adresse", "texte"), "nom": ("Nom", "texte"), "role": ("Rôle", "texte"),
                "perimetre": ("Périmètre (bassins ou SIRET)", "texte")}
    page.tableau(export.Table(df=liste, colonnes=tuple(colonnes), nom="utilisateurs", titre="Utilisateurs",
                              titres=grilles.titres(colonnes), unites=grilles.unites(colonnes)), key="utilisateurs")
else:
    st.caption("Aucun utilisateur déclaré.")
with st.expander("Ce que voit chaque rôle"):
    st.markdown(
        "- **Administrateur** : tout, import des retours, restauration d'une version, cette page.\n"
        "- **Agent** : toutes les données, import des retours et exports ; peut activer « Tableaux à diffuser ».\n"
        "- **Membre de CTA** : les agrégats de tous les bassins sous secret statistique ; le détail par structure "
        "seulement dans ses bassins ; jamais de ligne individuelle.\n"
        "- **Structure** : ses propres indicateurs ; ceux des autres structures seulement en agrégats sous "
        "secret statistique.")

# ---------- audit log ----------

st.subheader("Journal des actions")
entrees = audit.read(db_path())
if entrees.is_empty():
    st.caption("Aucune action enregistrée pour l'instant.")
else:
    types = st.multiselect("Actions", list(audit.EVENTS.values()), key="journal_types", select_all=False, filter_mode=None,
                           placeholder="Toutes les actions")
    shown = entrees.filter(pl.col("evenement").is_in(types)) if types else entrees
    st.caption(f"{fmt_nombre(shown.height)} action(s), de la plus récente à la plus ancienne (fichier "
               f"« {audit.path_for(db_path()).name} » à côté de l'entrepôt).")
    page.tableau(export.Table(df=journal.journal_affichage(shown), colonnes=tuple(journal.JOURNAL_COLONNES),
                              nom="journal_actions", titre="Journal des actions",
                              titres=grilles.titres(journal.JOURNAL_COLONNES),
                              unites=grilles.unites(journal.JOURNAL_COLONNES)),
                 key="journal", hauteur=grilles.hauteur(shown.height, 420))
