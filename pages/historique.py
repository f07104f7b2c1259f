"""Historique des chargements: every file submitted, what it did to each return, the
warehouse versions, and going back to an earlier one (as a new version: nothing is lost)."""

import streamlit as st

from ui import acces, chargements, data, export, grilles, page, rapports, versions
from ui.format import dates_fr

RESTAURE = "_historique_restauration"

page.entete("Historique des chargements", None,
            "chaque fichier soumis au chargement (depuis cette application ou en ligne de commande), ce qu'il a "
            "fait à chaque retour, et les versions de l'entrepôt. Les filtres de la barre latérale ne "
            "s'appliquent pas à cette page.")

# ---------- loads ----------

st.subheader("Chargements")
if data.version() is None:
    st.info("Aucun chargement pour l'instant : l'entrepôt n'existe pas encore. Chargez des retours depuis la page "
            "« Importer des retours » ou avec `python -m loaders load DOSSIER`.", icon="📭")
else:
    charges = data.lire("chargements")
    if charges.is_empty():
        st.info("Aucun chargement enregistré dans cette version de l'entrepôt (ou votre profil ne donne pas accès à "
                "l'historique des fichiers).", icon="📭")
    else:
        refus_seuls = st.toggle("Seulement les fichiers refusés", key="refus_seuls")
        shown = chargements.chargements_affichage(charges)
        if refus_seuls:
            shown = shown.filter(shown["status"] == "rejected")
        grilles.grille(
            export.Table(df=shown, colonnes=tuple(chargements.CHARGEMENT_COLONNES), nom="historique_chargements",
                         titre="Historique des chargements", titres=grilles.titres(chargements.CHARGEMENT_COLONNES),
                         unites=grilles.unites(chargements.CHARGEMENT_COLONNES)),
            montrer=chargements.CHARGEMENT_MONTRE, key="chargements", fige="file_name",
            hauteur=grilles.hauteur(shown.height), vide="Aucun fichier refusé dans l'historique.")

        st.markdown("**Ce qu'a fait un chargement**")
        choix = st.selectbox("Chargement à examiner", charges["load_id"].to_list(), key="chargement", filter_mode=None,
                             format_func=lambda i: chargements.libelle_chargement(charges, i, "loaded_at", "file_name"))
        ligne = charges.filter(charges["load_id"] == choix).row(0, named=True)
        st.caption(chargements.resume_chargement(ligne))
        effets = data.lire("evenements", load_id=int(choix))
        if effets.is_empty():
            st.info("Ce chargement n'a touché aucun retour annuel : fichier illisible (sans SIRET ni année "
                    "reconnaissables), ou référentiel des communes.")
        else:
            grilles.grille(
                export.Table(df=chargements.evenements_affichage(effets), colonnes=tuple(chargements.EFFET_COLONNES),
                             nom=f"chargement_{choix}", titre=f"Effet du chargement n° {choix} sur les retours",
                             titres=grilles.titres(chargements.EFFET_COLONNES),
                             unites=grilles.unites(chargements.EFFET_COLONNES)),
                key="effets", hauteur=grilles.hauteur(effets.height, 360))
        if ligne["nb_erreurs"] or ligne["nb_avertissements"]:
            lignes = data.lire("problemes", load_id=int(choix))
            st.markdown("**Rapport**" + (" (le fichier a été refusé : rien n'a été enregistré)"
                                         if ligne["status"] == "rejected" else ""))
            rapports.grille_rapport(rapports.problemes_depuis(lignes), key="historique",
                                   nom=f"rapport_chargement_{choix}.csv", hauteur=grilles.hauteur(lignes.height, 360),
                                   sans_fichier=True)

# ---------- versions ----------

st.subheader("Versions de l'entrepôt")
st.markdown(
    "Chaque chargement crée une **nouvelle version** de l'entrepôt ; les précédentes restent sur le disque. "
    "**Restaurer** une version la recopie comme nouvelle version en service : **rien n'est perdu**, les versions "
    "plus récentes restent elles aussi disponibles, et l'on peut revenir en avant de la même façon.")
fait = st.session_state.pop(RESTAURE, None)
if fait:
    (st.success if fait[0] else st.error)(fait[1], icon="✅" if fait[0] else "⚠️")
liste = versions.versions()
if liste.is_empty():
    st.info("Aucune version : l'entrepôt n'existe pas encore.", icon="📭")
else:
    grilles.grille(
        export.Table(df=dates_fr(liste, "creee_le", "dernier_chargement"),
                     colonnes=tuple(versions.VERSION_COLONNES), nom="versions_entrepot",
                     titre="Versions de l'entrepôt", titres=grilles.titres(versions.VERSION_COLONNES),
                     unites=grilles.unites(versions.VERSION_COLONNES)),
        key="versions", hauteur=grilles.hauteur(liste.height, 320))
    anciennes = liste.filter(~liste["en_service"])["version"].to_list()
    en_service = liste.filter(liste["en_service"])["version"].to_list()
    if not anciennes:
        st.caption("Une seule version pour l'instant : rien à restaurer.")
    elif not acces.est_admin():
        st.caption("Seul un administrateur peut remettre en service une version antérieure.")
    else:
        with st.container(border=True):
            st.markdown("**Revenir à une version antérieure**")
            numero = st.selectbox("Version à remettre en service", anciennes, key="version_a_restaurer", filter_mode=None,
                                  format_func=lambda n: versions.libelle_version_ligne(liste, n))
            nouvelle = int(liste["version"].max()) + 1
            confirme = st.checkbox(
                f"Je confirme : remettre en service la version {numero}. Elle sera recopiée comme version "
                f"{nouvelle} ; la version actuelle ({en_service[0] if en_service else '—'}) reste disponible.",
                key="confirmer_restauration")
            st.button("Restaurer cette version", key="restaurer", type="primary", disabled=not confirme,
                      on_click=versions.restaurer, args=(int(numero), RESTAURE, "confirmer_restauration"))
    st.markdown("En ligne de commande, depuis le dossier de l'outil, la même chose s'écrit :")
    st.code("python -m warehouse versions     # lister les versions (* = en service)\n"
            "python -m warehouse restore N    # remettre en service la version N (copiée en nouvelle version)",
            language="bash")
