"""Structures: the SIAE of the selection with their indicators; a row opens its fiche."""

import streamlit as st

from ui import data, labels, page
from warehouse.queries import SORT_SIAE

f = page.filtres()
page.entete("Structures", f, "les SIAE conventionnées et leurs indicateurs de l'année. Cliquez une ligne pour "
            "ouvrir sa fiche ; cliquez un en-tête pour trier.")

c1, c2, c3 = st.columns([4, 3, 2], vertical_alignment="bottom")
recherche = c1.text_input("Rechercher", key="recherche", bind="query-params",
                          placeholder="Raison sociale, SIRET ou commune")
tri = c2.selectbox("Trier par (et ordre des exports)", SORT_SIAE, key="tri", format_func=labels.colonne,
                   bind="query-params")
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
choisie = page.tableau(
    page.table_export(liste, COLONNES, "indicateurs_siae", "Indicateurs par SIAE", f,
                      filtres=(("Recherche", recherche or "aucune"),
                               ("Retours incomplets seulement", "oui" if incomplets else "non"))),
    key="structures", fige="raison_sociale", selection=True, hauteur=560,
    vide="Aucune SIAE ne correspond : élargissez les filtres ou la recherche.")
if choisie is not None:
    siae = liste.row(choisie, named=True)
    st.page_link("pages/fiche_siae.py", label=f"Ouvrir la fiche de {siae['raison_sociale']}", icon="📇",
                 query_params={"siret": siae["siret"]})
page.lien_referentiel(COLONNES)
