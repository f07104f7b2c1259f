"""Publics: who the integration employees are, and where they go when they leave."""

import streamlit as st

from ui import charts, data, page

f = page.filtres()
page.entete("Publics", f, "profil des salariés en insertion présents dans l'année et sorties de l'année.")

terr = data.lire("territoire", f, depuis=f.annee - 2)
page.indicateurs_cles(f, terr, [
    ("nb_salaries", "normal"), ("nb_entrees", "normal"), ("nb_sorties", "off"), ("part_femmes", "off"),
    ("part_rsa", "off"), ("taux_sortie_dynamique", "normal"), ("taux_emploi_durable", "normal"),
    ("nb_sorties_dynamiques", "normal"),
])

profil = data.lire("publics", f)
st.subheader("Profil des salariés en insertion")
if profil.is_empty():
    st.info(f"Aucun salarié en insertion pour cette sélection en {f.annee} : aucun retour « Salariés en "
            "insertion » reçu, ou aucune SIAE conventionnée.")
else:
    dims = profil.select("dimension", "dimension_libelle").unique(maintain_order=True).rows()
    cols = st.columns(2)
    for i, (dim, titre) in enumerate(dims):
        part = profil.filter(profil["dimension"] == dim)
        with cols[i % 2]:
            page.graphique(lambda p=part, t=titre: charts.repartition(p, titre=t, sous_titre=page.selection(f)),
                           part, key=f"profil_{dim}", vide="Aucune donnée.")
    st.caption("Une personne compte une fois par difficulté déclarée : le total des difficultés dépasse le nombre "
               "de salariés.")
    page.tableau(page.table_export(profil, ["dimension_libelle", "libelle", "nb_salaries"], "publics_repartition",
                                   "Répartition des publics", f,
                                   titres=(("dimension_libelle", "Caractéristique"), ("libelle", "Modalité"))),
                 key="publics")

st.subheader("Sorties de l'année")
sorties = data.lire("sorties", f)
if sorties.is_empty():
    st.info(f"Aucune sortie enregistrée en {f.annee} pour cette sélection (ou aucun retour « Salariés en "
            "insertion » reçu).")
else:
    page.graphique(lambda: charts.sorties(sorties, sous_titre=page.selection(f)), sorties, key="sorties",
                   vide="Aucune sortie.")
    page.tableau(page.table_export(sorties, ["categorie_libelle", "motif_libelle", "dynamique", "nb_sorties"],
                                   "sorties_par_categorie", "Sorties par catégorie", f), key="sorties")
page.lien_referentiel(["nb_salaries", "part_femmes", "part_rsa", "taux_sortie_dynamique", "taux_emploi_durable",
                       "nb_sorties_neutres"])
