"""Personnel: permanent staff, supervision, qualification and training."""

import streamlit as st

from ui import charts, data, labels, page
from ui.format import fmt_valeur

f = page.filtres()
page.entete("Personnel", f, "salariés permanents et bénévoles présents dans l'année.")

terr = data.lire("territoire", f, depuis=f.annee - 2)
med = data.lire("medianes_siae", f).row(0, named=True)
benevoles = data.lire("personnel", f, par="fonction", benevoles=True)
gauche, droite = st.columns(2)
page.indicateurs_cles(f, terr, [("etp_permanents", "normal"), ("etp_encadrement", "normal")], par_ligne=2,
                      container=gauche)
d1, d2 = droite.columns(2)
d1.metric("Taux d'encadrement médian des SIAE", fmt_valeur(med["taux_encadrement"], "decimal"), border=True,
          help=labels.aide("taux_encadrement") + f"\n\nMédiane sur les {med['nb_valeurs_taux_encadrement']} SIAE "
               "de la sélection dont le taux est connu : l'entrepôt ne calcule pas encore ce taux pour un "
               "territoire.")
d2.metric(labels.colonne("nb_benevoles"), fmt_valeur(benevoles["nb_personnes"].sum(), "nombre"), border=True,
          help=labels.aide("nb_benevoles"))
st.caption(f"Taux d'encadrement : ETP en insertion par ETP d'encadrement, médiane sur "
           f"{med['nb_valeurs_taux_encadrement']} SIAE dont le taux est connu. " + page.NOTE_VIDE)

par_fonction = data.lire("personnel", f, par="fonction")
if par_fonction.is_empty() and benevoles.is_empty():
    st.info(f"Aucun retour « Personnel permanent » reçu pour cette sélection en {f.annee}.")
    st.stop()

c1, c2 = st.columns(2)
with c1:
    page.graphique(lambda: charts.repartition(par_fonction, titre="ETP permanents par fonction",
                                              sous_titre=page.selection(f), valeur="etp_permanents"),
                   par_fonction, key="pers_fonction", vide="Aucun salarié permanent.")
with c2:
    diplome = data.lire("personnel", f, par="niveau_diplome")
    page.graphique(lambda: charts.repartition(diplome, titre="Permanents par niveau de diplôme",
                                              sous_titre=page.selection(f), valeur="nb_personnes"),
                   diplome, key="pers_diplome", vide="Aucun salarié permanent.")
c3, c4 = st.columns(2)
with c3:
    formation = page.libelles_formation(data.lire("personnel", f, par="formation_suivie"))
    page.graphique(lambda: charts.repartition(formation, titre="Permanents formés dans l'année",
                                              sous_titre=page.selection(f), valeur="nb_personnes"),
                   formation, key="pers_formation", vide="Aucun salarié permanent.")
with c4:
    statut = data.lire("personnel", f, par="statut")
    page.graphique(lambda: charts.repartition(statut, titre="Permanents par statut",
                                              sous_titre=page.selection(f), valeur="nb_personnes"),
                   statut, key="pers_statut", vide="Aucun salarié permanent.")

st.subheader("Par SIAE")
liste = data.lire("siae", f, tri="taux_encadrement", decroissant=True)
COLONNES = ["raison_sociale", "type_siae", "bassin", "retour_personnel", "nb_permanents", "nb_benevoles",
            "etp_permanents", "etp_encadrement", "etp_insertion", "taux_encadrement"]
page.tableau(page.table_export(liste, COLONNES, "personnel_siae", "Personnel permanent par SIAE", f),
             key="personnel", fige="raison_sociale", vide="Aucune SIAE pour cette sélection.")
page.tableau(page.table_export(par_fonction, ["libelle", "nb_personnes", "etp_permanents"], "personnel_par_fonction",
                               "Personnel permanent par fonction", f, titres=(("libelle", "Fonction"),)),
             key="fonctions")
page.lien_referentiel(["etp_permanents", "etp_encadrement", "taux_encadrement", "nb_permanents", "nb_benevoles"])
