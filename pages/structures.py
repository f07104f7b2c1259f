"""Structures: the SIAE of the selection with their indicators; a row opens its fiche."""

import streamlit as st

from ui import data, labels, page
from warehouse.queries import SORT_SIAE

f = page.filtres()
page.entete("Structures", f, "les SIAE conventionnées et leurs indicateurs de l'année. Cliquez une ligne pour "
            "ouvrir la fiche de la structure ; cliquez un en-tête pour trier.")

c1, c2, c3 = st.columns([4, 3, 2], vertical_alignment="bottom")
recherche = c1.text_input("Rechercher", key="recherche", bind="query-params",
                          placeholder="Raison sociale, SIRET ou commune")
tri = c2.selectbox("Trier par (et ordre des exports)", SORT_SIAE, key="tri", format_func=labels.colonne,
                   bind="query-params", filter_mode=None)
decroissant = c3.toggle("Ordre décroissant", key="decroissant", bind="query-params")
incomplets = st.toggle("Seulement les SIAE aux retours incomplets", key="incomplets", bind="query-params",
                       help="Les SIAE auxquelles il manque au moins un des quatre retours de l'année.")

liste = data.lire("siae", f, recherche=recherche or "", tri=tri, decroissant=decroissant,
                  retours_incomplets=incomplets)
COLONNES = [
    "raison_sociale", "siret", "type_siae", "nom_commune", "bassin", "retour_complet", "etp_conventionnes",
    "nb_salaries", "etp_insertion", "taux_realisation_etp", "nb_sorties", "taux_sortie_dynamique",
    "taux_emploi_durable", "etp_permanents", "taux_encadrement", "chiffre_affaires", "ratio_public_ca",
    "fonds_propres_pct_ca", "cout_public_par_etp",
]
st.caption(f"{len(liste)} SIAE. " + page.NOTE_VIDE)
ouvertes = st.session_state.setdefault("structures_ouvertes", 0)
choisie = page.tableau(
    page.table_export(liste, COLONNES, "indicateurs_siae", "Indicateurs par SIAE", f,
                      filtres=(("Recherche", recherche or "aucune"),
                               ("Retours incomplets seulement", "oui" if incomplets else "non"))),
    key="structures", tour=ouvertes, fige="raison_sociale", selection=True, hauteur=560,
    vide="Aucune SIAE ne correspond : élargissez les filtres ou la recherche.")
if choisie is not None:
    # A click opens the sheet. A new table key for the next visit: back here, no row is still
    # ticked (it would open the same sheet again).
    st.session_state["structures_ouvertes"] = ouvertes + 1
    st.switch_page("pages/fiche_siae.py", query_params={"siret": liste.row(choisie, named=True)["siret"]})
page.lien_referentiel(COLONNES)
