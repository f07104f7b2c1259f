"""Vue d'ensemble: the key figures of the selection, their change from n-1, their trend."""

import streamlit as st

from ui import charts, data, page
from ui.format import fmt_nombre, fmt_valeur

f = page.filtres()
page.entete("Vue d'ensemble", f, "chiffres clés de l'année, évolution par rapport à l'année précédente et "
            "tendance depuis la première année chargée.")

premiere = data.lire("annees", f)["annee"].min()
terr = data.lire("territoire", f, depuis=premiere)

CLES = [
    ("nb_siae", "off"), ("nb_salaries", "normal"), ("etp_insertion", "normal"), ("taux_realisation_etp", "normal"),
    ("taux_sortie_dynamique", "normal"), ("taux_emploi_durable", "normal"), ("ratio_public_ca", "off"),
    ("taux_retour", "normal"),
]
row = page.indicateurs_cles(f, terr, CLES)
if row:
    st.caption(
        f"ETP conventionnés : {fmt_valeur(row['etp_conventionnes'], 'etp')}. Les sommes et les taux portent "
        f"sur les SIAE qui ont transmis le retour concerné : retour salariés reçu pour "
        f"{fmt_nombre(row['nb_retours_salaries'])} SIAE, finances pour {fmt_nombre(row['nb_retours_finances'])}, "
        f"les quatre retours pour {fmt_nombre(row['nb_retours_complets'])} sur {fmt_nombre(row['nb_siae'])}. "
        + page.NOTE_VIDE)
    st.subheader("Tendances")
    single = terr.filter(terr["annee"] <= f.annee)
    cols = st.columns(3)
    for col, column in zip(["nb_salaries", "taux_sortie_dynamique", "ratio_public_ca"], cols):
        with column:
            page.graphique(lambda c=col: charts.tendance(single, c, sous_titre=page.selection(f)),
                           single, colonne=col, key=f"tendance_{col}",
                           vide="Aucune valeur sur ces années : retours non reçus pour cette sélection.")
    page.lien_referentiel([c for c, _ in CLES])

st.subheader("Les indicateurs année par année")
page.tableau(
    page.table_export(terr.sort("annee", descending=True), [
        "annee", "bassin", "type_siae", "nb_siae", "nb_retours_complets", "taux_retour", "nb_salaries",
        "nb_entrees", "nb_sorties", "etp_conventionnes", "etp_insertion", "taux_realisation_etp",
        "taux_sortie_dynamique", "taux_emploi_durable", "part_femmes", "part_rsa", "chiffre_affaires",
        "financement_public", "ratio_public_ca", "fonds_propres_pct_ca"],
        "indicateurs_territoire", "Indicateurs par territoire, année par année", f),
    key="territoire", fige="annee", vide="Aucune SIAE conventionnée pour cette sélection.")
