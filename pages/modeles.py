"""Modèles de retour: the Excel workbook a structure fills, blank or pre-filled with what the
warehouse already knows about it, and what the structure must do with it."""

import streamlit as st

from ui import classeurs, data, export, labels, page
from warehouse.scope import Filters

page.entete("Modèles de retour", None,
            "le classeur Excel que chaque structure remplit pour son retour annuel, vierge ou pré-rempli.")

st.markdown(
    "**Ce que la structure doit faire**\n\n"
    "1. Remplir **une feuille par modèle** : « structure » (une ligne), « salaries_insertion » (une ligne par "
    "contrat d'insertion présent dans l'année, même sorti), « personnel_permanent » (une ligne par permanent ou "
    "bénévole présent), « finances » (une ligne). Les données commencent à la ligne 2.\n"
    "2. **Ne pas modifier les en-têtes.** Survoler un en-tête affiche sa définition ; les listes déroulantes "
    "donnent les codes admis (détail dans la feuille « Listes »), la feuille « Mode d'emploi » montre un exemple "
    "par modèle.\n"
    "3. Identifier chaque personne par son **numéro d'agrément ou un code interne, jamais par son nom**.\n"
    "4. Enregistrer en **.xlsx** (pas de classeur avec macros) et l'envoyer à la DDETS. Une feuille laissée vide "
    "est ignorée : on peut envoyer les modèles en plusieurs fois.\n\n"
    "Un fichier est refusé en entier s'il contient une erreur ; le rapport indique la feuille, la ligne et la "
    "colonne à corriger. Un nouvel envoi pour la même année remplace le précédent.")

c1, c2, c3 = st.columns(3)
with c1.container(border=True):
    st.markdown("**Classeur vierge**")
    st.caption("Les quatre modèles du retour annuel, avec le mode d'emploi et les listes de codes.")
    st.download_button("⬇️ Télécharger le modèle vierge (.xlsx)", data=classeurs.classeur_vierge,
                       file_name="modele_retour_annuel_siae.xlsx", mime=export.MIME["xlsx"], key="modele_vierge",
                       on_click="ignore", type="primary")
with c2.container(border=True):
    st.markdown("**Registre des conventions et communes**")
    st.caption("Tenu par la DDETS : les SIAE conventionnées de l'année et, pour un autre département, ses "
               "communes et bassins.")
    st.download_button("⬇️ Télécharger le modèle du registre (.xlsx)", data=classeurs.classeur_registre,
                       file_name="modele_registre_conventions.xlsx", mime=export.MIME["xlsx"], key="modele_registre",
                       on_click="ignore")
with c3.container(border=True):
    st.markdown("**Demande d'insertion par commune**")
    st.caption("Tenu par la DDETS : les demandeurs d'emploi (France Travail), les foyers au RSA (CAF) et la "
               "population 15-64 ans (INSEE) de chaque commune, pour la page « Territoires ». Les communes et "
               "l'année sont déjà écrites ; la source de chaque chiffre est dans le classeur.")
    filtre = st.session_state.get(page.FILTRES_KEY)
    annees_demande = classeurs.annees_demande(filtre.annee if filtre else None)
    annee_demande = st.selectbox("Année des chiffres (au 31/12)", annees_demande, key="modele_demande_annee")
    st.download_button("⬇️ Télécharger le classeur de la demande (.xlsx)",
                       data=lambda: classeurs.classeur_demande(int(annee_demande)),
                       file_name=f"demande_insertion_par_commune_{annee_demande}.xlsx", mime=export.MIME["xlsx"],
                       key="modele_demande", on_click="ignore")

st.subheader("Classeur pré-rempli pour une structure")
st.caption("Le classeur d'une SIAE pour une année, avec son identité et les personnes encore présentes au 31/12 "
           "de l'année précédente (à compléter : heures travaillées, sorties, nouvelles entrées). Les finances "
           "restent à remplir.")
try:
    annees = data.lire("annees_conventions")["annee"].to_list() if data.version() else []
except data.DonneesIndisponibles as exc:
    annees = []
    st.warning(str(exc))
if not annees:
    st.info("Aucune SIAE conventionnée dans l'entrepôt : chargez d'abord le registre des conventions de l'année "
            "(page « Importer des retours ») pour pré-remplir un classeur. Le modèle vierge reste disponible.",
            icon="📭")
else:
    filtre = st.session_state.get(page.FILTRES_KEY)
    defaut = filtre.annee if filtre and filtre.annee in annees else annees[0]
    c1, c2 = st.columns([1, 3])
    annee = c1.selectbox("Année du retour", annees, index=annees.index(defaut), key="modele_annee", filter_mode=None)
    siae = data.lire("conventions", Filters(annee=int(annee)))
    if siae.is_empty():
        c2.info(f"Aucune SIAE conventionnée en {annee} dans votre périmètre.")
    else:
        noms = {r["siret"]: f"{r['raison_sociale']} — {r['nom_commune'] or labels.bassin(r['bassin'])} "
                            f"({labels.type_siae(r['type_siae'])}) · {r['siret']}" for r in siae.iter_rows(named=True)}
        with c2:
            siret = page.choix_siae(noms, key="modele_siae", libelle="Structure (SIAE conventionnées de l'année)",
                                    premiere=True)
        if data.scope_courant().voit_personnes_de(siret):
            st.download_button(f"⬇️ Télécharger le classeur {annee} pré-rempli (.xlsx)",
                               data=lambda: classeurs.classeur_prerempli(siret, int(annee)),
                               file_name=f"retour_{annee}_{siret}.xlsx", mime=export.MIME["xlsx"], key="modele_prerempli",
                               on_click="ignore", type="primary")
        else:
            st.info("Le classeur pré-rempli nomme les salariés de la structure : seuls la DDETS et la structure "
                    "elle-même peuvent le télécharger. Le modèle vierge ci-dessus reste disponible.", icon="🔒")
