"""Finances: turnover, public funding and equity over n-2..n, funding by funder, public cost per ETP."""

import streamlit as st

from ui import charts, data, page
from ui.format import fmt_valeur

f = page.filtres()
debut, fin = f.annees_n2
page.entete("Finances", f, f"comptes transmis par les SIAE, {debut} à {fin}.")

terr = data.lire("territoire", f, depuis=debut)
row = page.indicateurs_cles(f, terr, [("chiffre_affaires", "normal"), ("financement_public", "off"),
                                      ("ratio_public_ca", "off"), ("fonds_propres_pct_ca", "normal")])
med = data.lire("medianes_siae", f).row(0, named=True)
st.caption(
    f"Coût public par ETP en insertion, médiane des SIAE : **{fmt_valeur(med['cout_public_par_etp'], 'euros')}** "
    f"(sur {med['nb_valeurs_cout_public_par_etp']} SIAE dont le coût est connu). "
    + (f"Comptes reçus de {row['nb_retours_finances']} SIAE sur {row['nb_siae']}. " if row else "")
    + page.NOTE_VIDE)

if row:
    sous_titre = page.selection(f)
    c1, c2, c3 = st.columns(3)
    for col, column in zip(["chiffre_affaires", "ratio_public_ca", "fonds_propres_pct_ca"], (c1, c2, c3)):
        with column:
            builder = charts.barres_annees if col == "chiffre_affaires" else charts.tendance
            page.graphique(lambda c=col, b=builder: b(terr, c, sous_titre=sous_titre), terr, colonne=col,
                           key=f"fin_{col}", vide=f"Aucun compte reçu de {debut} à {fin} pour cette sélection.")

financeurs = data.lire("financement", f)
st.divider()
page.graphique(lambda: charts.financement(financeurs, sous_titre=page.selection(f)), financeurs,
               key="financeurs", vide=f"Aucun compte reçu de {debut} à {fin} pour cette sélection.")
if not financeurs.is_empty():
    page.tableau(page.table_export(financeurs, ["annee", "financeur_libelle", "montant", "nb_siae"],
                                   "financement_par_financeur", "Financement public par financeur", f,
                                   titres=(("nb_siae", "SIAE ayant transmis leurs comptes"),),
                                   unites=(("nb_siae", "nombre"),)),
                 key="financeurs")

st.subheader("Par SIAE")
liste = data.lire("siae", f, tri="ratio_public_ca", decroissant=True)
page.graphique(lambda: charts.distribution_siae(liste, "cout_public_par_etp", sous_titre=page.selection(f)),
               liste.drop_nulls("cout_public_par_etp"), key="cout_etp",
               vide="Coût public par ETP : aucune SIAE n'a transmis à la fois ses comptes et ses salariés.")
COLONNES = ["raison_sociale", "type_siae", "bassin", "chiffre_affaires_n2", "chiffre_affaires_n1",
            "chiffre_affaires", "evolution_ca", "financement_public", "ratio_public_ca_n2", "ratio_public_ca_n1",
            "ratio_public_ca", "fonds_propres", "fonds_propres_pct_ca_n2", "fonds_propres_pct_ca_n1",
            "fonds_propres_pct_ca", "cout_public_par_etp"]
page.tableau(page.table_export(liste, COLONNES, "finances_siae", "Finances par SIAE", f), key="finances",
             fige="raison_sociale", vide="Aucune SIAE pour cette sélection.")
page.lien_referentiel(COLONNES)
